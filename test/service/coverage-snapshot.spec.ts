import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessService, EVERYTHING } from '@cdtg/access';
import { AssistOutcome, AssistService } from '@cdtg/assists';
import { createDataSource } from '@cdtg/database';
import { loadDemoCity } from '@cdtg/demo';
import { AdminUnitRepository, GeographyService } from '@cdtg/geography';
import {
  CoverageLevel,
  CoverageQuery,
  CoverageReport,
  CoverageService,
  Period,
  ProjectorService,
  RebuildService,
  RollupRepository,
  SessionSource,
} from '@cdtg/rollups';
import { DATA_MODEL } from '@cdtg/runtime';
import { systemClock } from '@cdtg/time';
import { GeographyMapService } from '../../libs/rollups/src/geography-map.service';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * One answer, one snapshot. Entries are logged and projected (each its change event, applied by the projector) while
 * coverage is asked; every answer is checked against an independent recount, in SQL over the raw entries, of exactly
 * the events up to its `asOf`. The first part makes the race certain: a projection commits between the reads of every
 * answer (a jest spy on the repository's reads, which does only that). Before answers were read in one snapshot this
 * failed at once: `asOf` was read on one connection and the figures on others after the commit, and a figure "to a
 * past day" was all time read before it less the later days read after it. The second part lets both loops run freely.
 */
describe('coverage: one answer, one snapshot', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repository: RollupRepository;
  let coverage: CoverageService;
  let projector: ProjectorService;
  let groupId: string;
  /** Old residential groups of Phường Xuân Hà (merged wholly into Phường Thanh Khê) and the new ones of Thanh Khê. */
  let oldGroups: string[];
  let newGroups: string[];
  /** Households logged so far, by unit (a household comes back in its own residential group: one unit per household). */
  const households = new Map<string, string[]>();
  let logged = 0;

  // Questions of every shape: tree cells (to date up to today), mapped cells (months; to date up to a month's end),
  // the sources (to date up to a past day inside a month: all time less the later buckets; days; residential groups).
  const questions: { name: string; ask: () => Promise<CoverageReport> }[] = [
    {
      name: 'communes to today',
      ask: () => coverage.coverage(EVERYTHING, { unitCode: '48', level: CoverageLevel.Commune, period: Period.Cumulative, to: '2099-12-31' }),
    },
    {
      name: 'communes to a month end',
      ask: () => coverage.coverage(EVERYTHING, { unitCode: '48', level: CoverageLevel.Commune, period: Period.Cumulative, to: '2026-10-31' }),
    },
    {
      name: 'communes by month',
      ask: () => coverage.coverage(EVERYTHING, { unitCode: '48', level: CoverageLevel.Commune, period: Period.Month, from: '2025-05-01', to: '2026-10-31' }),
    },
    {
      name: 'communes to a past day',
      ask: () => coverage.coverage(EVERYTHING, { unitCode: '48', level: CoverageLevel.Commune, period: Period.Cumulative, to: '2026-10-12' }),
    },
    {
      name: 'days',
      ask: () => coverage.coverage(EVERYTHING, { unitCode: '20209', level: CoverageLevel.Commune, period: Period.Day, from: '2026-10-08', to: '2026-10-16' }),
    },
    {
      name: 'residential groups',
      ask: () => coverage.coverage(EVERYTHING, { unitCode: '20209', level: CoverageLevel.ResidentialGroup, period: Period.Cumulative, to: '2099-12-31' }),
    },
    { name: 'lowest', ask: () => coverage.lowest(EVERYTHING, { unitCode: '48', level: CoverageLevel.Commune, to: '2026-10-12' }, 1000) },
    { name: 'trend', ask: () => coverage.trend(EVERYTHING, { unitCode: '20209', period: Period.Week, from: '2026-09-28', to: '2026-10-25' }) },
  ];

  /**
   * Logs one entry as the API does (the entry and its change event in one transaction), then applies the event (the
   * projector's job): each event is applied on its own, in order, so the events applied are always those up to one.
   * Households come back now and then (distinct counts); days fall on both sides of the questions' ends.
   */
  const logOne = async () => {
    const n = logged++;
    const old = n % 3 === 0;
    const unitId = old ? oldGroups[n % oldGroups.length] : newGroups[n % newGroups.length];
    const day = old ? `2025-05-${String(1 + (n % 28)).padStart(2, '0')}` : `2026-10-${String(5 + (n % 14)).padStart(2, '0')}`;
    const known = households.get(unitId) ?? [];
    const revisit = n % 4 === 3 && known.length > 0;
    const householdId = revisit ? known[n % known.length] : randomUUID();
    const eventId = await dataSource.transaction(async (m) => {
      if (!revisit) {
        await m.query(`INSERT INTO household (id, kind, masked_label, first_unit_id) VALUES ($1, 'address', $2, $3)`, [householdId, `Hộ thử ${n}`, unitId]);
        households.set(unitId, [...known, householdId]);
      }
      const [entry] = (await m.query(
        `INSERT INTO assist_entry (client_id, group_id, unit_id, household_id, services, volunteer_ids, occurred_at, occurred_on)
         VALUES ($1, $2, $3, $4, $5, '{}', $6, $7) RETURNING id`,
        [
          `snapshot-${n}`,
          groupId,
          unitId,
          householdId,
          JSON.stringify([{ service: AssistService.VneidAccount, outcome: AssistOutcome.Done, reason: null }]),
          `${day}T09:00:00+07:00`,
          day,
        ],
      )) as { id: string }[];
      const [event] = (await m.query(`INSERT INTO change_event (households) VALUES ($1::uuid[]) RETURNING id::text AS id`, [[householdId]])) as {
        id: string;
      }[];
      await m.query(`INSERT INTO test_snapshot_log (event_id, entry_id) VALUES ($1, $2)`, [event.id, entry.id]);
      return event.id;
    });
    expect(await projector.apply(eventId)).toBe('applied');
  };

  /** The figures of exactly the events up to `asOf`, from the raw entries (every test entry lies in Phường Thanh Khê today). */
  const recount = async (asOf: string | null) => {
    const rows = await db.query<{ unit_code: string; day: string; household_id: string }>(
      `SELECT t.code AS unit_code, e.occurred_on::text AS day, e.household_id
         FROM assist_entry e JOIN test_snapshot_log l ON l.entry_id = e.id
         LEFT JOIN reorganisation_link k ON k.from_unit_id = e.unit_id AND k.to_unit_id IS NOT NULL
         JOIN admin_unit t ON t.id = coalesce(k.to_unit_id, e.unit_id)
        WHERE l.event_id <= $1 AND e.status = 'valid'`,
      [asOf ?? '0'],
    );
    const distinct = (pick: (r: (typeof rows)[number]) => boolean) => new Set(rows.filter(pick).map((r) => r.household_id)).size;
    return {
      /** Entries, households reached and reached to date of a unit (a new residential group's code, or undefined: the commune) in [from, to]. */
      figures(from: string, to: string, rg?: string) {
        const mine = (r: (typeof rows)[number]) => rg === undefined || r.unit_code === rg;
        return {
          entries: rows.filter((r) => mine(r) && r.day >= from && r.day <= to).length,
          householdsReached: distinct((r) => mine(r) && r.day >= from && r.day <= to),
          householdsReachedToDate: distinct((r) => mine(r) && r.day <= to),
        };
      },
    };
  };

  /** Every row of the answer equals the recount at its own asOf. */
  const check = async (name: string, report: CoverageReport) => {
    const counted = await recount(report.asOf.eventId);
    const got = report.rows.map((r) => ({
      unit: r.unit.code,
      start: r.periodStart,
      entries: r.entries,
      householdsReached: r.householdsReached,
      householdsReachedToDate: r.householdsReachedToDate,
    }));
    const want = report.rows.map((r) => {
      const start = r.periodStart === '1900-01-01' ? '0000-01-01' : r.periodStart;
      const inThanhKhe = r.unit.code === '20209' || r.unit.code.startsWith('20209-') || r.unit.code === '48';
      const figures = inThanhKhe
        ? counted.figures(start, r.periodEnd, r.unit.code.includes('-') ? r.unit.code : undefined)
        : { entries: 0, householdsReached: 0, householdsReachedToDate: 0 };
      return { unit: r.unit.code, start: r.periodStart, ...figures };
    });
    expect({ question: name, asOf: report.asOf.eventId, rows: got }).toEqual({ question: name, asOf: report.asOf.eventId, rows: want });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, DATA_MODEL).initialize();
    await loadDemoCity(dataSource);
    await db.query(`CREATE TABLE test_snapshot_log (event_id bigint PRIMARY KEY, entry_id uuid NOT NULL)`);
    const units = async (validTo: string | null) =>
      (
        await db.query<{ id: string }>(
          `SELECT id FROM admin_unit WHERE code LIKE '20209-%' AND kind = 'residential_group' AND ${validTo ? `valid_to = '${validTo}'` : 'valid_to IS NULL'} ORDER BY code LIMIT 6`,
        )
      ).map((r) => r.id);
    oldGroups = await units('2025-06-30');
    newGroups = await units(null);
    [{ id: groupId }] = await db.query<{ id: string }>(`SELECT id FROM volunteer_group ORDER BY id LIMIT 1`);
    expect(oldGroups.length).toBeGreaterThan(2);
    expect(newGroups.length).toBeGreaterThan(2);
    // The rebuild sets the mapped geography (today's tree), so that tree cells and mapped cells answer too.
    await new RebuildService(dataSource).run('repair');
    repository = new RollupRepository(dataSource);
    coverage = new CoverageService(
      repository,
      new GeographyService(new AdminUnitRepository(dataSource), systemClock),
      new GeographyMapService(dataSource),
      new AccessService(dataSource),
      systemClock,
    );
    projector = new ProjectorService(dataSource, new RollupRepository(dataSource), new SessionSource());
    for (let i = 0; i < 6; i++) await logOne();
  }, 120_000);

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('answers every question in one snapshot although a projection commits between its reads', async () => {
    // Before each read of an answer but its first (once that one is done), one more entry is logged and projected.
    let first: Promise<unknown> | null = null;
    let commits: Promise<unknown> = Promise.resolve();
    const reads = ['freshness', 'geography', 'treeCells', 'cellsWithMapped', 'cells', 'cellsBetween', 'facts'] as const;
    for (const name of reads) {
      const original = (repository[name] as (...args: unknown[]) => Promise<unknown>).bind(repository);
      jest.spyOn(repository, name).mockImplementation((async (...args: unknown[]) => {
        if (!first) return (first = original(...args));
        await first;
        await (commits = commits.then(logOne));
        return original(...args);
      }) as never);
    }
    const seen = new Set<string | null>();
    for (let round = 0; round < 2; round++) {
      for (const q of questions) {
        first = null;
        const before = logged;
        const report = await q.ask();
        expect({ question: q.name, committedMeanwhile: logged > before }).toEqual({ question: q.name, committedMeanwhile: true });
        seen.add(report.asOf.eventId);
        await check(q.name, report);
      }
    }
    expect(seen.size).toBeGreaterThan(8);
  }, 120_000);

  it('agrees with the recount at its asOf while entries are logged and projected freely alongside', async () => {
    let done = false;
    const writer = (async () => {
      try {
        for (let i = 0; i < 60; i++) await logOne();
      } finally {
        done = true;
      }
    })();
    const answers: { name: string; report: CoverageReport }[] = [];
    const reader = (async () => {
      for (let k = 0; !done; k++) {
        const q = questions[k % questions.length];
        answers.push({ name: q.name, report: await q.ask() });
      }
    })();
    await Promise.all([writer, reader]);
    expect(answers.length).toBeGreaterThan(questions.length);
    for (const { name, report } of answers) await check(name, report);
  }, 120_000);

  it('keeps named prepared statements working across snapshots, and gives the connection back when an answer fails', async () => {
    const pool = (dataSource.driver as unknown as { master: { totalCount: number; idleCount: number } }).master;
    const q: CoverageQuery = { unitCode: '48', level: CoverageLevel.Commune, period: Period.Month, from: '2026-09-01', to: '2026-10-31' };
    const a = await coverage.coverage(EVERYTHING, q);
    const b = await coverage.coverage(EVERYTHING, q);
    expect(b.rows).toEqual(a.rows);
    // A read failing inside the snapshot: the transaction is rolled back and the connection is usable again.
    jest.spyOn(repository, 'freshness').mockRejectedValueOnce(new Error('lost'));
    await expect(coverage.coverage(EVERYTHING, q)).rejects.toThrow('lost');
    expect((await coverage.coverage(EVERYTHING, q)).rows).toEqual(a.rows);
    expect(pool.idleCount).toBe(pool.totalCount);
    const open = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(open[0].n).toBe(0);
  });
});
