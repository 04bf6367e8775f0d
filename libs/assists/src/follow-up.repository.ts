import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import { keysetPageOf, Page, PageRequest } from '@cdtg/database';
import { db } from './db';
import { AssistService, FollowUpReason } from './assist.enums';

/** One service of a household still waiting for a follow-up visit. */
export interface OpenFollowUp {
  service: AssistService;
  reason: FollowUpReason;
  /** The day of the entry that left it open (the latest entry for this household and service). */
  markedOn: string;
  /** Whether that entry was logged by another group (the household was visited again, and still needs one). */
  byOtherGroup: boolean;
}

/** A household of the group's worklist: the services still open, where it lives, and when it was last visited. */
export interface FollowUpHousehold {
  id: string;
  householdId: string;
  unitId: string;
  services: OpenFollowUp[];
  /** The day of the oldest entry that left a service open (the worklist is ordered by it: untouched longest first). */
  waitingSince: string;
  lastVisitOn: string;
}

/**
 * The follow-up worklist: the (household, service) pairs a group marked "needs a follow-up" whose latest valid entry
 * (by any group: a household is one household key, whoever logs it) is still a follow-up. A later entry that gives
 * the service as done settles it; voided entries do not count. One statement (one snapshot) per page.
 */
@Injectable()
export class FollowUpRepository {
  constructor(private readonly dataSource: DataSource) {}

  openForGroup(groupId: string, page: PageRequest): Promise<Page<FollowUpHousehold>> {
    // Each service of an entry as a row.
    const services = sql<{ service: string; outcome: string; reason: string | null }>`jsonb_to_recordset(e.services)`.as<'s'>(
      sql`s(service text, outcome text, reason text)`,
    );
    const marked = db
      .selectFrom('assist_entry as e')
      .innerJoin(services, (join) => join.onTrue())
      .select(['e.household_id', 's.service'])
      .distinct()
      .where('e.group_id', '=', groupId)
      .where('e.status', '=', 'valid')
      .where('s.outcome', '=', 'follow_up');
    // The latest valid entry of each (household, service) of those households, whoever logged it.
    const latest = db
      .selectFrom('assist_entry as e')
      .innerJoin(services, (join) => join.onTrue())
      .distinctOn(['e.household_id', 's.service'])
      .select(['e.household_id', 's.service', 's.outcome', 's.reason', 'e.occurred_at', 'e.occurred_on', 'e.unit_id', 'e.group_id'])
      .where('e.status', '=', 'valid')
      .where('e.household_id', 'in', db.selectFrom(marked.as('m')).select('m.household_id'))
      .orderBy('e.household_id')
      .orderBy('s.service')
      .orderBy('e.occurred_at', 'desc')
      .orderBy('e.created_at', 'desc');
    const open = db
      .selectFrom(latest.as('l'))
      .innerJoin(marked.as('m'), (join) => join.onRef('m.household_id', '=', 'l.household_id').onRef('m.service', '=', 'l.service'))
      .where('l.outcome', '=', 'follow_up')
      .groupBy('l.household_id')
      .select((eb) => [
        'l.household_id as id',
        sql<string>`(array_agg(${eb.ref('l.unit_id')} ORDER BY ${eb.ref('l.occurred_at')} DESC))[1]`.as('unit_id'),
        sql<string>`to_char(min(${eb.ref('l.occurred_on')}), 'YYYY-MM-DD')`.as('waiting_since'),
        sql<OpenFollowUpRow[]>`jsonb_agg(jsonb_build_object('service', ${eb.ref('l.service')}, 'reason', ${eb.ref('l.reason')},
          'markedOn', to_char(${eb.ref('l.occurred_on')}, 'YYYY-MM-DD'), 'byOtherGroup', ${eb.ref('l.group_id')} <> ${groupId}::uuid)
          ORDER BY ${eb.ref('l.service')})`.as('services'),
      ]);
    // The last visit of the household by anyone, for the worklist's "last visited".
    const rows = db
      .selectFrom(open.as('f'))
      .selectAll('f')
      .select((eb) =>
        eb
          .selectFrom('assist_entry as v')
          .select(sql<string>`to_char(max(v.occurred_on), 'YYYY-MM-DD')`.as('d'))
          .whereRef('v.household_id', '=', 'f.id')
          .where('v.status', '=', 'valid')
          .as('last_visit_on'),
      );
    const key = sql<string>`f.waiting_since`;
    return keysetPageOf(this.dataSource, rows, { key, id: 'f.id' }, page, (r) => ({
      id: r.id,
      householdId: r.id,
      unitId: r.unit_id,
      waitingSince: r.waiting_since,
      lastVisitOn: r.last_visit_on ?? r.waiting_since,
      services: r.services.map((s) => ({ ...s, service: s.service as AssistService, reason: s.reason as FollowUpReason })),
    }));
  }
}

interface OpenFollowUpRow {
  service: string;
  reason: string;
  markedOn: string;
  byOtherGroup: boolean;
}
