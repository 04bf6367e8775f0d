import { Injectable } from '@nestjs/common';
import { AccessService, coversPath, DataScope } from '@cdtg/access';
import { ASSIST_SERVICES, AssistService, CLOCK_SKEW_MS } from '@cdtg/assists';
import { DomainError } from '@cdtg/errors';
import { addDays, AdminUnit, GeographyService, isIsoDate, todayInVietnam, UnitKind, vietnamDate } from '@cdtg/geography';
import { GeographyMap } from './geography-map';
import { GeographyMapService, GeographyTree } from './geography-map.service';
import { HouseholdTrees } from './household-trees';
import { add, Basis, MEASURE_INDEX, Measure, Vector, zero } from './measures';
import { ALL_TIME, Bucket, bucketsBetween, monthStart, nextBucket, Period, storedGrain, yearStart } from './periods';
import { CELL_KINDS } from './cell-kinds';
import { NO_PARENT } from './rollup.entities';
import { MappedGeography, RollupRepository } from './rollup.repository';

/** The levels coverage is broken down by. */
export enum CoverageLevel {
  Province = 'province',
  District = 'district',
  Commune = 'commune',
  ResidentialGroup = 'residential_group',
}

const LEVEL_KINDS: Record<CoverageLevel, UnitKind[]> = {
  [CoverageLevel.Province]: [UnitKind.Province],
  [CoverageLevel.District]: [UnitKind.District],
  [CoverageLevel.Commune]: [UnitKind.Commune, UnitKind.SpecialZone],
  [CoverageLevel.ResidentialGroup]: [UnitKind.ResidentialGroup],
};

const MAX_BUCKETS = 400;
const MAX_CELLS = 20_000;

export interface CoverageQuery {
  unitCode: string;
  level: CoverageLevel;
  period: Period;
  /** First and last day of the range (YYYY-MM-DD, Asia/Ho_Chi_Minh); default: the bucket holding today. */
  from?: string | null;
  to?: string | null;
  /** The tree to answer in: the units in force on this day (default today). */
  geographyAsOf?: string | null;
  basis?: Basis;
}

/** How an answer was computed: from cells plus mapped cells, or from the sources through the coefficients. */
export enum CoverageSource {
  MappedCells = 'mapped_cells',
  Sources = 'sources',
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

export interface CoverageRow {
  unit: AdminUnit;
  periodStart: string;
  periodEnd: string;
  /** True when part of a figure was shared out by a reform's split share, not placed exactly. */
  apportioned: boolean;
  /** Households of the unit (the denominator), as of the end of the period; null when not known. */
  households: number | null;
  householdsReached: number;
  householdsReachedToDate: number;
  coveragePercent: number | null;
  entries: number;
  entriesVerified: number;
  services: ServiceCount[];
  followUpsOpen: number;
  activeVolunteers: number;
  sessionsHeld: number;
  participants: number;
  trained: TrainedCount[];
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
  /** Mapped answers only: per target and bucket, whether a split unit's share went into the figures. */
  apportioned?: Map<string, boolean[]>;
}

const GEOGRAPHY_CHECK_MS = 5_000;

/** Apportioned figures are fractional: three decimals are kept. */
const round = (n: number) => Math.round(n * 1000) / 1000;

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
  ) {}

  /**
   * Checks a question and works out what it asks for (the unit, the rows' units, the buckets) without computing it:
   * bad dates, unknown units, units outside the reader's scope and questions too large are refused here.
   */
  async plan(scope: DataScope, query: CoverageQuery, tree?: GeographyTree) {
    tree ??= await this.maps.current();
    const today = todayInVietnam();
    const day = this.date(query.geographyAsOf, 'geographyAsOf') ?? today;
    const to = this.date(query.to, 'to') ?? today;
    const from = this.date(query.from, 'from') ?? to;
    if (from > to) throw DomainError.invalid('from', 'must not be after to');
    const basis = query.basis ?? Basis.All;
    let rootId = tree.unitByCode(query.unitCode, day)?.id;
    if (!rootId) {
      // Not in the tree in hand: no such unit (the database says so, typed), or one imported since the tree was read.
      rootId = (await this.geography.unitByCode(query.unitCode, day)).id;
      tree = await this.maps.reload();
    }
    const kinds = LEVEL_KINDS[query.level];
    if (!kinds) throw DomainError.invalid('level', 'is not a level');
    const map = tree.forDay(day);
    // The units from the tree in memory; their rows read once per tree version.
    const targetIds = kinds.includes(map.kindOf(rootId) as UnitKind) ? [rootId] : map.descendants(rootId, new Set(kinds));
    const units = await tree.unitRows([rootId, ...targetIds], (ids) => this.geography.unitsByIds(ids));
    const root = units.get(rootId);
    if (!root) throw DomainError.notFound(`Administrative unit ${query.unitCode} valid on ${day}`);
    await this.authorize(scope, root, tree);
    const targets = targetIds.flatMap((id) => units.get(id) ?? []);
    const buckets = bucketsBetween(query.period, from, to);
    if (buckets.length > MAX_BUCKETS) throw DomainError.invalid('from', `the range holds ${buckets.length} ${query.period} buckets; at most ${MAX_BUCKETS}`);
    if (buckets.length * targets.length > MAX_CELLS) throw DomainError.invalid('level', `${targets.length} units × ${buckets.length} periods is too many; choose a higher level or a shorter range`);
    return { day, from, to, basis, root, targets, buckets, tree, map };
  }

  async coverage(scope: DataScope, query: CoverageQuery): Promise<CoverageReport> {
    const { report, treeVersion, tree } = await this.answer(scope, query, await this.maps.current());
    if (treeVersion === tree.version) return report;
    // The tree changed after the one in hand was read (units, reorganisations or household counts imported since):
    // the statements saw the new version, so the answer is given again in the new tree.
    return (await this.answer(scope, query, await this.maps.reload())).report;
  }

  private async answer(scope: DataScope, query: CoverageQuery, inHand: GeographyTree): Promise<{ report: CoverageReport; treeVersion: string; tree: GeographyTree }> {
    const { day, from, to, basis, root, targets, buckets, tree, map } = await this.plan(scope, query, inHand);
    // Today's tree (or any day whose targets map alike) is answered from cells plus mapped cells, one row per unit and
    // bucket; any other question from the sources' cells and facts, through the coefficients. The freshness (and the
    // tree's version) is asked at the same time.
    const sourced = new Map(targets.map((t) => [t.id, map.coefficients.get(t.id) ?? []]));
    const [mapped, freshness] = await Promise.all([this.mappedValues(tree, map, targets, query.period, buckets, basis), this.repository.freshness()]);
    const denominators = this.denominators(tree.households, targets, sourced, buckets.map((b) => b.end));
    const coefficients = mapped ? new Map(targets.map((t) => [t.id, [{ sourceId: t.id, coef: 1 }]])) : sourced;
    const { flows, stocks, apportioned: split } =
      mapped ?? (await this.values(map, [...new Set([...sourced.values()].flatMap((cs) => cs.map((c) => c.sourceId)))], query.period, buckets, basis));

    const rows: CoverageRow[] = [];
    for (const target of [...targets].sort((a, b) => a.code.localeCompare(b.code))) {
      buckets.forEach((bucket, k) => {
        const flow = zero();
        const stock = zero();
        let apportioned = split?.get(target.id)?.[k] ?? false;
        for (const { sourceId, coef } of coefficients.get(target.id)!) {
          const f = flows.get(sourceId)?.[k];
          const s = stocks.get(sourceId)?.[k];
          if (f) add(flow, f, coef);
          if (s) add(stock, s, coef);
          if (Math.abs(coef - Math.round(coef)) > 1e-9 && ((f && f.some(Boolean)) || (s && s.some(Boolean)))) apportioned = true;
        }
        rows.push(this.row(target, bucket, query.period, flow, stock, denominators.get(target.id)?.[k] ?? null, apportioned));
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
        lagSeconds: freshness.oldestPendingAt ? Math.max(0, (Date.now() - new Date(freshness.oldestPendingAt).getTime()) / 1000) : 0,
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
    const day = this.date(query.geographyAsOf, 'geographyAsOf') ?? todayInVietnam();
    const unit = (await this.maps.current()).unitByCode(query.unitCode, day) ?? (await this.geography.unitByCode(query.unitCode, day));
    const level = (Object.keys(LEVEL_KINDS) as CoverageLevel[]).find((l) => LEVEL_KINDS[l].includes(unit.kind as UnitKind))!;
    return this.coverage(scope, { ...query, level });
  }

  private row(unit: AdminUnit, bucket: Bucket, period: Period, flow: Vector, stock: Vector, households: number | null, apportioned: boolean): CoverageRow {
    const cumulative = period === Period.Cumulative;
    const m = (measure: Measure, v = flow) => round(v[MEASURE_INDEX[measure]]);
    const toDate = m('households_ever', stock);
    const bands = [
      ['female', 'under_35'],
      ['female', '35_59'],
      ['female', '60_plus'],
      ['male', 'under_35'],
      ['male', '35_59'],
      ['male', '60_plus'],
    ] as const;
    return {
      unit,
      periodStart: cumulative ? ALL_TIME : bucket.start,
      periodEnd: bucket.end,
      apportioned,
      households: households === null ? null : round(households),
      householdsReached: cumulative ? toDate : m('households'),
      householdsReachedToDate: toDate,
      coveragePercent: households ? Math.round((toDate / households) * 1000) / 10 : null,
      entries: m('entries'),
      entriesVerified: m('entries_verified'),
      services: ASSIST_SERVICES.map((service) => ({ service, done: m(`done_${service}`), followUp: m(`follow_up_${service}`) })),
      followUpsOpen: m('follow_ups_net', stock),
      activeVolunteers: cumulative ? m('volunteers_ever', stock) : m('volunteers'),
      sessionsHeld: m('sessions_held'),
      participants: m('participants'),
      trained: bands.map(([gender, ageBand]) => ({ gender, ageBand, people: m(`trained_${gender}_${ageBand}`) })),
    };
  }

  /**
   * Per source and bucket: the measures of the bucket (flows), and every measure summed from the beginning up to the
   * bucket's last day (stocks: households reached to date, follow-ups open, volunteers ever).
   */
  private async values(map: GeographyMap, sourceIds: string[], period: Period, buckets: Bucket[], basis: Basis): Promise<Values> {
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
      this.repository.cells(cellIds, 'A', [ALL_TIME], basis),
      this.repository.cellsBetween(cellIds, 'Y', yearStart(end), '9999-12-31', basis),
      this.repository.cellsBetween(cellIds, 'M', monthStart(end), nextBucket(Period.Year, yearStart(end)), basis),
      this.repository.facts(cellTrees, 'A', addDays(end, 1), monthEnd, basis),
      this.repository.facts(factTrees, 'A', ALL_TIME, end, basis),
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
        grain ? this.repository.cells(cellIds, grain, starts, basis) : this.repository.facts(cellTrees, 'D', first.start, last.end, basis),
        this.repository.facts(factTrees, grain ?? 'D', first.start, last.end, basis),
      ]);
      for (const id of sourceIds) {
        const byBucket = (CELL_KINDS.has(map.kindOf(id) ?? '') ? cellFlows : factFlows).get(id);
        flows.set(id, starts.map((start) => byBucket?.get(start) ?? zero()));
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
  private async mappedValues(tree: GeographyTree, map: GeographyMap, targets: AdminUnit[], period: Period, buckets: Bucket[], basis: Basis): Promise<Values | null> {
    const grain = storedGrain(period);
    if (!grain || !targets.every((t) => CELL_KINDS.has(t.kind))) return null;
    const end = buckets[0].end;
    const latest = vietnamDate(new Date(Date.now() + CLOCK_SKEW_MS));
    const monthEnd = addDays(nextBucket(Period.Month, monthStart(end)), -1);
    if (end < monthEnd && end < latest) return null;
    let geography = await this.mappedGeography();
    if (!geography) return null;
    let home = tree.forDay(geography.day);
    if (home.signature(CELL_KINDS) !== geography.signature) {
      // The cached geography may be older than a rebuild: look again before giving up.
      geography = await this.mappedGeography(true);
      if (!geography) return null;
      home = tree.forDay(geography.day);
      if (home.signature(CELL_KINDS) !== geography.signature) return null;
    }
    if (!targets.every((t) => home.isValid(t.id) && GeographyMap.sameCoefficients(map, home, t.id))) return null;

    const starts = buckets.map((b) => b.start);
    // Parameters after the statement's own three (units, basis, signature).
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value) + 3}`;
    // Up to the latest day a record can have (entries are stamped at most CLOCK_SKEW_MS ahead; sessions are held
    // after they start), nothing lies after the end: all time is the stock, and the later buckets need not be read.
    const nothingAfter = end >= latest;
    const rows =
      grain === 'A' && nothingAfter
        ? await this.toDate(home, targets, basis, geography.signature)
        : await this.repository.cellsWithMapped(
            targets.map((t) => t.id),
            basis,
            geography.signature,
            {
              // The stocks up to the first bucket's end: all time, less the later years and the later months of its year.
              added: [`grain = 'A'`],
              subtracted: nothingAfter
                ? []
                : [
                    `grain = 'Y' AND bucket > ${param(yearStart(end))}::date`,
                    `grain = 'M' AND bucket > ${param(monthStart(end))}::date AND bucket < ${param(nextBucket(Period.Year, yearStart(end)))}::date`,
                  ],
              // The flows' buckets (a cumulative question's flow is the stock itself).
              flows: grain === 'A' ? null : `grain = ${param(grain)} AND bucket = ANY(${param(starts)}::date[])`,
            },
            params,
          );
    if (!rows) {
      this.geographyCache = null;
      return null;
    }
    const prefix = new Map(targets.map((t) => [t.id, zero()]));
    const prefixSplit = new Set<string>();
    const flows = new Map(targets.map((t) => [t.id, starts.map(() => zero())]));
    const flowSplit = new Map(targets.map((t) => [t.id, starts.map(() => false)]));
    for (const r of rows) {
      if (r.bucket === null) {
        add(prefix.get(r.unitId)!, r.vector);
        if (r.split) prefixSplit.add(r.unitId);
      } else {
        const k = starts.indexOf(r.bucket);
        add(flows.get(r.unitId)![k], r.vector);
        if (r.split) flowSplit.get(r.unitId)![k] = true;
      }
    }
    const stocks = new Map<string, Vector[]>();
    const apportioned = new Map<string, boolean[]>();
    for (const t of targets) {
      if (period === Period.Cumulative) flows.set(t.id, [prefix.get(t.id)!]);
      const series: Vector[] = [prefix.get(t.id)!];
      for (let k = 1; k < buckets.length; k++) series.push(add(add(zero(), series[k - 1]), flows.get(t.id)![k]));
      stocks.set(t.id, series);
      // A bucket's figures are apportioned when a split row went into its flow, or into its stocks up to its end.
      const splitFlows = flowSplit.get(t.id)!;
      let splitStock = prefixSplit.has(t.id);
      apportioned.set(
        t.id,
        starts.map((_, k) => {
          if (k > 0) splitStock ||= splitFlows[k];
          return splitStock || splitFlows[k];
        }),
      );
    }
    return { flows, stocks, apportioned };
  }

  /** To date up to today: every target's all-time figure in the tree cells (one index range per parent), as stocks. */
  private async toDate(home: GeographyMap, targets: AdminUnit[], basis: Basis, signature: string) {
    const parents = [...new Set(targets.map((t) => home.parentOf(t.id) ?? NO_PARENT))];
    const rows = await this.repository.treeCells(parents, targets.map((t) => t.id), basis, signature);
    return rows?.map((r) => ({ ...r, bucket: null }));
  }

  /** The mapped cells' geography, re-read every few seconds once there is one (the cell statement checks it again). */
  private async mappedGeography(fresh = false): Promise<MappedGeography | null> {
    if (fresh || !this.geographyCache || Date.now() - this.geographyCache.at > GEOGRAPHY_CHECK_MS) {
      const value = await this.repository.geography();
      this.geographyCache = value ? { at: Date.now(), value } : null;
      return value;
    }
    return this.geographyCache.value;
  }

  /**
   * Households of each target as of each bucket end (see HouseholdTrees); when the target's own tree has none, its
   * predecessors' (or successors') counts mapped in like any measure.
   */
  private denominators(households: HouseholdTrees, targets: AdminUnit[], coefficients: Map<string, { sourceId: string; coef: number }[]>, ends: string[]): Map<string, (number | null)[]> {
    const out = new Map<string, (number | null)[]>();
    for (const t of targets) {
      out.set(
        t.id,
        ends.map((end) => {
          const own = households.total(t.id, end);
          if (own > 0) return own;
          const mapped = coefficients.get(t.id)!.filter((c) => c.sourceId !== t.id).reduce((sum, c) => sum + c.coef * households.total(c.sourceId, end), 0);
          return mapped > 0 ? mapped : null;
        }),
      );
    }
    return out;
  }

  /** The root must be in the reader's scope: directly, as an older unit that went into it, or wholly inside a granted unit. */
  private async authorize(scope: DataScope, root: AdminUnit, tree: GeographyTree): Promise<void> {
    if (coversPath(scope, root.path) || (await this.access.covers(scope, [{ unitId: root.id }]))) return;
    const map = tree.forDay(todayInVietnam());
    const granted = scope.unitPaths.map((p) => p.split('/').filter(Boolean).at(-1)!);
    if (granted.some((g) => map.contains(g, root.id))) return;
    throw DomainError.forbidden();
  }

  private date(value: string | null | undefined, field: string): string | null {
    if (value === undefined || value === null) return null;
    if (!isIsoDate(value)) throw DomainError.invalid(field, 'must be a date written YYYY-MM-DD');
    return value;
  }
}
