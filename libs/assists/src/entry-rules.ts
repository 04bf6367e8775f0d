import { FieldProblem, problem, Reason, ReasonParams } from '@cdtg/errors';
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
const MAX_VOLUNTEERS = 20;
const MAX_NOTE = 1000;
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
  const bad = (field: (string | number)[], reason: Reason, params?: ReasonParams) => problems.push(problem([...path, ...field], reason, params));

  if (typeof input.clientId !== 'string' || !CLIENT_ID.test(input.clientId))
    bad(['clientId'], Reason.BadFormat, { example: '2f1c9a3e-5b7d-4c1e-9f0a-6d2b8e4c7a11' });

  // A correction that does not change the household keeps the one stored (its identity is not kept to re-check).
  const identity = input.household ?? {};
  const identityIssue = input.household === undefined && options.householdKnown ? null : identityProblem(identity);
  if (identityIssue) bad(['household', identityIssue[0]], identityIssue[1], identityIssue[2]);

  const occurredAt = typeof input.occurredAt === 'string' ? parseVietnamTime(input.occurredAt) : null;
  const occurredOn = occurredAt ? vietnamDate(occurredAt) : null;
  if (!occurredAt || !occurredOn) bad(['occurredAt'], Reason.BadTime);
  else if (occurredAt.getTime() > ctx.now.getTime() + CLOCK_SKEW_MS) bad(['occurredAt'], Reason.InTheFuture);
  else if (occurredOn < EARLIEST_DAY) bad(['occurredAt'], Reason.TooEarly, { date: EARLIEST_DAY });
  else if (ctx.group.dissolvedOn && occurredOn > ctx.group.dissolvedOn) bad(['occurredAt'], Reason.AfterGroupDissolved, { date: ctx.group.dissolvedOn });

  const unit = typeof input.unitId === 'string' ? ctx.units.get(input.unitId) : undefined;
  if (!unit) bad(['unitId'], Reason.NotAUnit);
  else if (!UNIT_KINDS.includes(unit.kind)) bad(['unitId'], Reason.UnitWrongKind, { kinds: UNIT_KINDS });
  else if (!unit.inArea) bad(['unitId'], Reason.OutsideGroupArea);
  else if (occurredOn && isIsoDate(occurredOn) && ((unit.validFrom && occurredOn < unit.validFrom) || (unit.validTo && occurredOn > unit.validTo))) {
    // The unit's name and validity let the client say which unit to use instead.
    bad(['unitId'], Reason.UnitNotInForce, { day: occurredOn, name: unit.name, validFrom: unit.validFrom ?? '', validTo: unit.validTo ?? '' });
  }

  const services: ServiceOutcome[] = [];
  const list = Array.isArray(input.services) ? input.services : [];
  if (list.length === 0) bad(['services'], Reason.TooFew, { min: 1 });
  else if (list.length > ASSIST_SERVICES.length) bad(['services'], Reason.TooMany, { max: ASSIST_SERVICES.length });
  list.forEach((s, i) => {
    if (!ASSIST_SERVICES.includes(s?.service)) return bad(['services', i, 'service'], Reason.NotInList);
    if (services.some((x) => x.service === s.service)) return bad(['services', i, 'service'], Reason.Repeated);
    if (!OUTCOMES.includes(s.outcome)) return bad(['services', i, 'outcome'], Reason.NotInList, { allowed: OUTCOMES });
    const reason = s.reason ?? null;
    if (s.outcome === AssistOutcome.FollowUp && !reason) return bad(['services', i, 'reason'], Reason.FollowUpNeedsReason);
    if (reason && !REASONS.includes(reason)) return bad(['services', i, 'reason'], Reason.NotInList, { allowed: REASONS });
    if (s.outcome === AssistOutcome.Done && reason) return bad(['services', i, 'reason'], Reason.ReasonOnlyForFollowUp);
    services.push({ service: s.service, outcome: s.outcome, reason });
  });

  const volunteers = Array.isArray(input.volunteerIds) ? [...new Set(input.volunteerIds)] : [];
  if (volunteers.length === 0) bad(['volunteerIds'], Reason.TooFew, { min: 1 });
  else if (volunteers.length > MAX_VOLUNTEERS) bad(['volunteerIds'], Reason.TooMany, { max: MAX_VOLUNTEERS });
  volunteers.forEach((id, i) => {
    const periods = UUID.test(id) ? ctx.memberships.get(id) : undefined;
    if (!periods) bad(['volunteerIds', i], Reason.NotAGroupMember);
    else if (occurredOn && !periods.some((p) => p.from <= occurredOn && (p.to === null || p.to >= occurredOn)))
      bad(['volunteerIds', i], Reason.NotAGroupMember, { on: occurredOn });
  });

  const sessionId = input.sessionId ?? null;
  // A group records help given at its own sessions: one of another group (of any ward) is refused like one that does not exist.
  // A correction that keeps the entry's session does not judge it again (it may have been cancelled since).
  const session = sessionId !== null && sessionId !== options.keptSessionId ? ctx.sessions.get(sessionId) : undefined;
  if (sessionId !== null && sessionId !== options.keptSessionId && !session) bad(['sessionId'], Reason.NotAGroupSession);
  else if (session?.status === 'cancelled') bad(['sessionId'], Reason.SessionCancelled);

  let note: string | null = null;
  if (input.note !== undefined && input.note !== null) {
    note = tidyName(String(input.note));
    if (note.length > MAX_NOTE) bad(['note'], Reason.TooLong, { max: MAX_NOTE });
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
