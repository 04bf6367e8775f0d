import { FieldProblem } from '@cdtg/errors';
import { personalNumberProblems, tidyName } from '@cdtg/text';
import { isIsoDate, parseVietnamTime, vietnamDate } from '@cdtg/time';
import { ASSIST_SERVICES, AssistOutcome, AssistService, FollowUpReason, ServiceOutcome } from './assist.enums';
import { HouseholdIdentity, identityProblem } from './household-key';

/** One entry as a client sends it (offline sync or a correction). */
export interface EntryInput {
  clientId: string;
  household?: HouseholdIdentity;
  unitId: string;
  services: { service: AssistService; outcome: AssistOutcome; reason?: FollowUpReason | null }[];
  volunteerIds: string[];
  sessionId?: string | null;
  /** Local time in Asia/Ho_Chi_Minh ("2026-11-20T09:30") or ISO 8601 with an offset. */
  occurredAt: string;
  note?: string | null;
}

/** A unit an entry may name, with whether it lies in the group's area. */
export interface UnitFacts {
  id: string;
  kind: string;
  name: string;
  typeWord: string;
  validFrom: string | null;
  validTo: string | null;
  inArea: boolean;
}

/** What the rules need to know about the world, loaded once per batch. */
export interface EntryContext {
  group: { id: string; status: string; dissolvedOn: string | null };
  units: Map<string, UnitFacts>;
  /** Periods each member spent in the group. */
  memberships: Map<string, { from: string; to: string | null }[]>;
  /** The group's own sessions among those the entries name. */
  sessions: Map<string, { status: string }>;
  now: Date;
}

/** An entry that passed every rule, normalised. */
export interface EntryDraft {
  clientId: string;
  /** Undefined when a correction keeps the stored household. */
  household: HouseholdIdentity | undefined;
  unit: UnitFacts;
  services: ServiceOutcome[];
  volunteerIds: string[];
  sessionId: string | null;
  occurredAt: Date;
  occurredOn: string;
  note: string | null;
}

export const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Entries older than this are not plausible for the programme. */
export const EARLIEST_DAY = '2020-01-01';
/** Phones' clocks drift: a visit may be stamped this far in the future. */
export const CLOCK_SKEW_MS = 10 * 60_000;
const UNIT_KINDS = ['residential_group', 'commune', 'special_zone'];
const REASONS = Object.values(FollowUpReason);
const OUTCOMES = Object.values(AssistOutcome);

/**
 * Checks one entry against every rule of the assistance log and returns it normalised, or every problem found,
 * each with the path of its field under `path` (e.g. ["input", "entries", 3, "note"]).
 */
export function checkEntry(
  input: EntryInput,
  ctx: EntryContext,
  path: (string | number)[],
  options: { householdKnown?: boolean; keptSessionId?: string | null; keptNote?: string | null } = {},
): { draft: EntryDraft } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (field: (string | number)[], message: string) => problems.push({ path: [...path, ...field], message });

  if (typeof input.clientId !== 'string' || !CLIENT_ID.test(input.clientId)) bad(['clientId'], 'must be 8-64 letters, digits, - or _ (a UUID made by the app)');

  // A correction that does not change the household keeps the one stored (its identity is not kept to re-check).
  const identity = input.household ?? {};
  const identityIssue = input.household === undefined && options.householdKnown ? null : identityProblem(identity);
  if (identityIssue) bad(['household', identityIssue[0]], identityIssue[1]);

  const occurredAt = typeof input.occurredAt === 'string' ? parseVietnamTime(input.occurredAt) : null;
  const occurredOn = occurredAt ? vietnamDate(occurredAt) : null;
  if (!occurredAt || !occurredOn) bad(['occurredAt'], 'must be a time such as 2026-11-20T09:30 (Asia/Ho_Chi_Minh) or ISO 8601 with an offset');
  else if (occurredAt.getTime() > ctx.now.getTime() + CLOCK_SKEW_MS) bad(['occurredAt'], 'is in the future');
  else if (occurredOn < EARLIEST_DAY) bad(['occurredAt'], `is before ${EARLIEST_DAY}`);
  else if (ctx.group.dissolvedOn && occurredOn > ctx.group.dissolvedOn) bad(['occurredAt'], `is after the group was dissolved (${ctx.group.dissolvedOn})`);

  const unit = typeof input.unitId === 'string' ? ctx.units.get(input.unitId) : undefined;
  if (!unit) bad(['unitId'], 'is not an administrative unit');
  else if (!UNIT_KINDS.includes(unit.kind)) bad(['unitId'], 'must be a residential group, commune or special zone (where the household lives)');
  else if (!unit.inArea) bad(['unitId'], "is outside the group's area");
  else if (occurredOn && isIsoDate(occurredOn) && ((unit.validFrom && occurredOn < unit.validFrom) || (unit.validTo && occurredOn > unit.validTo))) {
    bad(['unitId'], `${unit.name} was not in force on ${occurredOn} (valid ${unit.validFrom ?? '…'} to ${unit.validTo ?? '…'}); use the unit of that day`);
  }

  const services: ServiceOutcome[] = [];
  const list = Array.isArray(input.services) ? input.services : [];
  if (list.length === 0 || list.length > ASSIST_SERVICES.length) bad(['services'], `must list 1-${ASSIST_SERVICES.length} services`);
  list.forEach((s, i) => {
    if (!ASSIST_SERVICES.includes(s?.service)) return bad(['services', i, 'service'], 'is not a service of the catalogue');
    if (services.some((x) => x.service === s.service)) return bad(['services', i, 'service'], 'is listed twice');
    if (!OUTCOMES.includes(s.outcome)) return bad(['services', i, 'outcome'], 'must be done or follow_up');
    const reason = s.reason ?? null;
    if (s.outcome === AssistOutcome.FollowUp && !reason) return bad(['services', i, 'reason'], 'is required for a follow-up');
    if (reason && !REASONS.includes(reason)) return bad(['services', i, 'reason'], 'is not a follow-up reason of the list');
    if (s.outcome === AssistOutcome.Done && reason) return bad(['services', i, 'reason'], 'is only for follow-ups');
    services.push({ service: s.service, outcome: s.outcome, reason });
  });

  const volunteers = Array.isArray(input.volunteerIds) ? [...new Set(input.volunteerIds)] : [];
  if (volunteers.length === 0 || volunteers.length > 20) bad(['volunteerIds'], 'must name 1-20 members who helped');
  volunteers.forEach((id, i) => {
    const periods = UUID.test(id) ? ctx.memberships.get(id) : undefined;
    if (!periods) bad(['volunteerIds', i], 'is not a member of the group');
    else if (occurredOn && !periods.some((p) => p.from <= occurredOn && (p.to === null || p.to >= occurredOn)))
      bad(['volunteerIds', i], `was not a member of the group on ${occurredOn}`);
  });

  const sessionId = input.sessionId ?? null;
  // A group records help given at its own sessions: one of another group (of any ward) is refused like one that does not exist.
  // A correction that keeps the entry's session does not judge it again (it may have been cancelled since).
  const session = sessionId !== null && sessionId !== options.keptSessionId ? ctx.sessions.get(sessionId) : undefined;
  if (sessionId !== null && sessionId !== options.keptSessionId && !session) bad(['sessionId'], 'is not a session of the group');
  else if (session?.status === 'cancelled') bad(['sessionId'], 'the session was cancelled');

  let note: string | null = null;
  if (input.note !== undefined && input.note !== null) {
    note = tidyName(String(input.note));
    if (note.length > 1000) bad(['note'], 'must be at most 1000 characters');
    // A correction that keeps the note as stored does not judge it again.
    if (note !== options.keptNote) problems.push(...personalNumberProblems([...path, 'note'], note));
    if (!note) note = null;
  }

  if (problems.length) return { problems };
  return {
    draft: {
      clientId: input.clientId,
      household: input.household,
      unit: unit!,
      services,
      volunteerIds: volunteers,
      sessionId,
      occurredAt: occurredAt!,
      occurredOn: occurredOn!,
      note,
    },
  };
}
