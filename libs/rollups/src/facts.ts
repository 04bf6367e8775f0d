import { AssistOutcome, ASSIST_SERVICES, ServiceOutcome } from '@cdtg/assists';
import { ALL_TIME, StoredGrain, storedBuckets } from './periods';
import { Basis, FLAG, GRAIN_FLAG, SESSION_RECORDS, Vector, vectorOf } from './measures';

/** An assistance entry as the rollups see it. */
export interface EntryState {
  id: string;
  householdId: string;
  unitId: string;
  day: string;
  /** Milliseconds since the epoch; with the id, orders a household's entries. */
  at: number;
  valid: boolean;
  verified: boolean;
  services: ServiceOutcome[];
}

/** What one valid entry counts for: where, when, and its flags and follow-up balance in each basis. */
export interface EntryFact {
  entryId: string;
  householdId: string;
  unitId: string;
  day: string;
  aFlags: number;
  vFlags: number;
  doneBits: number;
  followUpBits: number;
  aNet: number;
  vNet: number;
}

/** One day a member was active (helped a household or worked at a held session), where they were first that day. */
export interface VolunteerFact {
  memberId: string;
  day: string;
  unitId: string;
  flags: number;
}

export interface ActivityState {
  memberId: string;
  sourceId: string;
  unitId: string;
  day: string;
  at: number;
}

/** A held session's figures (a session that is not held counts for nothing): what it records for each measure (SESSION_RECORDS). */
export interface SessionFact {
  sessionId: string;
  unitId: string;
  day: string;
  records: Record<string, number>;
}

/** A session fact from a row of its columns (session_id, unit_id, day as text, and the recorded ones). */
export const sessionFactOf = (row: Record<string, unknown>): SessionFact => ({
  sessionId: row.session_id as string,
  unitId: row.unit_id as string,
  day: row.day as string,
  records: Object.fromEntries(SESSION_RECORDS.map(({ column }) => [column, Number(row[column])])),
});

const byTime =
  <T extends { at: number }>(key: (x: T) => string) =>
  (a: T, b: T) =>
    a.at - b.at || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Flags "first in its day/week/month/quarter/year/ever" over items in time order. */
function firstFlags<T extends { day: string }>(ordered: T[]): number[] {
  const seen = { D: new Set<string>(), W: new Set<string>(), M: new Set<string>(), Q: new Set<string>(), Y: new Set<string>() };
  let ever = false;
  return ordered.map((item) => {
    const buckets = storedBuckets(item.day);
    let flags = FLAG.counted;
    const keys: Record<keyof typeof seen, string> = { D: item.day, W: buckets.W, M: buckets.M, Q: buckets.Q, Y: buckets.Y };
    for (const grain of Object.keys(seen) as (keyof typeof seen)[]) {
      if (!seen[grain].has(keys[grain])) {
        seen[grain].add(keys[grain]);
        flags |= GRAIN_FLAG[grain];
      }
    }
    if (!ever) {
      ever = true;
      flags |= FLAG.ever;
    }
    return flags;
  });
}

/** Per entry, the change in open follow-ups: +1 for each service left for a follow-up, −1 for each one it settles. */
function followUpNets(ordered: EntryState[]): number[] {
  const open = new Map<string, boolean>();
  return ordered.map((entry) => {
    let net = 0;
    for (const s of entry.services) {
      const wasOpen = open.get(s.service) ?? false;
      const isOpen = s.outcome === AssistOutcome.FollowUp;
      net += Number(isOpen) - Number(wasOpen);
      open.set(s.service, isOpen);
    }
    return net;
  });
}

/** The facts of one household's entries (valid ones only): the rule behind every assistance measure. */
export function householdFacts(entries: EntryState[]): EntryFact[] {
  const valid = entries.filter((e) => e.valid).sort(byTime((e) => e.id));
  const verified = valid.filter((e) => e.verified);
  const aFlags = firstFlags(valid);
  const aNets = followUpNets(valid);
  const vFlags = new Map(firstFlags(verified).map((f, i) => [verified[i].id, f]));
  const vNets = new Map(followUpNets(verified).map((n, i) => [verified[i].id, n]));
  return valid.map((e, i) => ({
    entryId: e.id,
    householdId: e.householdId,
    unitId: e.unitId,
    day: e.day,
    aFlags: aFlags[i],
    vFlags: vFlags.get(e.id) ?? 0,
    doneBits: serviceBits(e.services, AssistOutcome.Done),
    followUpBits: serviceBits(e.services, AssistOutcome.FollowUp),
    aNet: aNets[i],
    vNet: vNets.get(e.id) ?? 0,
  }));
}

function serviceBits(services: ServiceOutcome[], outcome: AssistOutcome): number {
  return services.reduce((bits, s) => (s.outcome === outcome ? bits | (1 << ASSIST_SERVICES.indexOf(s.service)) : bits), 0);
}

/** A member's active days: the first activity of each day places it; flags as for households. */
export function volunteerFacts(memberId: string, activities: ActivityState[]): VolunteerFact[] {
  const firstOfDay = new Map<string, ActivityState>();
  for (const a of [...activities].sort(byTime((x) => x.sourceId))) if (!firstOfDay.has(a.day)) firstOfDay.set(a.day, a);
  const days = [...firstOfDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  const flags = firstFlags(days);
  return days.map((d, i) => ({ memberId, day: d.day, unitId: d.unitId, flags: flags[i] }));
}

/** What an entry fact adds to a cell (or a day) of a grain, in a basis: the entry measures' rules (measures.ts). */
export function entryVector(fact: EntryFact, grain: StoredGrain | 'D', basis: Basis): Vector {
  const flags = basis === Basis.All ? fact.aFlags : fact.vFlags;
  return vectorOf('entries', {
    flags,
    counted: flags & FLAG.counted,
    verified: fact.vFlags & FLAG.counted,
    net: basis === Basis.All ? fact.aNet : fact.vNet,
    doneBits: fact.doneBits,
    followUpBits: fact.followUpBits,
    bucketFlag: GRAIN_FLAG[grain],
  });
}

export function volunteerVector(fact: VolunteerFact, grain: StoredGrain | 'D'): Vector {
  return vectorOf('volunteers', { flags: fact.flags, bucketFlag: GRAIN_FLAG[grain] });
}

export function sessionVector(fact: SessionFact): Vector {
  return vectorOf('sessions', { column: (measure) => fact.records[measure] ?? 0 });
}

/** The cells a fact of `day` lands in: one bucket per stored grain. */
export function cellBuckets(day: string): [StoredGrain, string][] {
  const b = storedBuckets(day);
  return [
    ['W', b.W],
    ['M', b.M],
    ['Q', b.Q],
    ['Y', b.Y],
    ['A', ALL_TIME],
  ];
}
