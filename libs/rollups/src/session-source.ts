import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ActivityState, SessionFact } from './facts';

/** What the rollups read of training sessions: held sessions' figures and members' work at them. */
@Injectable()
export class SessionSource {
  async heldSessions(_manager: EntityManager, _ids: string[]): Promise<SessionFact[]> {
    return [];
  }

  async activitiesOfMembers(_manager: EntityManager, _ids: string[]): Promise<ActivityState[]> {
    return [];
  }
}
