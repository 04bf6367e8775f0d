import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { insertChangeEvent } from './change-event.repository';
import { JobName } from './job-names';
import { OutboxService } from './outbox.service';

/** What changed, by key. Every list may be empty; an event with no key at all is not written. */
export interface ChangedKeys {
  households?: readonly string[];
  members?: readonly string[];
  sessions?: readonly string[];
}

const unique = (ids: readonly string[] | undefined) => [...new Set((ids ?? []).filter(Boolean))];

/**
 * The one way writes tell projections what changed: a change_event row and the job that applies it, both in the
 * caller's transaction (through the outbox), so a committed change is always projected and a rolled-back one never.
 */
@Injectable()
export class ChangeFeed {
  constructor(private readonly outbox: OutboxService) {}

  async emit(manager: EntityManager, keys: ChangedKeys): Promise<string | null> {
    const households = unique(keys.households);
    const members = unique(keys.members);
    const sessions = unique(keys.sessions);
    if (!households.length && !members.length && !sessions.length) return null;
    const id = await insertChangeEvent(manager, { households, members, sessions });
    await this.outbox.enqueue(manager, JobName.ProjectChanges, { eventId: id }, { aggregate: `change:${id}`, jobKey: id });
    return id;
  }
}
