import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { EVERYTHING } from '@cdtg/access';
import { DirectoryImportKind, DirectoryImportService, DirectoryService } from '@cdtg/directory';
import { systemClock } from '@cdtg/time';
import { Basis, CoverageLevel, CoverageService, Period, RebuildReport, RebuildService } from '@cdtg/rollups';
import { BenchApp } from './bench-app';
import { measure, measurePair, summarise, Timing } from './stats';

/** One line of the results table. */
export interface Result {
  scenario: string;
  /** What is measured, e.g. "ms", "entries/s". */
  unit: string;
  ours: Timing | { value: number };
  baseline?: Timing | { value: number };
  /** ours ÷ baseline for rates, baseline ÷ ours for times: how many times better (or the share of the baseline). */
  ratio?: number;
  target: string;
  met: boolean | null;
  note?: string;
}

export interface Places {
  /** A province of the current tree and one of its communes. */
  province: string;
  commune: string;
  /** A province of the tree before the 2025 reform. */
  oldProvince: string;
  /** The day the data ends. */
  today: string;
}

const med = (t: Timing | { value: number }) => ('value' in t ? t.value : t.median);

/** 1 and 2: coverage from the rollups vs a plain GROUP BY over the raw entries of the same units. */
export async function coverageScenarios(dataSource: DataSource, coverage: CoverageService, places: Places, runs: number, warmupMs: number): Promise<Result[]> {
  const results: Result[] = [];
  const run = async (scenario: string, query: Parameters<CoverageService['coverage']>[1], baselineSql: string, params: unknown[], target: { ratio: number; p95: number } | null) => {
    // The baseline takes seconds at national scale: fewer runs of it (its median is what the ratio uses).
    // The planner misjudges the unit list and hashes every entry of the country (10–15 s at national scale); the baseline
    // gets its best plan instead (index lookups per unit: about 1 s), so the ratio is against a well-run GROUP BY.
    const plainGroupBy = () =>
      dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL enable_hashjoin = off`);
        await m.query(`SET LOCAL enable_mergejoin = off`);
        return m.query(baselineSql, params);
      });
    const { ours, baseline } = await measurePair(() => coverage.coverage(EVERYTHING, query), plainGroupBy, runs, Math.min(runs, 7), warmupMs);
    const ratio = baseline.median / ours.median;
    results.push({
      scenario,
      unit: 'ms',
      ours,
      baseline,
      ratio,
      target: target ? `≥${target.ratio}×, p95 < ${target.p95} ms` : 'faster than the baseline',
      met: target ? ratio >= target.ratio && ours.p95 < target.p95 : ratio > 1,
    });
  };
  // The plain GROUP BY: distinct households and entries per child unit, over the entries of its subtree and of the
  // older units that went wholly into it (one reorganisation hop): the same rows the rollup counts.
  // A subtree as an index range on the materialised path (as the app does), so the baseline is a fair, indexed query.
  const inSubtree = `u.path ~>=~ t.path AND u.path ~<~ (t.path || '~')`;
  const groupBy = (children: string, asOf: string, direction: 'back' | 'forward') => `
    WITH target AS (SELECT c.id, c.path FROM admin_unit c WHERE ${children}
                      AND COALESCE(c.valid_from, '-infinity') <= '${asOf}'::date AND COALESCE(c.valid_to, 'infinity') >= '${asOf}'::date),
         units AS (SELECT t.id AS target, u.id FROM target t JOIN admin_unit u ON ${inSubtree}
                   UNION ALL
                   SELECT t.id, l.${direction === 'back' ? 'from_unit_id' : 'to_unit_id'} FROM target t JOIN admin_unit u ON ${inSubtree}
                     JOIN reorganisation_link l ON l.${direction === 'back' ? 'to_unit_id' : 'from_unit_id'} = u.id AND l.share = 'full')
    SELECT units.target, count(DISTINCT e.household_id) AS households, count(*) AS entries, count(*) FILTER (WHERE e.verified_at IS NOT NULL) AS verified
      FROM units JOIN assist_entry e ON e.unit_id = units.id WHERE e.status = 'valid' AND e.occurred_on <= $1::date GROUP BY units.target`;
  const child = (code: string, asOf: string) => `c.parent_id = (SELECT id FROM admin_unit WHERE code = '${code}' AND COALESCE(valid_from, '-infinity') <= '${asOf}'::date AND COALESCE(valid_to, 'infinity') >= '${asOf}'::date)`;
  const base = { period: Period.Cumulative, to: places.today, basis: Basis.All };
  // To date: up to today (the data ends on places.today), the department's Monday question. Answered from the mapped cells.
  const today = systemClock.today();
  await run(
    `1. coverage to date of a province's communes (${places.province})`,
    { ...base, to: today, unitCode: places.province, level: CoverageLevel.Commune, geographyAsOf: today },
    groupBy(child(places.province, today), today, 'back'),
    [today],
    { ratio: 100, p95: 20 },
  );
  // Up to a past day inside a month: the days after it are subtracted from facts, so it is answered from the sources.
  await run(
    `1c. the same up to a past day, ${places.today}`,
    { ...base, unitCode: places.province, level: CoverageLevel.Commune, geographyAsOf: places.today },
    groupBy(child(places.province, places.today), places.today, 'back'),
    [places.today],
    null,
  );
  await run(
    `1b. the same, one month (distinct households in October)`,
    { ...base, period: Period.Month, from: '2026-10-01', to: '2026-10-31', unitCode: places.province, level: CoverageLevel.Commune, geographyAsOf: places.today },
    groupBy(child(places.province, places.today), places.today, 'back').replace(`e.occurred_on <= $1::date`, `e.occurred_on BETWEEN '2026-10-01' AND $1::date`),
    ['2026-10-31'],
    null,
  );
  await run(
    `2. coverage of a commune's residential groups (${places.commune})`,
    { ...base, unitCode: places.commune, level: CoverageLevel.ResidentialGroup, geographyAsOf: places.today },
    groupBy(child(places.commune, places.today), places.today, 'back'),
    [places.today],
    null,
  );
  await run(
    `2b. coverage of an old province's communes, pre-reform tree (${places.oldProvince})`,
    { ...base, unitCode: places.oldProvince, level: CoverageLevel.Commune, geographyAsOf: '2025-06-30' },
    groupBy(`c.parent_id IN (SELECT d.id FROM admin_unit d WHERE ${child(places.oldProvince, '2025-06-30').replace('c.parent_id', 'd.parent_id')} UNION SELECT id FROM admin_unit WHERE code = '${places.oldProvince}' AND valid_to = '2025-06-30')`, '2025-06-30', 'forward'),
    [places.today],
    null,
  );
  return results;
}

/**
 * Entries for the ingest scenarios: a residential group's group, its member, the group's unit today (the unit in force
 * with its code: the demo city's groups were founded on residential groups before the 2025 reform), new households.
 */
export async function ingestPlans(dataSource: DataSource, count: number): Promise<{ groupId: string; memberId: string; unitId: string }[]> {
  return (await dataSource.query(
    `SELECT g.id AS "groupId", ms.member_id AS "memberId", today.id AS "unitId"
       FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id AND u.kind = 'residential_group'
       JOIN admin_unit today ON today.code = u.code AND today.kind = 'residential_group' AND today.valid_to IS NULL
       JOIN LATERAL (SELECT member_id FROM membership WHERE group_id = g.id AND to_date IS NULL ORDER BY role LIMIT 1) ms ON true
      WHERE g.status = 'active' ORDER BY g.id LIMIT $1`,
    [count],
  )) as { groupId: string; memberId: string; unitId: string }[];
}

export const batchOf = (plan: { groupId: string; memberId: string; unitId: string }, size: number, day: string) =>
  Array.from({ length: size }, (_, i) => ({
    clientId: randomUUID(),
    household: { address: `${i + 1} Đường Thử ${randomUUID().slice(0, 8)}`, headName: `Hộ Thử ${randomUUID().slice(0, 6)}` },
    unitId: plan.unitId,
    services: [{ service: 'VNEID_LEVEL_2', outcome: 'DONE' }],
    volunteerIds: [plan.memberId],
    occurredAt: `${day}T09:00`,
  }));

export const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created rejected entries { problems { message } } } }`;

/** Runs `tasks` with at most `concurrency` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  }));
  return out;
}

/** 3: batched ingest through GraphQL (500 a batch, 4 at a time) vs raw multi-row INSERTs of the same rows. */
export async function ingestScenario(dataSource: DataSource, api: BenchApp, batches: number, day: string): Promise<Result> {
  const plans = await ingestPlans(dataSource, batches * 2);
  const size = 500;
  const ours = async () => {
    const started = Date.now();
    await pool(
      plans.slice(0, batches).map((plan) => async () => {
        const res = await api.gql<{ logAssists: { created: number; rejected: number; entries: { problems: { message: string }[] }[] } }>(LOG, { input: { groupId: plan.groupId, entries: batchOf(plan, size, day) } });
        if (!res.data || res.data.logAssists.created !== size) throw new Error(`ingest batch not stored: ${JSON.stringify(res.errors ?? res.data?.logAssists.entries.find((e) => e.problems.length))}`);
      }),
      4,
    );
    return (batches * size) / ((Date.now() - started) / 1000);
  };
  const raw = async () => {
    const started = Date.now();
    await pool(
      plans.slice(batches, batches * 2).map((plan) => async () => {
        const rows = batchOf(plan, size, day).map((e) => ({ ...e, householdId: randomUUID() }));
        await dataSource.transaction(async (m) => {
          await m.query(`INSERT INTO household (id, kind, masked_label, first_unit_id, place_id) SELECT x.id, 'address', 'Hộ thử', $2, $2 FROM unnest($1::uuid[]) AS x(id)`, [rows.map((r) => r.householdId), plan.unitId]);
          const params: unknown[] = [];
          const values = rows.map((r) => {
            params.push(r.clientId, plan.groupId, plan.unitId, r.householdId, JSON.stringify([{ service: 'vneid_level2', outcome: 'done', reason: null }]), `{${plan.memberId}}`, `${day}T02:00:00Z`, day);
            const b = params.length - 8;
            return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
          });
          await m.query(`INSERT INTO assist_entry (client_id, group_id, unit_id, household_id, services, volunteer_ids, occurred_at, occurred_on) VALUES ${values.join(', ')}`, params);
        });
      }),
      4,
    );
    return (batches * size) / ((Date.now() - started) / 1000);
  };
  const oursRate = await ours();
  const rawRate = await raw();
  const ratio = oursRate / rawRate;
  return {
    scenario: `3. batched ingest through GraphQL (${batches} × ${size} entries, 4 at a time) vs raw INSERTs`,
    unit: 'entries/s',
    ours: { value: oursRate },
    baseline: { value: rawRate },
    ratio,
    target: '≥ 25% of raw',
    met: ratio >= 0.25,
  };
}

/** 4: freshness: seconds from an accepted write to its presence in the rollups, under sustained ingest with the worker running. */
export async function freshnessScenario(dataSource: DataSource, api: BenchApp, seconds: number, perSecond: number, day: string): Promise<Result> {
  const plans = await ingestPlans(dataSource, 2000);
  const [{ since }] = (await dataSource.query(`SELECT coalesce(max(id), 0)::text AS since FROM change_event`)) as { since: string }[];
  const batch = Math.max(1, Math.round(perSecond / 2)); // two batches a second
  const stopAt = Date.now() + seconds * 1000;
  let sent = 0;
  for (let tick = 0; Date.now() < stopAt; tick++) {
    const plan = plans[tick % plans.length];
    const started = Date.now();
    await api.gql(LOG, { input: { groupId: plan.groupId, entries: batchOf(plan, batch, day) } });
    sent += batch;
    await new Promise((r) => setTimeout(r, Math.max(0, 500 - (Date.now() - started))));
  }
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const [{ n }] = (await dataSource.query(`SELECT count(*)::int AS n FROM change_event WHERE id > $1 AND processed_at IS NULL`, [since])) as { n: number }[];
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const lags = ((await dataSource.query(`SELECT extract(epoch FROM processed_at - created_at) * 1000 AS ms FROM change_event WHERE id > $1 AND processed_at IS NOT NULL`, [since])) as { ms: number }[]).map((r) => Number(r.ms));
  const timing = summarise(lags);
  return {
    scenario: `4. rollup freshness under sustained ingest (${perSecond} entries/s for ${seconds} s, ${sent} entries)`,
    unit: 'ms lag',
    ours: timing,
    target: 'p95 < 2,000 ms',
    met: timing.p95 < 2000,
    note: `p50 ${Math.round(timing.median)} ms`,
  };
}

/**
 * 9: the nightly rollup check (verify: no lock, one snapshot) at this scale, while entries are ingested with the worker
 * projecting: how long the check takes, and the freshness of projection meanwhile (events written while it ran). The
 * check used to hold the rollup lock for its whole run, so projection then lagged by up to its duration.
 */
export async function nightlyCheckScenario(dataSource: DataSource, api: BenchApp, rebuild: RebuildService, perSecond: number, day: string, minSeconds: number): Promise<Result[]> {
  const plans = await ingestPlans(dataSource, 2000);
  const lastEvent = async () => ((await dataSource.query(`SELECT coalesce(max(id), 0)::text AS id FROM change_event`)) as { id: string }[])[0].id;
  const since = await lastEvent();
  const batch = Math.max(1, Math.round(perSecond / 2)); // two batches a second
  const started = Date.now();
  let report: RebuildReport | undefined;
  let failure: unknown;
  let upTo: string | undefined;
  const check = rebuild
    .run('verify')
    .then(async (r) => {
      report = r;
      upTo = await lastEvent();
    })
    .catch((error) => (failure = error));
  let sent = 0;
  for (let tick = 0; !upTo || Date.now() - started < minSeconds * 1000; tick++) {
    if (failure) break;
    const plan = plans[tick % plans.length];
    const at = Date.now();
    await api.gql(LOG, { input: { groupId: plan.groupId, entries: batchOf(plan, batch, day) } });
    sent += batch;
    await new Promise((r) => setTimeout(r, Math.max(0, 500 - (Date.now() - at))));
  }
  await check;
  if (failure || !report || !upTo) throw failure ?? new Error('the check did not finish');
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const [{ n }] = (await dataSource.query(`SELECT count(*)::int AS n FROM change_event WHERE id > $1 AND processed_at IS NULL`, [since])) as { n: number }[];
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // Events written while the check ran (those written after it, when it was short, are the freshness scenario's).
  const lags = (
    (await dataSource.query(`SELECT extract(epoch FROM processed_at - created_at) * 1000 AS ms FROM change_event WHERE id > $1 AND id <= $2 AND processed_at IS NOT NULL`, [since, upTo])) as {
      ms: number;
    }[]
  ).map((r) => Number(r.ms));
  const timing = summarise(lags.length ? lags : [0]);
  return [
    {
      scenario: `9. the nightly rollup check (verify, no lock) while ${perSecond} entries/s are ingested`,
      unit: 's',
      ours: { value: report.ms / 1000 },
      target: 'projections not held',
      met: report.lockedMs === 0,
      // Scenario 3's raw INSERT baseline writes entries behind the projection's back: the check counts them (rightly).
      note: `${report.differences} differences${report.differences ? ' (the raw INSERTs of scenario 3 are never projected)' : ''}, ${report.pending.events} pending events compared as projected, projections held ${report.lockedMs} ms`,
    },
    {
      scenario: `9b. rollup freshness while the check runs (${lags.length} events, ${sent} entries)`,
      unit: 'ms lag',
      ours: timing,
      target: 'p95 < 2,000 ms',
      met: lags.length > 0 && timing.p95 < 2000,
      note: `p50 ${Math.round(timing.median)} ms; the locked check held projection for its whole run`,
    },
  ];
}

/** 5: SQL statements per list request with nested fields, at page sizes 10 and 100 (must be equal: DataLoader). */
export async function statementsScenario(api: BenchApp, unitCode: string): Promise<Result[]> {
  const lists: [string, (n: number) => string][] = [
    ['groups', (n) => `{ groups(first: ${n}, filter: { unitCode: "${unitCode}" }) { edges { node { name unit { name parent { name } } memberCount warnings members { role member { fullName current { group { name } } } } } } } }`],
    ['members', (n) => `{ members(first: ${n}, filter: { unitCode: "${unitCode}" }) { edges { node { fullName current { role group { name unit { name } } } history { group { name } } } } } }`],
    ['assistEntries', (n) => `{ assistEntries(first: ${n}, filter: { unitCode: "${unitCode}" }) { edges { node { occurredOn unit { name parent { name } } group { name } household { maskedLabel } volunteers { fullName } } } } }`],
    ['sessions', (n) => `{ sessions(first: ${n}, filter: { unitCode: "${unitCode}" }) { edges { node { title unit { name } group { name } assignments { role member { fullName } } } } } }`],
  ];
  const spy = PostgresQueryRunner.prototype.query;
  const results: Result[] = [];
  for (const [name, doc] of lists) {
    const counts: number[] = [];
    for (const n of [10, 100]) {
      let statements = 0;
      PostgresQueryRunner.prototype.query = function (this: PostgresQueryRunner, ...args: Parameters<typeof spy>) {
        if (!/outbox_message|advisory|change_event|^START TRANSACTION|^COMMIT|^SELECT 1$/.test(String(args[0]))) statements++;
        return spy.apply(this, args);
      } as typeof spy;
      try {
        const res = await api.gql(doc(n));
        if (res.errors) throw new Error(`${name}: ${JSON.stringify(res.errors)}`);
      } finally {
        PostgresQueryRunner.prototype.query = spy;
      }
      counts.push(statements);
    }
    results.push({ scenario: `5. SQL statements of ${name} with nested fields, page 10 vs 100`, unit: 'statements', ours: { value: counts[1] }, baseline: { value: counts[0] }, target: 'equal', met: counts[0] === counts[1], note: `${counts[0]} vs ${counts[1]}` });
  }
  return results;
}

/** 6: a CSV import of 13,000 members into existing groups. */
export async function importScenario(dataSource: DataSource, imports: DirectoryImportService, rows: number): Promise<Result> {
  const groups = (await dataSource.query(
    `SELECT u.code AS unit_code, g.name FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id WHERE u.valid_to IS NULL AND g.status = 'active' ORDER BY g.id LIMIT 1300`,
  )) as { unit_code: string; name: string }[];
  const stamp = Date.now() % 100_000;
  const lines = ['unit_code,group_name,full_name,phone,gender,birth_year,affiliation,skills,role'];
  for (let i = 0; i < rows; i++) {
    const g = groups[i % groups.length];
    lines.push(`${g.unit_code},"${g.name}",Nguyễn Thị Thử ${i},03${String(stamp).padStart(5, '0').slice(0, 2)}${String(i).padStart(6, '0')},Nữ,1995,Đoàn thanh niên,vneid,member`);
  }
  const started = Date.now();
  const job = await imports.start({ userId: null, label: 'bench' }, EVERYTHING, DirectoryImportKind.Members, lines.join('\n'));
  await imports.run(job.id);
  const seconds = (Date.now() - started) / 1000;
  const [done] = (await dataSource.query(`SELECT created, errors FROM directory_import WHERE id = $1`, [job.id])) as { created: number; errors: unknown[] }[];
  return {
    scenario: `6. CSV import of ${rows.toLocaleString('en-US')} members`,
    unit: 's',
    ours: { value: seconds },
    target: '< 10 s',
    met: seconds < 10 && done.created === rows,
    note: `${done.created} created, ${done.errors.length} row errors`,
  };
}

/** 7: a simple authenticated read through the whole stack vs the same service call made directly. */
export async function overheadScenario(api: BenchApp, directory: DirectoryService, groupId: string, runs: number, warmupMs: number): Promise<Result> {
  const { ours, baseline } = await measurePair(
    async () => {
      const res = await api.gql(`query($id: UUID!) { group(id: $id) { id name } }`, { id: groupId });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    },
    () => directory.group(groupId),
    runs,
    runs,
    warmupMs,
  );
  return {
    scenario: '7. GraphQL overhead: group(id) over HTTP vs DirectoryService.group directly',
    unit: 'ms',
    ours,
    baseline,
    ratio: ours.median / baseline.median,
    target: 'report',
    met: null,
    note: `${(ours.median / baseline.median).toFixed(1)}× the direct call (auth, access check, parse, validate, HTTP)`,
  };
}

export { med, measure, pool };
