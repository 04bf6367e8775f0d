import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Who performs a write. Accounts (later) fill userId; imports, seeds and jobs act as the system. */
export interface AuditActor {
  userId: string | null;
  label: string;
}

export const SYSTEM_ACTOR: AuditActor = { userId: null, label: 'system' };

export interface AuditEntry {
  operation: string;
  objectType: string;
  objectId: string;
  before?: object | null;
  after?: object | null;
}

/** Records writes in the caller's transaction: the audit row exists exactly when the change does. */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, actor: AuditActor, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const values: unknown[] = [];
    const tuples = list.map((e, i) => {
      values.push(actor.userId, actor.label, e.operation, e.objectType, e.objectId, json(e.before), json(e.after));
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb, $${b + 7}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO audit_event (actor_id, actor_label, operation, object_type, object_id, before, after) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

const json = (value: object | null | undefined) => (value ? JSON.stringify(value) : null);
