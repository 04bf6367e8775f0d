import { ASSIST_SERVICE_NAMES, ASSIST_SERVICES, AssistService } from '@cdtg/assists';
import { StoredGrain } from './periods';

/** Whose rows a basis counts: every valid entry, or only verified ones (sessions and volunteers count in both). */
export enum Basis {
  All = 0,
  Verified = 1,
}

/** Flag bits of entry and volunteer facts: counted, and first in its day, week, month, quarter, year, ever. */
export const FLAG = { counted: 1, D: 2, W: 4, M: 8, Q: 16, Y: 32, ever: 64 } as const;
/** The flag that makes a fact the first of its kind in a bucket of each grain ('A', all time: ever). */
export const GRAIN_FLAG: Record<StoredGrain | 'D', number> = { D: FLAG.D, W: FLAG.W, M: FLAG.M, Q: FLAG.Q, Y: FLAG.Y, A: FLAG.ever };

// -----------------------------------------------------------------------------------------------------------------
// How a measure's value in one fact is written: once, as a rule over the operations below, which the projector runs
// on numbers and every SQL reader (facts of coverage answers, the rebuild's cells) runs on SQL text over a fact row f.

/** What a rule may do with the values of a fact: on numbers (the projector) or on SQL text (everything that reads facts in SQL). */
export interface Ops<T> {
  /** 1 when `value` has any bit of `mask`, else 0. */
  anyBit(value: T, mask: number): T;
  /** Bit `i` of `value` (0 or 1). */
  bit(value: T, i: number): T;
  times(a: T, b: T): T;
  /** 1 for every fact. */
  one: T;
}

/** An entry fact in one basis. */
export interface EntryTerms<T> {
  /** Its flags in the basis (0 in the verified basis when the entry is not verified). */
  flags: T;
  /** 1 when it counts in the basis. */
  counted: T;
  /** 1 when it is verified (in either basis). */
  verified: T;
  /** The change in open follow-ups in the basis. */
  net: T;
  doneBits: T;
  followUpBits: T;
  /** The flag of "first in its bucket" of the grain summed over (see GRAIN_FLAG). */
  bucketFlag: number;
}

export interface VolunteerTerms<T> {
  flags: T;
  bucketFlag: number;
}

/** A session fact: its recorded figures, one column per measure recorded (named after it). */
export interface SessionTerms<T> {
  column(measure: string): T;
}

export const NUMBER_OPS: Ops<number> = { anyBit: (v, mask) => ((v & mask) !== 0 ? 1 : 0), bit: (v, i) => (v >> i) & 1, times: (a, b) => a * b, one: 1 };
export const SQL_OPS: Ops<string> = {
  anyBit: (v, mask) => `((${v} & ${mask}) <> 0)::int`,
  bit: (v, i) => `((${v} >> ${i}) & 1)`,
  times: (a, b) => `${a} * ${b}`,
  one: '1',
};

// -----------------------------------------------------------------------------------------------------------------
// How a measure is shown: a figure of a coverage row (a Float field of the GraphQL CoverageRow and a column of the
// exports), or one figure of an item of a group of them (services, people trained).

export interface Header {
  vi: string;
  en: string;
}

export interface ServiceCount {
  service: AssistService;
  done: number;
  followUp: number;
}

export interface TrainedCount {
  gender: 'female' | 'male';
  ageBand: 'under_35' | '35_59' | '60_plus';
  people: number;
}

/** The groups of figures of a row, by field, with the type of their items. */
export interface MeasureGroups {
  services: ServiceCount;
  trained: TrainedCount;
}
/** The fields of a group's items that say which item it is (the others are figures). */
interface GroupKeys {
  services: 'service';
  trained: 'gender' | 'ageBand';
}
export type MeasureGroup = keyof MeasureGroups;

/** A figure of its own: the row's `field`; in a cumulative answer, optionally the figure of another (stock) measure. */
export interface FieldShown {
  field: string;
  description?: string;
  header: Header;
  /** The measure shown instead in a cumulative answer (households reached in "all time" are those reached to date). */
  cumulative?: string;
}

export type GroupShown = {
  [G in MeasureGroup]: {
    group: G;
    item: Pick<MeasureGroups[G], GroupKeys[G] & keyof MeasureGroups[G]>;
    figure: Exclude<keyof MeasureGroups[G], GroupKeys[G]>;
    header: Header;
  };
}[MeasureGroup];

// -----------------------------------------------------------------------------------------------------------------
// The sources measures are counted from, and the declaration of a measure.

/** Where measures are counted from: a fact table each. Entry measures follow the verification basis (cells of basis 1 hold them for verified entries only); the others are read from basis 0 in either. */
export const SOURCES = {
  entries: { table: 'rollup_entry_fact', followsBasis: true },
  volunteers: { table: 'rollup_volunteer_fact', followsBasis: false },
  sessions: { table: 'rollup_session_fact', followsBasis: false },
} as const;
export type MeasureSource = keyof typeof SOURCES;
export const MEASURE_SOURCES = Object.keys(SOURCES) as MeasureSource[];

interface TermsOf<T> {
  entries: EntryTerms<T>;
  volunteers: VolunteerTerms<T>;
  sessions: SessionTerms<T>;
}

/** A rule, whatever its source (each source's rules are run with that source's terms only). */
type AnyRule = <T>(ops: Ops<T>, fact: never) => T;

interface Declared<N extends string, S extends MeasureSource, R extends FieldShown | GroupShown | null> {
  name: N;
  source: S;
  /** Counted in the asked basis (entries), or read from basis 0 in both (volunteers, sessions). */
  followsBasis: boolean;
  /** A stock: its value at a day is its sum from the beginning (households reached to date, follow-ups open); the others are flows. */
  stock: boolean;
  /** Its value in one fact. */
  value: AnyRule;
  /** Sessions: the SQL over a training_session row that the session fact records in a column named after the measure. */
  record?: string;
  /** How answers show it; null for a stock shown only as another measure's cumulative figure. */
  row: R;
}

function declare<S extends MeasureSource>(source: S) {
  return <const N extends string, const R extends FieldShown | GroupShown | null>(
    name: N,
    d: { stock?: true; value: <T>(ops: Ops<T>, fact: TermsOf<T>[S]) => T; row: R },
  ): Declared<N, S, R> => ({ name, source, followsBasis: SOURCES[source].followsBasis, stock: !!d.stock, value: d.value as AnyRule, row: d.row });
}
const entry = declare('entries');
const volunteer = declare('volunteers');
const session = declare('sessions');
/** A session measure the session fact records: `record` over the training_session row, its column the value. */
const recorded = <const N extends string, const R extends FieldShown | GroupShown>(name: N, record: string, row: R): Declared<N, 'sessions', R> => ({
  ...session(name, { value: (_, f) => f.column(name), row }),
  record,
});

const h = (vi: string, en: string): Header => ({ vi, en });
/** People trained are recorded by gender and age band (training_session columns `<gender>_<band>`). */
const GENDERS = [
  ['female', 'Nữ', 'Women'],
  ['male', 'Nam', 'Men'],
] as const;
const AGE_BANDS = [
  ['under_35', 'dưới 35', 'under 35'],
  ['35_59', '35–59', '35–59'],
  ['60_plus', 'từ 60', '60+'],
] as const;

/**
 * Every measure a rollup cell holds, in column order (its position in every vector): the one declaration behind the
 * cell tables (their columns), the session facts (their recorded columns), the projector's vectors, every SQL that
 * sums facts (coverage answers and the rebuild), the basis rule, the GraphQL coverage row and the exports' columns.
 * Counts of distinct households and volunteers are sums of "first in its bucket" flags, so every measure adds up
 * over units and over the days of a bucket. A new measure is one more line here (at the end: stored columns keep
 * their positions) and a migration adding its columns to the cell tables (and the session fact) and filling them.
 */
export const MEASURE_LIST = [
  /** Households whose first entry in the bucket this is (distinct households reached in the bucket). */
  entry('households', {
    value: (o, f) => o.anyBit(f.flags, f.bucketFlag),
    row: {
      field: 'householdsReached',
      cumulative: 'households_ever',
      description: 'Distinct households helped in the period',
      header: h('Hộ được hỗ trợ trong kỳ', 'Households reached in the period'),
    },
  }),
  /** Households whose first entry ever this is: summed up to a day, households reached to date. */
  entry('households_ever', {
    stock: true,
    value: (o, f) => o.anyBit(f.flags, FLAG.ever),
    row: {
      field: 'householdsReachedToDate',
      description: 'Distinct households helped from the beginning to the end of the period',
      header: h('Hộ được hỗ trợ lũy kế', 'Households reached to date'),
    },
  }),
  entry('entries', { value: (_, f) => f.counted, row: { field: 'entries', header: h('Lượt hỗ trợ', 'Entries') } }),
  /** Entries verified by a ward officer (basis "all"; in the verified basis it equals entries). */
  entry('entries_verified', {
    value: (o, f) => o.times(f.counted, f.verified),
    row: { field: 'entriesVerified', header: h('Lượt đã xác minh', 'Entries verified') },
  }),
  ...ASSIST_SERVICES.flatMap((service, i) => {
    const { vi, en } = ASSIST_SERVICE_NAMES[service];
    return [
      entry(`done_${service}`, {
        value: (o, f) => o.times(f.counted, o.bit(f.doneBits, i)),
        row: { group: 'services', item: { service }, figure: 'done', header: h(`${vi}: hoàn thành`, `${en}: done`) },
      }),
      entry(`follow_up_${service}`, {
        value: (o, f) => o.times(f.counted, o.bit(f.followUpBits, i)),
        row: { group: 'services', item: { service }, figure: 'followUp', header: h(`${vi}: cần hỗ trợ lại`, `${en}: follow-up`) },
      }),
    ];
  }),
  /** +1 when a household's service becomes open for a follow-up, −1 when a later visit settles it: summed to a day, follow-ups open. */
  entry('follow_ups_net', {
    stock: true,
    value: (_, f) => f.net,
    row: {
      field: 'followUpsOpen',
      description: 'Services left for a follow-up and not yet settled, at the end of the period',
      header: h('Việc cần hỗ trợ lại đang mở', 'Follow-ups open'),
    },
  }),
  /** Members active in the bucket for the first time (distinct active volunteers). */
  volunteer('volunteers', {
    value: (o, f) => o.anyBit(f.flags, f.bucketFlag),
    row: {
      field: 'activeVolunteers',
      cumulative: 'volunteers_ever',
      description: 'Distinct members who helped a household or worked at a held session',
      header: h('Tình nguyện viên hoạt động', 'Active volunteers'),
    },
  }),
  volunteer('volunteers_ever', { stock: true, value: (o, f) => o.anyBit(f.flags, FLAG.ever), row: null }),
  session('sessions_held', { value: (o) => o.one, row: { field: 'sessionsHeld', header: h('Buổi tập huấn', 'Sessions held') } }),
  recorded('participants', 'coalesce(participants_total, 0)', { field: 'participants', header: h('Người tham dự', 'Participants') }),
  ...GENDERS.flatMap(([gender, genderVi, genderEn]) =>
    AGE_BANDS.map(([ageBand, bandVi, bandEn]) =>
      recorded(`trained_${gender}_${ageBand}`, `coalesce(${gender}_${ageBand}, 0)`, {
        group: 'trained',
        item: { gender, ageBand },
        figure: 'people',
        header: h(`Đã tập huấn: ${genderVi} ${bandVi}`, `Trained: ${genderEn} ${bandEn}`),
      }),
    ),
  ),
  /** Practical steps completed at held sessions: per topic, the participants who did its step (VNeID activated on the spot...). */
  recorded('practical_steps', `coalesce((SELECT sum(p.value::int) FROM jsonb_each_text(practical_completions) AS p), 0)::int`, {
    field: 'practicalStepsCompleted',
    description:
      "Practical steps completed at held sessions: per topic, the participants who completed its step (one who completed two topics' steps counts twice)",
    header: h('Bước thực hành đã hoàn thành', 'Practical steps completed'),
  }),
];

type Declaration = (typeof MEASURE_LIST)[number];
export type Measure = Declaration['name'];
export type MeasureDef = Declared<Measure, MeasureSource, FieldShown | GroupShown | null>;

export const MEASURES: readonly Measure[] = MEASURE_LIST.map((m) => m.name);
export const MEASURE_INDEX = Object.fromEntries(MEASURES.map((m, i) => [m, i])) as Record<Measure, number>;
const DEFS = new Map<string, MeasureDef>(MEASURE_LIST.map((m) => [m.name, m]));

/** A vector of all measures, indexed as MEASURES. */
export type Vector = number[];
export const zero = (): Vector => new Array<number>(MEASURES.length).fill(0);
export const add = (into: Vector, v: Vector, factor = 1): Vector => {
  for (let i = 0; i < into.length; i++) into[i] += v[i] * factor;
  return into;
};
export const isZero = (v: Vector) => v.every((x) => x === 0);

/** Measures that are stocks: their value at a day is their sum from the beginning (households reached to date, follow-ups open). */
export const STOCKS: readonly Measure[] = MEASURE_LIST.filter((m) => m.stock).map((m) => m.name);

/** True when `measure` follows the verification basis (an entry measure). */
export const followsBasis = (measure: string): boolean => DEFS.get(measure)?.followsBasis ?? false;

/** True when a stored row of `rowBasis` counts for `measure` in an answer of `basis`: entry measures from the asked basis, the others from basis 0. */
export const countsIn = (measure: string, rowBasis: number, basis: Basis): boolean => (followsBasis(measure) ? rowBasis === basis : rowBasis === Basis.All);

/** The bases a source's facts are summed in: both for entries, 0 for the others. */
export const basesOf = (source: MeasureSource): Basis[] => (SOURCES[source].followsBasis ? [Basis.All, Basis.Verified] : [Basis.All]);

/** The measures a session fact records, with the SQL over a training_session row that gives each (its column is named after it). */
export const SESSION_RECORDS: readonly { column: Measure; record: string }[] = MEASURE_LIST.flatMap((m) =>
  m.record ? [{ column: m.name, record: m.record }] : [],
);

// -----------------------------------------------------------------------------------------------------------------
// Derived: the values of one fact (the projector) and the sums of facts in SQL.

/** What a fact adds to a cell (or a day): every measure of its source by its rule, the others 0. */
export function vectorOf<S extends MeasureSource>(source: S, terms: TermsOf<number>[S]): Vector {
  const v = zero();
  MEASURE_LIST.forEach((m, i) => {
    if (m.source === source) v[i] = (m.value as <T>(ops: Ops<T>, fact: TermsOf<number>[S]) => T)(NUMBER_OPS, terms);
  });
  return v;
}

/** SQL terms of a fact row `f` of a source, for buckets of `grain`, in `basis`. */
function sqlTerms(grain: StoredGrain | 'D', basis: Basis): TermsOf<string> {
  const flags = basis === Basis.All ? 'f.a_flags' : 'f.v_flags';
  return {
    entries: {
      flags,
      counted: `(${flags} & 1)`,
      verified: '(f.v_flags & 1)',
      net: basis === Basis.All ? 'f.a_net' : 'f.v_net',
      doneBits: 'f.done_bits',
      followUpBits: 'f.follow_up_bits',
      bucketFlag: GRAIN_FLAG[grain],
    },
    volunteers: { flags: 'f.flags', bucketFlag: GRAIN_FLAG[grain] },
    sessions: { column: (measure) => `f."${measure}"` },
  };
}

/** SQL summing a source's facts `f` into its measures (per bucket of `grain`, in `basis`): measure → `sum(...)::int`. */
export function measuresSql(source: MeasureSource, grain: StoredGrain | 'D', basis: Basis): Record<string, string> {
  const terms = sqlTerms(grain, basis)[source];
  const rule = (m: MeasureDef) => (m.value as <T>(ops: Ops<T>, fact: typeof terms) => T)(SQL_OPS, terms);
  return Object.fromEntries(MEASURE_LIST.filter((m) => m.source === source).map((m) => [m.name, `sum(${rule(m)})::int`]));
}

// -----------------------------------------------------------------------------------------------------------------
// Derived: the figures of a coverage row.

/** The figures of a coverage row from the registry: a field per shown measure, and the groups' items. */
export type MeasureFigures = { [F in Extract<Declaration['row'], FieldShown>['field']]: number } & { [G in MeasureGroup]: MeasureGroups[G][] };

/** The measures shown, in order: what the GraphQL row and the exports' columns are made of. */
export const SHOWN: readonly (MeasureDef & { row: FieldShown | GroupShown })[] = MEASURE_LIST.filter(
  (m): m is Extract<Declaration, { row: object }> => m.row !== null,
);

/** A row's figure of a shown measure. */
export function figureOf(row: MeasureFigures, m: { row: FieldShown | GroupShown }): number {
  const shown = m.row;
  if ('field' in shown) return (row as unknown as Record<string, number>)[shown.field];
  const items = row[shown.group] as unknown as Record<string, unknown>[];
  const item = items.find((x) => Object.entries(shown.item).every(([k, v]) => x[k] === v));
  return (item?.[shown.figure] as number | undefined) ?? 0;
}

/**
 * The figures of a row from a bucket's flows and stocks: flows are read for flow measures, stocks for stocks, and in a
 * cumulative answer a measure with a `cumulative` counterpart shows that (households reached "in" all time are those
 * reached to date).
 */
export function figuresOf(flow: Vector, stock: Vector, cumulative: boolean, precision: (n: number) => number): MeasureFigures {
  const value = (name: string) => {
    const m = DEFS.get(name)!;
    return precision((m.stock ? stock : flow)[MEASURE_INDEX[m.name]]);
  };
  const out: Record<string, unknown> = {};
  for (const m of SHOWN) {
    const shown = m.row;
    if ('field' in shown) {
      out[shown.field] = value(cumulative && shown.cumulative ? shown.cumulative : m.name);
      continue;
    }
    const items = (out[shown.group] ??= []) as Record<string, unknown>[];
    let item = items.find((x) => Object.entries(shown.item).every(([k, v]) => x[k] === v));
    if (!item) items.push((item = { ...shown.item }));
    item[shown.figure] = value(m.name);
  }
  return out as MeasureFigures;
}
