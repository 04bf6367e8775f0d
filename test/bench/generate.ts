/**
 * Benchmark data, deterministic, loaded through the tables the app uses.
 *
 * - tiny / national: the synthetic national tree of `npm run seed` (units from 2025-07-01, groups, members), plus a
 *   SYNTHETIC pre-reform tree generated here in SQL: every new province formed from 1–3 old provinces with old
 *   districts, every new commune from three old communes (one in fifty of them split between two new communes), every
 *   new residential group from an old one, linked by a reorganisation on 2025-07-01 like the real reform.
 * - Households and assistance entries over three years (to 2026-11-22), under the old units before the reform and the
 *   new ones after, a few at commune level, with follow-ups, verification and 1–2 visits per household; training
 *   sessions held by commune-level groups each month with attendance and assignments; household counts of every
 *   residential group (the denominators). Written with INSERT … SELECT in
 *   the database (generate_series, setseed), foreign-key triggers off for the bulk load (the rows are consistent by
 *   construction), then the rollups are built by the same rebuild the app runs (`npm run rollups -- rebuild`).
 * - city: the Đà Nẵng demo city with its synthetic activity (the real 2025 reform).
 */
import { DataSource } from 'typeorm';
import { loadDemoActivity, loadDemoCity, seedDemoSessions, seedNational } from '@cdtg/demo';
import { RebuildService } from '@cdtg/rollups';

export type Scale = 'tiny' | 'city' | 'national';

/** Households per residential group and days of activity: ~64,000 groups × 100 × 1.56 visits ≈ 10 million entries. */
const SHAPE: Record<Exclude<Scale, 'city'>, { householdsPerGroup: number; secondVisit: number }> = {
  national: { householdsPerGroup: 100, secondVisit: 0.56 },
  tiny: { householdsPerGroup: 40, secondVisit: 0.56 },
};
const FIRST_DAY = '2023-11-23';
const DAYS = 1096;
const REFORM = '2025-07-01';

export interface GenerationReport {
  scale: Scale;
  skipped: boolean;
  units: number;
  groups: number;
  members: number;
  households: number;
  entries: number;
  sessions: number;
  seconds: Record<string, number>;
}

export async function generate(dataSource: DataSource, scale: Scale, log: (line: string) => void): Promise<GenerationReport> {
  const seconds: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    log(`  ${name}…`);
    const result = await work();
    seconds[name] = (Date.now() - started) / 1000;
    log(`  ${name}: ${seconds[name].toFixed(1)} s`);
    return result;
  };
  const count = async (table: string) => Number((await dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const empty = async (table: string) => (await dataSource.query(`SELECT 1 FROM ${table} LIMIT 1`)).length === 0;
  // Every step is skipped when its rows are there: an interrupted generation resumes, a complete one is reused.
  const fresh = await empty('assist_entry');
  if (scale === 'city') {
    if (fresh) {
      await step('demo city', () => loadDemoCity(dataSource));
      await step('demo sessions', () => seedDemoSessions(dataSource));
      await step('demo activity and rollups', () => loadDemoActivity(dataSource));
    }
  } else {
    await step('national tree, groups, members', () => seedNational(dataSource, { scale }));
    await step('pre-reform tree', () => oldTree(dataSource));
    if (fresh) await step('households and entries', () => activity(dataSource, SHAPE[scale]));
    if (await empty('training_session')) await step('sessions', () => sessions(dataSource));
    if (await empty('household_count')) await step('household counts', () => householdCounts(dataSource));
    if (await empty('rollup_cell')) {
      await step('analyze', () => dataSource.query('ANALYZE'));
      await step('rollups (full rebuild)', () => new RebuildService(dataSource).run('repair'));
    }
  }
  // Statistics, and the visibility map that lets the fact reads be index-only (autovacuum would get there in time).
  await step('vacuum and analyze', () => dataSource.query('VACUUM (ANALYZE)'));
  return {
    scale,
    skipped: !fresh,
    units: await count('admin_unit'),
    groups: await count('volunteer_group'),
    members: await count('member'),
    households: await count('household'),
    entries: await count('assist_entry'),
    sessions: await count('training_session'),
    seconds,
  };
}

/** The synthetic pre-reform tree and the reorganisation of 2025-07-01 that turned it into the national tree. */
async function oldTree(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (m) => {
    if ((await m.query(`SELECT 1 FROM admin_unit WHERE code = 'OP01-1'`)).length) return; // written by an earlier, interrupted run
    // New communes with their place in their province; each province came from 1–3 old ones, each old province has
    // districts of four new communes' worth of old communes, each new commune came from three old communes.
    await m.query(`CREATE TEMP TABLE nc ON COMMIT DROP AS
      SELECT c.id, c.code, c.name, p.id AS province_id, p.code AS pcode,
             row_number() OVER (PARTITION BY p.id ORDER BY c.code) AS i, count(*) OVER (PARTITION BY p.id) AS n,
             1 + (substr(p.code, 2)::int % 3) AS parts
        FROM admin_unit c JOIN admin_unit p ON p.id = c.parent_id WHERE c.kind = 'commune' AND p.code LIKE 'P%'`);
    await m.query(`ALTER TABLE nc ADD COLUMN part int, ADD COLUMN district int`);
    await m.query(`UPDATE nc SET part = ceil(i * parts::numeric / n)::int`);
    await m.query(`UPDATE nc SET district = x.d FROM (SELECT id, ceil(row_number() OVER (PARTITION BY province_id, part ORDER BY code) / 4.0)::int AS d FROM nc) x WHERE x.id = nc.id`);
    await m.query(`CREATE TEMP TABLE op ON COMMIT DROP AS
      SELECT DISTINCT ON (province_id, part) gen_random_uuid() AS id, province_id, part, 'O' || pcode || '-' || part AS code FROM nc ORDER BY province_id, part`);
    await m.query(`CREATE TEMP TABLE od ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, op.id AS parent, op.code || 'D' || lpad(x.district::text, 2, '0') AS code, x.province_id, x.part, x.district
        FROM (SELECT DISTINCT province_id, part, district FROM nc) x JOIN op USING (province_id, part)`);
    await m.query(`CREATE TEMP TABLE ow ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, od.id AS parent, nc.id AS successor, nc.code || 'W' || w AS code, w,
             (nc.i % 50 = 0 AND w = 3) AS split
        FROM nc JOIN od USING (province_id, part, district) CROSS JOIN generate_series(1, 3) AS w`);
    const insert = (select: string) =>
      m.query(`INSERT INTO admin_unit (id, code, name, type_word, kind, parent_id, path, depth, valid_from, valid_to, synthetic) ${select}`);
    await insert(`SELECT id, code, 'Tỉnh cũ ' || code, 'Tỉnh', 'province', NULL, '/' || id || '/', 0, NULL, '2025-06-30', true FROM op`);
    await insert(`SELECT od.id, od.code, 'Huyện ' || od.code, 'Huyện', 'district', op.id, '/' || op.id || '/' || od.id || '/', 1, NULL, '2025-06-30', true FROM od JOIN op ON op.id = od.parent`);
    await insert(`SELECT ow.id, ow.code, 'Xã cũ ' || ow.code, 'Xã', 'commune', od.id, '/' || op.id || '/' || od.id || '/' || ow.id || '/', 2, NULL, '2025-06-30', true
                    FROM ow JOIN od ON od.id = ow.parent JOIN op ON op.id = od.parent`);
    // Old residential groups: one per new one, under one of its commune's three old communes.
    await m.query(`CREATE TEMP TABLE orr ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, r.id AS successor, r.code, r.name, r.type_word, ow.id AS parent, ow.code AS pcode
        FROM admin_unit r JOIN nc ON nc.id = r.parent_id
        JOIN ow ON ow.successor = nc.id AND ow.w = 1 + (substr(r.code, length(r.code) - 1)::int % 3)
       WHERE r.kind = 'residential_group'`);
    await insert(`SELECT orr.id, orr.code, orr.name, orr.type_word, 'residential_group', orr.parent, w.path || orr.id || '/', 3, NULL, '2025-06-30', true
                    FROM orr JOIN admin_unit w ON w.id = orr.parent`);
    const [reform] = (await m.query(`INSERT INTO reorganisation (effective_date, kind, decision) VALUES ($1, 'merge', 'Synthetic benchmark reform') RETURNING id`, [REFORM])) as { id: string }[];
    await m.query(
      `INSERT INTO reorganisation_link (reorganisation_id, from_unit_id, to_unit_id, share, fraction, fraction_estimated)
       SELECT $1::uuid, id, successor, CASE WHEN split THEN 'partial' ELSE 'full' END, CASE WHEN split THEN 0.5 ELSE 1 END, split FROM ow
       UNION ALL
       SELECT $1::uuid, ow.id, nxt.id, 'partial', 0.5, true FROM ow JOIN nc ON nc.id = ow.successor
         JOIN nc nxt ON nxt.province_id = nc.province_id AND nxt.i = CASE WHEN nc.i = nc.n THEN 1 ELSE nc.i + 1 END
        WHERE ow.split
       UNION ALL
       SELECT $1::uuid, id, successor, 'full', 1, false FROM orr`,
      [reform.id],
    );
  });
}

/** Households (a key no identifier can produce, a label) and their entries, in SQL. */
async function activity(dataSource: DataSource, shape: { householdsPerGroup: number; secondVisit: number }): Promise<void> {
  await dataSource.transaction(async (m) => {
    await m.query(`SET LOCAL session_replication_role = replica`); // bulk load: the rows are consistent by construction
    await m.query(`SET LOCAL max_parallel_workers_per_gather = 0`); // random() in one order: the same data every time
    await m.query(`SELECT setseed(0.20250701)`);
    await m.query(`ANALYZE admin_unit, reorganisation_link, volunteer_group, membership`); // freshly bulk-loaded: plans need statistics
    await m.query(`CREATE TEMP TABLE rg ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY n.code) AS no, n.id AS new_id, l.from_unit_id AS old_id, n.parent_id AS commune_id, o.parent_id AS old_commune_id,
             g.id AS group_id, ms.member_id
        FROM admin_unit n JOIN reorganisation_link l ON l.to_unit_id = n.id JOIN admin_unit o ON o.id = l.from_unit_id
        JOIN LATERAL (SELECT id FROM volunteer_group WHERE unit_id = n.id ORDER BY id LIMIT 1) g ON true
        JOIN LATERAL (SELECT member_id FROM membership WHERE group_id = g.id ORDER BY role, member_id LIMIT 1) ms ON true
       WHERE n.kind = 'residential_group' AND n.code LIKE 'P%'`);
    await m.query(`CREATE TEMP TABLE hh ON COMMIT DROP AS
      SELECT rg.no, k, gen_random_uuid() AS id FROM rg CROSS JOIN generate_series(1, $1::int) AS k`, [shape.householdsPerGroup]);
    await m.query(`ANALYZE rg, hh`);
    await m.query(`INSERT INTO household (id, kind, masked_label, first_unit_id, place_id) SELECT hh.id, 'address', 'Hộ mẫu ' || hh.k, rg.new_id, rg.old_id FROM hh JOIN rg USING (no)`);
    await m.query(`INSERT INTO household_key (hash, household_id, key_version) SELECT '0.bench-' || id, id, 0 FROM hh`);
    // Bulk load: the table's secondary indexes are dropped and built again afterwards (much faster than row by row).
    const indexes = (await m.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'assist_entry' AND i.indexname NOT IN (SELECT conname FROM pg_constraint)`,
    )) as { indexname: string; indexdef: string }[];
    for (const i of indexes) await m.query(`DROP INDEX ${i.indexname}`);
    const services = [
      [{ service: 'vneid_account', outcome: 'done', reason: null }],
      [{ service: 'vneid_level2', outcome: 'done', reason: null }],
      [{ service: 'vneid_account', outcome: 'done', reason: null }, { service: 'vneid_level2', outcome: 'done', reason: null }],
      [{ service: 'vneid_level2', outcome: 'follow_up', reason: 'no_smartphone' }],
      [{ service: 'portal_account', outcome: 'done', reason: null }],
      [{ service: 'online_application', outcome: 'follow_up', reason: 'missing_documents' }],
      [{ service: 'cashless_payment', outcome: 'done', reason: null }],
      [{ service: 'ehealth_record', outcome: 'done', reason: null }, { service: 'portal_account', outcome: 'done', reason: null }],
    ].map((s) => JSON.stringify(s));
    // Each household draws its own number of visits and each visit its own day: a LATERAL subquery that does not refer
    // to the household is evaluated once, which once put every entry of the country on the same two days.
    await m.query(
      `INSERT INTO assist_entry (client_id, group_id, unit_id, household_id, services, volunteer_ids, occurred_at, occurred_on, verified_at)
       SELECT 'bench-' || gen_random_uuid(), rg.group_id,
              CASE WHEN x.day < $2::date THEN (CASE WHEN x.r < 0.04 THEN rg.old_commune_id ELSE rg.old_id END)
                   ELSE (CASE WHEN x.r < 0.04 THEN rg.commune_id ELSE rg.new_id END) END,
              x.household_id, ($1::jsonb[])[1 + floor(x.r2 * 8)::int], ARRAY[rg.member_id], x.at, x.day,
              CASE WHEN x.r3 < 0.6 AND x.day < '2026-11-08' THEN x.at END
         FROM (SELECT d.no, d.household_id, d.day, (d.day + make_interval(hours => 7 + floor(random() * 12)::int, mins => floor(random() * 60)::int)) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at,
                      random() AS r, random() AS r2, random() AS r3
                 FROM (SELECT v.no, v.household_id, ($4::date + floor(random() * $5)::int) AS day
                         FROM (SELECT hh.no, hh.id AS household_id, 1 + (random() < $3)::int AS visits FROM hh) v, generate_series(1, v.visits) AS i) d) x
         JOIN rg USING (no)`,
      [services, REFORM, shape.secondVisit, FIRST_DAY, DAYS],
    );
    await m.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    for (const i of indexes) await m.query(i.indexdef);
  });
}

/**
 * Households of every residential group, the denominators of coverage: the old ones as of 2024-01-01, the new ones as
 * of the reform and again as of 2026-01-01 (a census update), a little over the households the entries reach.
 */
async function householdCounts(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (m) => {
    await m.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
    await m.query(`SELECT setseed(0.0101)`);
    await m.query(
      `INSERT INTO household_count (unit_id, as_of, households, updated_by)
       SELECT u.id, d.as_of, 110 + floor(random() * 60)::int, 'bench'
         FROM (SELECT id, valid_to FROM admin_unit WHERE kind = 'residential_group' ORDER BY code, valid_to NULLS LAST) u
         CROSS JOIN LATERAL (SELECT unnest(CASE WHEN u.valid_to IS NULL THEN ARRAY['2025-07-01', '2026-01-01']::date[] ELSE ARRAY['2024-01-01']::date[] END) AS as_of) d`,
    );
  });
}

/** Sessions held by commune-level groups, one a month from the group's founding, with attendance and two assignments. */
async function sessions(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (m) => {
    await m.query(`SET LOCAL session_replication_role = replica`);
    await m.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
    await m.query(`SELECT setseed(0.1124)`);
    await m.query(`CREATE TEMP TABLE s ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, g.id AS group_id, g.unit_id, month, (month + interval '9 days' + interval '1 hour') AS starts_at
        FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id AND u.kind = 'commune'
        CROSS JOIN generate_series('2025-07-01'::timestamptz, '2026-10-01'::timestamptz, interval '1 month') AS month
       WHERE g.status = 'active'`);
    await m.query(
      `INSERT INTO training_session (id, group_id, unit_id, title, title_search, topics, starts_at, ends_at, place, capacity, status,
                                     female_under_35, female_35_59, female_60_plus, male_under_35, male_35_59, male_60_plus, participants_total, attendance_logged_at)
       SELECT id, group_id, unit_id, 'Bình dân học vụ số', 'binh dan hoc vu so', '{vneid,digital_literacy}', starts_at, starts_at + interval '2 hours', 'Nhà văn hóa', 40, 'held',
              a, b, c, d, e, f, a + b + c + d + e + f, starts_at + interval '3 hours'
         FROM (SELECT s.*, floor(random() * 8)::int AS a, floor(random() * 8)::int AS b, floor(random() * 8)::int AS c,
                      floor(random() * 8)::int AS d, floor(random() * 8)::int AS e, floor(random() * 8)::int AS f FROM s) x`,
    );
    await m.query(`INSERT INTO training_session_schedule (session_id, version, starts_at, ends_at, place, unit_id) SELECT id, 1, starts_at, starts_at + interval '2 hours', 'Nhà văn hóa', unit_id FROM s`);
    await m.query(
      `INSERT INTO session_assignment (session_id, member_id, role, status)
       SELECT s.id, ms.member_id, CASE WHEN ms.role = 'leader' THEN 'trainer' ELSE 'assistant' END, 'accepted'
         FROM s JOIN membership ms ON ms.group_id = s.group_id AND ms.role IN ('leader', 'deputy') AND ms.to_date IS NULL`,
    );
  });
}
