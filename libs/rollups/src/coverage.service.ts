import { Injectable } from '@nestjs/common';
import { sql, SqlBool } from 'kysely';
import { AccessService, coversPath, DataScope } from '@cdtg/access';
import { CLOCK_SKEW_MS } from '@cdtg/assists';
import { DomainError, Reason } from '@cdtg/errors';
import { AdminUnit, GeographyService, UnitKind } from '@cdtg/geography';
import { addDays, Clock, requireIsoDate, vietnamDate } from '@cdtg/time';
import { GeographyMap } from './geography-map';
import { GeographyMapService, GeographyTree } from './geography-map.service';
import { HouseholdTrees } from './household-trees';
import { add, Basis, figureOf, figuresOf, MeasureFigures, SHOWN, Vector, zero } from './measures';
import { ALL_TIME, Bucket, bucketsBetween, monthStart, nextBucket, Period, storedGrain, yearStart } from './periods';
import { CELL_KINDS } from './cell-kinds';
import { CoverageLevel, CoverageQuery } from './coverage-query';
import { NO_PARENT } from './rollup.entities';
import { carryTargets, elapsedShare, progressOf, TARGET_GRAINS, TARGET_UNIT_KINDS, targetMeasure, TargetProgress, UnitTarget } from './targets';
import { MappedGeography, RollupRepository, Snapshot } from './rollup.repository';

const LEVEL_KINDS: Record<CoverageLevel, UnitKind[]> = {
  [CoverageLevel.Province]: [UnitKind.Province],
  [CoverageLevel.District]: [UnitKind.District],
  [CoverageLevel.Commune]: [UnitKind.Commune, UnitKind.SpecialZone],
  [CoverageLevel.ResidentialGroup]: [UnitKind.ResidentialGroup],
};

/** Periods one coverage question may span (`from` beyond this is refused, naming the field). */
export const MAX_COVERAGE_BUCKETS = 400;
const MAX_CELLS = 20_000;

/** How an answer was computed: from cells plus mapped cells, or from the sources through the coefficients. */
export enum CoverageSource {
  MappedCells = 'mapped_cells',
  Sources = 'sources',
}

/** The figures of one unit for one period: its unit and period, its denominator and coverage, and a figure per shown measure (measures.ts). */
export interface CoverageRow extends MeasureFigures {
  unit: AdminUnit;
  periodStart: string;
  periodEnd: string;
  /**
   * True when some figure of the row includes a fractional share of what a unit counted at its own level (its records,
   * or its household count): a split unit's share in a successor, or a new unit's own level shared back among its
   * predecessors. Not placed exactly: an estimate (see CoverageService.apportioned).
   */
  apportioned: boolean;
  /** Households of the unit (the denominator), as of the end of the period; null when not known. */
  households: number | null;
  coveragePercent: number | null;
  /** Progress against the targets set for the unit and period (or carried to it), in TARGET_MEASURES order; empty without one. */
  targets: TargetProgress[];
}

export interface Freshness {
  /** The last change event included (every earlier one is too). */
  eventId: string | null;
  at: Date | null;
  pendingEvents: number;
  lagSeconds: number;
}

export interface CoverageReport {
  unit: AdminUnit;
  level: CoverageLevel;
  period: Period;
  from: string;
  to: string;
  geographyAsOf: string;
  basis: Basis;
  asOf: Freshness;
  source: CoverageSource;
  rows: CoverageRow[];
}

interface Values {
  /** Per source and bucket: the bucket's measures, and every measure summed up to the bucket's end. */
  flows: Map<string, Vector[]>;
  stocks: Map<string, Vector[]>;
  /**
   * Mapped answers only (their sources are the targets): per target and bucket, the part of the flows and stocks that
   * split units' shares added (the split mapped cells). Answers from the sources work it out with the split coefficients.
   */
  split?: { flows: Map<string, Vector[]>; stocks: Map<string, Vector[]> };
}

/** A denominator, and the part of it that came through fractional shares of counted units. */
interface Denominator {
  households: number | null;
  split: number;
}

const GEOGRAPHY_CHECK_MS = 5_000;

/** Apportioned figures are fractional: three decimals are kept. */
const round = (n: number) => Math.round(n * 1000) / 1000;
/** Below this a split part is rounding noise (shares are kept to 6 decimals; a share of one count is at least 1e-6). */
const SHARE_NOISE = 5e-7;

/** Σ coef × vector over the coefficients' sources, for bucket k (into `into`). */
function combine(into: Vector, coefficients: readonly { sourceId: string; coef: number }[] | undefined, bySource: Map<string, Vector[]>, k: number): Vector {
  for (const { sourceId, coef } of coefficients ?? []) {
    const v = bySource.get(sourceId)?.[k];
    if (v) add(into, v, coef);
  }
  return into;
}

/**
 * Coverage answers: the measures of the units at a level under a unit, per bucket of a period, in the tree of any
 * day (units of other periods mapped in through the reorganisations), from cells where they exist and facts
 * elsewhere, within the reader's scope.
 */
@Injectable()
export class CoverageService {
  private geographyCache: { at: number; value: MappedGeography } | null = null;

  constructor(
    private readonly repository: RollupRepository,
    private readonly geography: GeographyService,
    private readonly maps: GeographyMapService,
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks a question and works out what it asks for (the unit, the rows' units, the buckets) without computing it:
   * bad dates, unknown units, units outside the reader's scope and questions too large are refused here.
   */
  async plan(scope: DataScope, query: CoverageQuery, tree?: GeographyTree) {
    tree ??= await this.maps.current();
    const today = this.clock.today();
    const day = this.date(query.geographyAsOf, 'geographyAsOf') ?? today;
    const to = this.date(query.to, 'to') ?? today;
    const from = this.date(query.from, 'from') ?? to;
    if (from > to) throw DomainError.invalid('from', Reason.FromAfterTo);
    const basis = query.basis ?? Basis.All;
    let rootId = tree.unitByCode(query.unitCode, day)?.id;
    if (!rootId) {
      // Not in the tree in hand: no such unit (the database says so, typed), or one imported since the tree was read.
      rootId = (await this.geography.unitByCode(query.unitCode, day)).id;
      tree = await this.maps.reload();
    }
    const kinds = LEVEL_KINDS[query.level];
    if (!kinds) throw DomainError.invalid('level', Reason.NotInList, { allowed: Object.values(CoverageLevel).map((level) => level.toUpperCase()) });
    const map = tree.forDay(day);
    // The units from the tree in memory; their rows read once per tree version.
    const targetIds = kinds.includes(map.kindOf(rootId) as UnitKind) ? [rootId] : map.descendants(rootId, new Set(kinds));
    const units = await tree.unitRows([rootId, ...targetIds], (ids) => this.geography.unitsByIds(ids));
    const root = units.get(rootId);
    if (!root) throw DomainError.notFound(`Administrative unit ${query.unitCode} valid on ${day}`);
    await this.authorize(scope, root, tree);
    const targets = targetIds.flatMap((id) => units.get(id) ?? []);
    const buckets = bucketsBetween(query.period, from, to);
    if (buckets.length > MAX_COVERAGE_BUCKETS)
      throw DomainError.invalid('from', Reason.TooManyPeriods, { count: buckets.length, max: MAX_COVERAGE_BUCKETS, period: query.period });
    if (buckets.length * targets.length > MAX_CELLS)
      throw DomainError.invalid('level', Reason.TooManyCells, { units: targets.length, periods: buckets.length, max: MAX_CELLS });
    return { day, from, to, basis, root, targets, buckets, tree, map };
  }

  async coverage(scope: DataScope, query: CoverageQuery): Promise<CoverageReport> {
    const { report, treeVersion, tree } = await this.answer(scope, query, await this.maps.current());
    if (treeVersion === tree.version) return report;
    // The tree changed after the one in hand was read (units, reorganisations or household counts imported since):
    // the statements saw the new version, so the answer is given again in the new tree.
    return (await this.answer(scope, query, await this.maps.reload())).report;
  }

  private async answer(
    scope: DataScope,
    query: CoverageQuery,
    inHand: GeographyTree,
  ): Promise<{ report: CoverageReport; treeVersion: string; tree: GeographyTree }> {
    const { day, from, to, basis, root, targets, buckets, tree, map } = await this.plan(scope, query, inHand);
    const sourced = new Map(targets.map((t) => [t.id, map.coefficients.get(t.id) ?? []]));
    const denominators = this.denominators(
      tree.households,
      map,
      targets,
      buckets.map((b) => b.end),
    );
    // The targets of the rows' units and of every unit that maps into them (set in another tree), for the buckets.
    const grain = TARGET_GRAINS[query.period];
    const targetQuestion = grain && {
      // (residential groups hold no targets: their ids, most of the sources, are left out of the statement)
      unitIds: [
        ...new Set([
          ...targets.map((t) => t.id),
          ...[...sourced.values()].flatMap((cs) => cs.flatMap((c) => (TARGET_UNIT_KINDS.includes(map.kindOf(c.sourceId) ?? '') ? [c.sourceId] : []))),
        ]),
      ],
      grain,
      starts: buckets.map((b) => b.start),
    };
    // Every read of the answer in one snapshot (one connection, one REPEATABLE READ READ ONLY transaction): its figures,
    // its asOf and the tree's version agree whatever projections commit meanwhile. Today's tree (or any day whose
    // targets map alike) is answered from cells plus mapped cells, one row per unit and bucket; any other question from
    // the sources' cells and facts, through the coefficients.
    const { mapped, values, freshness } = await this.repository.snapshot(async (snapshot) => {
      const [mapped, freshness] = await Promise.all([
        this.mappedValues(snapshot, tree, map, targets, query.period, buckets, basis),
        this.repository.freshness(snapshot, targetQuestion),
      ]);
      const sourceIds = [...new Set([...sourced.values()].flatMap((cs) => cs.map((c) => c.sourceId)))];
      return { mapped: !!mapped, values: mapped ?? (await this.values(snapshot, map, sourceIds, query.period, buckets, basis)), freshness };
    });
    const { flows, stocks } = values;
    const carried = targetQuestion
      ? carryTargets(
          map,
          targets.map((t) => t.id),
          freshness.targets,
          (measure) => targetMeasure(measure)?.kind,
          (id) => tree.households.total(id, to),
          targetQuestion.grain,
        )
      : null;
    const today = this.clock.today();

    const rows: CoverageRow[] = [];
    for (const target of [...targets].sort((a, b) => a.code.localeCompare(b.code))) {
      const coefficients = mapped ? [{ sourceId: target.id, coef: 1 }] : sourced.get(target.id);
      const splitCoefficients = map.splitCoefficients.get(target.id);
      buckets.forEach((bucket, k) => {
        const flow = combine(zero(), coefficients, flows, k);
        const stock = combine(zero(), coefficients, stocks, k);
        // The part of each figure that came through fractional shares: the split mapped cells, or the split coefficients.
        const split = values.split
          ? { flow: values.split.flows.get(target.id)?.[k], stock: values.split.stocks.get(target.id)?.[k] }
          : splitCoefficients && { flow: combine(zero(), splitCoefficients, flows, k), stock: combine(zero(), splitCoefficients, stocks, k) };
        const { households, split: splitHouseholds } = denominators.get(target.id)![k];
        const apportioned = this.apportioned(target, bucket, query.period, split?.flow, split?.stock, splitHouseholds);
        const row = this.row(target, bucket, query.period, flow, stock, households, apportioned);
        const set = carried?.get(target.id);
        if (set?.size) row.targets = this.progress(row, stock, set, bucket, today);
        rows.push(row);
      });
    }
    const report: CoverageReport = {
      unit: root,
      level: query.level,
      period: query.period,
      from,
      to,
      geographyAsOf: day,
      basis,
      rows,
      source: mapped ? CoverageSource.MappedCells : CoverageSource.Sources,
      asOf: {
        eventId: freshness.eventId,
        at: freshness.at,
        pendingEvents: freshness.pending,
        lagSeconds: freshness.oldestPendingAt ? Math.max(0, (this.clock.now().getTime() - new Date(freshness.oldestPendingAt).getTime()) / 1000) : 0,
      },
    };
    return { report, treeVersion: freshness.treeVersion, tree };
  }

  /** The units at a level with the lowest coverage to date (as of `to`), lowest first; units without a household count last. */
  async lowest(scope: DataScope, query: Omit<CoverageQuery, 'period' | 'from'>, first: number): Promise<CoverageReport> {
    const report = await this.coverage(scope, { ...query, period: Period.Cumulative });
    const ranked = [...report.rows].sort((a, b) => (a.coveragePercent ?? Infinity) - (b.coveragePercent ?? Infinity) || a.unit.code.localeCompare(b.unit.code));
    return { ...report, rows: ranked.slice(0, first) };
  }

  /** One unit's measures per bucket of the period: a trend. */
  async trend(scope: DataScope, query: Omit<CoverageQuery, 'level'>): Promise<CoverageReport> {
    const day = this.date(query.geographyAsOf, 'geographyAsOf') ?? this.clock.today();
    const unit = (await this.maps.current()).unitByCode(query.unitCode, day) ?? (await this.geography.unitByCode(query.unitCode, day));
    const level = (Object.keys(LEVEL_KINDS) as CoverageLevel[]).find((l) => LEVEL_KINDS[l].includes(unit.kind as UnitKind))!;
    return this.coverage(scope, { ...query, level });
  }

  /**
   * The one rule of `apportioned`: a row is apportioned exactly when some figure it reports includes a fractional share
   * of what a unit counted at its own level (records logged there, or its household count) — what a split unit's own
   * level gives each successor, what a new unit's own level gives back to each predecessor. The row made of those
   * shares alone (the split parts of its flows, stocks and households, unrounded) is built by `row` like the row
   * itself, so the figures looked at are exactly the figures reported: the row is apportioned when one of them is not
   * zero. A unit taken whole (a merged ward, a district holding every predecessor of a new commune, a split ward in the
   * tree before its split) and residential groups placed by their own successors are never apportioned.
   */
  private apportioned(
    unit: AdminUnit,
    bucket: Bucket,
    period: Period,
    splitFlow: Vector | undefined,
    splitStock: Vector | undefined,
    splitHouseholds: number,
  ): boolean {
    const some = (v: Vector | undefined) => !!v && v.some((n) => Math.abs(n) > SHARE_NOISE);
    // Nearly every row has no share at all: nothing to look at.
    if (!some(splitFlow) && !some(splitStock) && Math.abs(splitHouseholds) <= SHARE_NOISE) return false;
    const split = this.row(unit, bucket, period, splitFlow ?? zero(), splitStock ?? zero(), splitHouseholds, false, (n) => n);
    return [split.households ?? 0, ...SHOWN.map((m) => figureOf(split, m))].some((n) => Math.abs(n) > SHARE_NOISE);
  }

  /** A row's progress against its unit's targets for its bucket (targets.ts: the measures and the behind-plan rule). */
  private progress(row: CoverageRow, stock: Vector, set: Map<string, UnitTarget>, bucket: Bucket, today: string): TargetProgress[] {
    const share = elapsedShare(bucket, today);
    const out: { order: number; progress: TargetProgress }[] = [];
    const suffix = `|${bucket.start}`;
    for (const [key, target] of set) {
      if (!key.endsWith(suffix)) continue;
      const measure = targetMeasure(key.slice(0, -suffix.length));
      if (measure) out.push({ order: measure.order, progress: progressOf(measure, target, measure.actual(row, stock), share) });
    }
    return out.sort((a, b) => a.order - b.order).map((p) => p.progress);
  }

  private row(
    unit: AdminUnit,
    bucket: Bucket,
    period: Period,
    flow: Vector,
    stock: Vector,
    households: number | null,
    apportioned: boolean,
    precision = round,
  ): CoverageRow {
    const cumulative = period === Period.Cumulative;
    const figures = figuresOf(flow, stock, cumulative, precision);
    return {
      unit,
      periodStart: cumulative ? ALL_TIME : bucket.start,
      periodEnd: bucket.end,
      apportioned,
      households: households === null ? null : precision(households),
      coveragePercent: households ? Math.round((figures.householdsReachedToDate / households) * 1000) / 10 : null,
      ...figures,
      targets: [],
    };
  }

  /**
   * Per source and bucket: the measures of the bucket (flows), and every measure summed from the beginning up to the
   * bucket's last day (stocks: households reached to date, follow-ups open, volunteers ever).
   */
  private async values(snapshot: Snapshot, map: GeographyMap, sourceIds: string[], period: Period, buckets: Bucket[], basis: Basis): Promise<Values> {
    const cellIds = sourceIds.filter((id) => CELL_KINDS.has(map.kindOf(id) ?? ''));
    const factIds = sourceIds.filter((id) => !CELL_KINDS.has(map.kindOf(id) ?? ''));
    const cellTrees = new Map(cellIds.map((id) => [id, map.subtree(id)]));
    const factTrees = new Map(factIds.map((id) => [id, map.subtree(id)]));
    const first = buckets[0];
    const last = buckets.at(-1)!;
    const grain = storedGrain(period);
    const starts = buckets.map((b) => b.start);

    // Everything up to the first bucket's end: all time minus what came after, for cells; summed facts otherwise.
    const end = first.end;
    const monthEnd = addDays(nextBucket(Period.Month, monthStart(end)), -1);
    const [allTime, yearsAfter, monthsAfter, daysAfter, factPrefix] = await Promise.all([
      this.repository.cells(snapshot, cellIds, 'A', [ALL_TIME], basis),
      this.repository.cellsBetween(snapshot, cellIds, 'Y', yearStart(end), '9999-12-31', basis),
      this.repository.cellsBetween(snapshot, cellIds, 'M', monthStart(end), nextBucket(Period.Year, yearStart(end)), basis),
      this.repository.facts(snapshot, cellTrees, 'A', addDays(end, 1), monthEnd, basis),
      this.repository.facts(snapshot, factTrees, 'A', ALL_TIME, end, basis),
    ]);
    const prefix = new Map<string, Vector>();
    for (const id of cellIds) {
      const v = add(zero(), allTime.get(id)?.get(ALL_TIME) ?? zero());
      for (const after of [yearsAfter.get(id), monthsAfter.get(id), daysAfter.get(id)?.get(ALL_TIME)]) if (after) add(v, after, -1);
      prefix.set(id, v);
    }
    for (const id of factIds) prefix.set(id, factPrefix.get(id)?.get(ALL_TIME) ?? zero());

    const flows = new Map<string, Vector[]>();
    if (period === Period.Cumulative) {
      for (const [id, v] of prefix) flows.set(id, [v]);
    } else {
      const [cellFlows, factFlows] = await Promise.all([
        grain ? this.repository.cells(snapshot, cellIds, grain, starts, basis) : this.repository.facts(snapshot, cellTrees, 'D', first.start, last.end, basis),
        this.repository.facts(snapshot, factTrees, grain ?? 'D', first.start, last.end, basis),
      ]);
      for (const id of sourceIds) {
        const byBucket = (CELL_KINDS.has(map.kindOf(id) ?? '') ? cellFlows : factFlows).get(id);
        flows.set(
          id,
          starts.map((start) => byBucket?.get(start) ?? zero()),
        );
      }
    }
    const stocks = new Map<string, Vector[]>();
    for (const id of sourceIds) {
      const series: Vector[] = [prefix.get(id)!];
      for (let k = 1; k < buckets.length; k++) series.push(add(add(zero(), series[k - 1]), flows.get(id)![k]));
      stocks.set(id, series);
    }
    return { flows, stocks };
  }

  /**
   * The answer from cells plus mapped cells, when the question allows it: its targets are communes or higher, in
   * force on the mapped geography's day with the same coefficients on the question's day, and every figure is a sum
   * of stored buckets (no day-level facts: not the day period, and no record can lie between the first bucket's end
   * and its month's end). To date up to today is one row per unit of the tree cells. Null otherwise, or when the
   * mapped cells turn out stale or of another geography.
   */
  private async mappedValues(
    snapshot: Snapshot,
    tree: GeographyTree,
    map: GeographyMap,
    targets: AdminUnit[],
    period: Period,
    buckets: Bucket[],
    basis: Basis,
  ): Promise<Values | null> {
    const grain = storedGrain(period);
    if (!grain || !targets.every((t) => CELL_KINDS.has(t.kind))) return null;
    const end = buckets[0].end;
    const latest = vietnamDate(new Date(this.clock.now().getTime() + CLOCK_SKEW_MS));
    const monthEnd = addDays(nextBucket(Period.Month, monthStart(end)), -1);
    if (end < monthEnd && end < latest) return null;
    let geography = await this.mappedGeography(snapshot);
    if (!geography) return null;
    let home = tree.forDay(geography.day);
    if (home.signature(CELL_KINDS) !== geography.signature) {
      // The cached geography may be older than a rebuild: look again before giving up.
      geography = await this.mappedGeography(snapshot, true);
      if (!geography) return null;
      home = tree.forDay(geography.day);
      if (home.signature(CELL_KINDS) !== geography.signature) return null;
    }
    if (!targets.every((t) => home.isValid(t.id) && GeographyMap.sameCoefficients(map, home, t.id))) return null;

    const starts = buckets.map((b) => b.start);
    // Up to the latest day a record can have (entries are stamped at most CLOCK_SKEW_MS ahead; sessions are held
    // after they start), nothing lies after the end: all time is the stock, and the later buckets need not be read.
    const nothingAfter = end >= latest;
    const rows =
      grain === 'A' && nothingAfter
        ? await this.toDate(snapshot, home, targets, basis, geography.signature)
        : await this.repository.cellsWithMapped(
            snapshot,
            targets.map((t) => t.id),
            basis,
            geography.signature,
            {
              // The stocks up to the first bucket's end: all time, less the later years and the later months of its year.
              added: [sql<SqlBool>`grain = 'A'`],
              subtracted: nothingAfter
                ? []
                : [
                    sql<SqlBool>`grain = 'Y' AND bucket > ${yearStart(end)}::date`,
                    sql<SqlBool>`grain = 'M' AND bucket > ${monthStart(end)}::date AND bucket < ${nextBucket(Period.Year, yearStart(end))}::date`,
                  ],
              // The flows' buckets (a cumulative question's flow is the stock itself).
              flows: grain === 'A' ? null : sql<SqlBool>`grain = ${grain} AND bucket = ANY(${starts}::date[])`,
            },
          );
    if (!rows) {
      this.geographyCache = null;
      return null;
    }
    // The whole figures, and apart from them the part that split units' shares added (split mapped cells).
    const whole = this.series(targets, period, starts, rows);
    const splitRows = rows.filter((r) => r.split);
    const splitTargets = new Set(splitRows.map((r) => r.unitId));
    return {
      ...whole,
      split: this.series(
        targets.filter((t) => splitTargets.has(t.id)),
        period,
        starts,
        splitRows,
      ),
    };
  }

  /** Flows and stocks per target and bucket from rows of stocks (`bucket` null: up to the first bucket's end) and flows. */
  private series(targets: AdminUnit[], period: Period, starts: string[], rows: { unitId: string; bucket: string | null; vector: Vector }[]) {
    const prefix = new Map(targets.map((t) => [t.id, zero()]));
    const flows = new Map(targets.map((t) => [t.id, starts.map(() => zero())]));
    for (const r of rows) {
      if (r.bucket === null) add(prefix.get(r.unitId)!, r.vector);
      else add(flows.get(r.unitId)![starts.indexOf(r.bucket)], r.vector);
    }
    const stocks = new Map<string, Vector[]>();
    for (const t of targets) {
      if (period === Period.Cumulative) flows.set(t.id, [prefix.get(t.id)!]);
      const series: Vector[] = [prefix.get(t.id)!];
      for (let k = 1; k < starts.length; k++) series.push(add(add(zero(), series[k - 1]), flows.get(t.id)![k]));
      stocks.set(t.id, series);
    }
    return { flows, stocks };
  }

  /** To date up to today: every target's all-time figure in the tree cells (one index range per parent), as stocks. */
  private async toDate(snapshot: Snapshot, home: GeographyMap, targets: AdminUnit[], basis: Basis, signature: string) {
    const parents = [...new Set(targets.map((t) => home.parentOf(t.id) ?? NO_PARENT))];
    const rows = await this.repository.treeCells(
      snapshot,
      parents,
      targets.map((t) => t.id),
      basis,
      signature,
    );
    return rows?.map((r) => ({ ...r, bucket: null }));
  }

  /** The mapped cells' geography, re-read every few seconds once there is one (the cell statement checks it again). */
  private async mappedGeography(snapshot: Snapshot, fresh = false): Promise<MappedGeography | null> {
    if (fresh || !this.geographyCache || Date.now() - this.geographyCache.at > GEOGRAPHY_CHECK_MS) {
      const value = await this.repository.geography(snapshot);
      this.geographyCache = value ? { at: Date.now(), value } : null;
      return value;
    }
    return this.geographyCache.value;
  }

  /**
   * Households of each target as of each bucket end (see HouseholdTrees); when the target's own tree has none, its
   * predecessors' (or successors') counts mapped in like any measure, with the part that fractional shares of counted
   * units gave it (the split coefficients, as for the other figures).
   */
  private denominators(households: HouseholdTrees, map: GeographyMap, targets: AdminUnit[], ends: string[]): Map<string, Denominator[]> {
    const out = new Map<string, Denominator[]>();
    const mappedIn = (coefficients: readonly { sourceId: string; coef: number }[] | undefined, id: string, end: string) =>
      (coefficients ?? []).filter((c) => c.sourceId !== id).reduce((sum, c) => sum + c.coef * households.total(c.sourceId, end), 0);
    for (const t of targets) {
      out.set(
        t.id,
        ends.map((end) => {
          const own = households.total(t.id, end);
          if (own > 0) return { households: own, split: 0 };
          const mapped = mappedIn(map.coefficients.get(t.id), t.id, end);
          return mapped > 0 ? { households: mapped, split: mappedIn(map.splitCoefficients.get(t.id), t.id, end) } : { households: null, split: 0 };
        }),
      );
    }
    return out;
  }

  /** The root must be in the reader's scope: directly, as an older unit that went into it, or wholly inside a granted unit. */
  private async authorize(scope: DataScope, root: AdminUnit, tree: GeographyTree): Promise<void> {
    if (coversPath(scope, root.path) || (await this.access.covers(scope, [{ unitId: root.id }]))) return;
    const map = tree.forDay(this.clock.today());
    const granted = scope.unitPaths.map((p) => p.split('/').filter(Boolean).at(-1)!);
    if (granted.some((g) => map.contains(g, root.id))) return;
    throw DomainError.forbidden();
  }

  private date(value: string | null | undefined, field: string): string | null {
    if (value === undefined || value === null) return null;
    return requireIsoDate(value, field);
  }
}
