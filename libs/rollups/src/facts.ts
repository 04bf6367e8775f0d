import { AssistOutcome, ASSIST_SERVICES, ServiceOutcome } from '@cdtg/assists';
import { ALL_TIME, StoredGrain, storedBuckets } from './periods';
import { Basis, FLAG, GRAIN_FLAG, MEASURE_INDEX, Vector, zero } from './measures';

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

/** A held session's figures (a session that is not held counts for nothing). */
export interface SessionFact {
  sessionId: string;
  unitId: string;
  day: string;
  participants: number;
  trained: [number, number, number, number, number, number];
}

const byTime = <T extends { at: number }>(key: (x: T) => string) => (a: T, b: T) => a.at - b.at || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

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

/** The bucket flag of a grain: days count every fact (each fact is already one per household, member or session). */
const flagOf = (grain: StoredGrain | 'D') => GRAIN_FLAG[grain];

/** What an entry fact adds to a cell (or a day) of a grain, in a basis. */
export function entryVector(fact: EntryFact, grain: StoredGrain | 'D', basis: Basis): Vector {
  const v = zero();
  const flags = basis === Basis.All ? fact.aFlags : fact.vFlags;
  if (!(flags & FLAG.counted)) return v;
  v[MEASURE_INDEX.households] = flags & flagOf(grain) ? 1 : 0;
  v[MEASURE_INDEX.households_ever] = flags & FLAG.ever ? 1 : 0;
  v[MEASURE_INDEX.entries] = 1;
  v[MEASURE_INDEX.entries_verified] = fact.vFlags & FLAG.counted ? 1 : 0;
  ASSIST_SERVICES.forEach((s, i) => {
    v[MEASURE_INDEX[`done_${s}`]] = (fact.doneBits >> i) & 1;
    v[MEASURE_INDEX[`follow_up_${s}`]] = (fact.followUpBits >> i) & 1;
  });
  v[MEASURE_INDEX.follow_ups_net] = basis === Basis.All ? fact.aNet : fact.vNet;
  return v;
}

export function volunteerVector(fact: VolunteerFact, grain: StoredGrain | 'D'): Vector {
  const v = zero();
  v[MEASURE_INDEX.volunteers] = fact.flags & flagOf(grain) ? 1 : 0;
  v[MEASURE_INDEX.volunteers_ever] = fact.flags & FLAG.ever ? 1 : 0;
  return v;
}

export function sessionVector(fact: SessionFact): Vector {
  const v = zero();
  v[MEASURE_INDEX.sessions_held] = 1;
  v[MEASURE_INDEX.participants] = fact.participants;
  const bands = ['trained_female_under_35', 'trained_female_35_59', 'trained_female_60_plus', 'trained_male_under_35', 'trained_male_35_59', 'trained_male_60_plus'] as const;
  bands.forEach((m, i) => (v[MEASURE_INDEX[m]] = fact.trained[i]));
  return v;
}

/** The cells a fact of `day` lands in: one bucket per stored grain. */
export function cellBuckets(day: string): [StoredGrain, string][] {
  const b = storedBuckets(day);
  return [['W', b.W], ['M', b.M], ['Q', b.Q], ['Y', b.Y], ['A', ALL_TIME]];
}
