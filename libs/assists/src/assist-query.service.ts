import { Injectable } from '@nestjs/common';
import { DataScope, EVERYTHING } from '@cdtg/access';
import { AuditEvent, AuditService } from '@cdtg/audit';
import { Page, PageRequest } from '@cdtg/database';
import { DomainError, Reason } from '@cdtg/errors';
import { GeographyService } from '@cdtg/geography';
import { requireIsoDate } from '@cdtg/time';
import { AssistOutcome, AssistService, EntryStatus, MAX_BATCH } from './assist.enums';
import { AssistEntry } from './assist-entry.entity';
import { AssistRepository } from './assist.repository';
import { FollowUpHousehold, FollowUpRepository } from './follow-up.repository';
import { Household } from './household.entity';

export interface EntryFilter {
  unitCode?: string | null;
  asOf?: string | null;
  groupId?: string | null;
  householdId?: string | null;
  from?: string | null;
  to?: string | null;
  service?: AssistService | null;
  outcome?: AssistOutcome | null;
  status?: EntryStatus | null;
  verified?: boolean | null;
}

/** Reading the assistance log, always within the reader's scope. */
@Injectable()
export class AssistQueryService {
  constructor(
    private readonly repository: AssistRepository,
    private readonly followUps: FollowUpRepository,
    private readonly geography: GeographyService,
    private readonly audit: AuditService,
  ) {}

  /** Entries in scope, newest first. */
  async list(access: DataScope, filter: EntryFilter, page: PageRequest): Promise<Page<AssistEntry>> {
    for (const field of ['from', 'to'] as const) {
      if (filter[field]) requireIsoDate(filter[field]!, ['filter', field]);
    }
    const unit = filter.unitCode ? await this.geography.unitByCode(filter.unitCode, filter.asOf) : null;
    return this.repository.list(
      {
        access,
        unit: unit ? { pathPrefix: `${unit.path}%`, asOf: this.geography.asOf(filter.asOf) } : undefined,
        groupId: filter.groupId ?? undefined,
        householdId: filter.householdId ?? undefined,
        from: filter.from ?? undefined,
        to: filter.to ?? undefined,
        service: filter.service ?? undefined,
        outcome: filter.outcome ?? undefined,
        status: filter.status ?? undefined,
        verified: filter.verified ?? undefined,
      },
      page,
    );
  }

  /**
   * The group's follow-up worklist: households it marked "needs a follow-up" for a service, until a later entry by any
   * group settles that service; longest waiting first. The caller has been allowed to log for the group.
   */
  followUpsOf(groupId: string, page: PageRequest): Promise<Page<FollowUpHousehold>> {
    return this.followUps.openForGroup(groupId, page);
  }

  async entry(id: string): Promise<AssistEntry> {
    const [entry] = await this.repository.entriesByIds([id]);
    if (!entry) throw DomainError.notFound('Assistance entry');
    return entry;
  }

  entriesByIds(ids: readonly string[]): Promise<AssistEntry[]> {
    return this.repository.entriesByIds(ids);
  }

  householdsByIds(ids: readonly string[]): Promise<Household[]> {
    return this.repository.householdsByIds(ids);
  }

  /** Which of these client ids are stored (among the entries the reader may see): what an offline phone asks. */
  storedClientIds(access: DataScope, clientIds: string[]): Promise<string[]> {
    if (clientIds.length > MAX_BATCH) throw DomainError.invalid('clientIds', Reason.TooMany, { max: MAX_BATCH });
    return this.repository.storedClientIds(access, [...new Set(clientIds)]);
  }

  /** Corrections and verifications of an entry, newest first (the caller has already been allowed to read it). */
  async history(entryId: string): Promise<AuditEvent[]> {
    const page = await this.audit.list(EVERYTHING, { objectType: 'assist_entry', objectId: entryId }, { first: 100 });
    return page.items.map((i) => i.node);
  }
}
