import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, Reason } from '@cdtg/errors';
import { Clock } from '@cdtg/time';
import { AssistRepository } from './assist.repository';
import { EntryContext, EntryInput } from './entry-rules';

/** Loads, in a few queries, what the entry rules need to check a batch of entries for one group. */
@Injectable()
export class EntryContextLoader {
  constructor(
    private readonly repository: AssistRepository,
    private readonly clock: Clock,
  ) {}

  async load(
    manager: EntityManager,
    groupId: string,
    inputs: Pick<EntryInput, 'unitId' | 'volunteerIds' | 'sessionId'>[],
    field = 'input.groupId',
  ): Promise<EntryContext & { groupUnitId: string }> {
    const group = await this.repository.group(manager, groupId);
    if (!group) throw DomainError.invalid(field, Reason.NotAGroup);
    if (group.status === 'dissolved' && !group.dissolved_on) throw DomainError.invalid(field, Reason.GroupDissolved);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const unitIds = [...new Set(inputs.map((i) => i.unitId).filter((id) => typeof id === 'string' && uuid.test(id)))];
    const memberIds = [
      ...new Set(inputs.flatMap((i) => (Array.isArray(i.volunteerIds) ? i.volunteerIds : [])).filter((id) => typeof id === 'string' && uuid.test(id))),
    ];
    const sessionIds = [...new Set(inputs.map((i) => i.sessionId).filter((id): id is string => typeof id === 'string' && uuid.test(id)))];
    return {
      group: { id: group.id, status: group.status, dissolvedOn: group.dissolved_on },
      groupUnitId: group.unit_id,
      units: unitIds.length ? await this.repository.unitsInArea(manager, groupId, unitIds) : new Map(),
      memberships: memberIds.length ? await this.repository.membershipPeriods(manager, groupId, memberIds) : new Map(),
      sessions: sessionIds.length ? await this.repository.sessionsOfGroup(manager, groupId, sessionIds) : new Map(),
      now: this.clock.now(),
    };
  }
}
