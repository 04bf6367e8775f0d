/**
 * SYNTHETIC household assistance for the demo city, so that coverage has something to show: household counts for
 * every residential group (before the reform as of 2025-01-01, after it as of 2026-01-01), and entries from March 2025
 * to yesterday by each residential group's volunteer group, under the old residential group before 1 July 2025 and the
 * new one after, at a pace that differs from commune to commune (some lag behind). Households are synthetic too: they
 * have no identity, only a key that no real identifier can produce ("0.demo-…") and a label "Hộ mẫu …". Some services
 * need a follow-up (settled at a later visit); older entries are mostly verified.
 *
 * The rollups are then rebuilt from these rows (they were written straight to the tables, without change events).
 * Idempotent: skipped when any entry exists. Same seed → same figures (ids are random).
 */
import { DataSource } from 'typeorm';
import { AssistOutcome, ASSIST_SERVICES, AssistService, FollowUpReason } from '@cdtg/assists';
import { RebuildService } from '@cdtg/rollups';
import { addDays, systemClock } from '@cdtg/time';
import { insertRows } from './demo-city';
import { between, choose, dayBetween, mulberry32, pick, Weighted } from './random';

const START = '2025-03-01';
const REFORM = '2025-07-01';
const SERVICE_MIX: Weighted<AssistService>[] = [
  [AssistService.VneidAccount, 30],
  [AssistService.VneidLevel2, 30],
  [AssistService.PortalAccount, 14],
  [AssistService.OnlineApplication, 10],
  [AssistService.CashlessPayment, 10],
  [AssistService.EhealthRecord, 5],
  [AssistService.Other, 1],
];
const REASONS = Object.values(FollowUpReason);

export interface DemoActivityReport {
  skipped: boolean;
  households: number;
  entries: number;
  ms: number;
}

/** `share` scales how many households each commune reaches (1: the demo's pace); `until` is the last day of activity. */
export async function loadDemoActivity(dataSource: DataSource, options: { seed?: number; until?: string; share?: number } = {}): Promise<DemoActivityReport> {
  const started = Date.now();
  const random = mulberry32(options.seed ?? 20251001);
  const until = options.until ?? addDays(systemClock.today(), -1);
  const written = await dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('cdtg:demo-activity'))`);
    if ((await manager.query(`SELECT 1 FROM assist_entry LIMIT 1`)).length) return null;
    // Each old residential group with its volunteer group, its members (and when they joined) and its new version.
    const places = (await manager.query(
      `SELECT o.id AS old_id, n.id AS new_id, o.parent_id AS commune_id, o.name, g.id AS group_id,
              json_agg(json_build_object('id', ms.member_id, 'from', ms.from_date)) AS members
         FROM admin_unit o JOIN reorganisation_link l ON l.from_unit_id = o.id JOIN admin_unit n ON n.id = l.to_unit_id
         JOIN volunteer_group g ON g.unit_id = o.id AND g.status = 'active'
         JOIN membership ms ON ms.group_id = g.id AND ms.to_date IS NULL
        WHERE o.kind = 'residential_group' AND o.synthetic
        GROUP BY o.id, n.id, g.id ORDER BY o.code`,
    )) as { old_id: string; new_id: string; commune_id: string; name: string; group_id: string; members: { id: string; from: string }[] }[];
    if (!places.length) return null;
    const pace = new Map<string, number>();
    const counts: unknown[][] = [];
    const households: unknown[][] = [];
    const keys: unknown[][] = [];
    const entries: unknown[][] = [];
    for (const place of places) {
      if (!pace.has(place.commune_id)) pace.set(place.commune_id, 0.03 + random() * 0.27);
      const size = between(random, 60, 160);
      counts.push([place.old_id, '2025-01-01', size, 'system:demo'], [place.new_id, '2026-01-01', size + between(random, -3, 6), 'system:demo']);
      const reached = Math.round(size * pace.get(place.commune_id)! * (options.share ?? 1));
      for (let k = 1; k <= reached; k++) {
        const id = crypto.randomUUID();
        const label = `Hộ mẫu ${k}, ${place.name.replace(/^Tổ dân phố/, 'tổ').replace(/^Thôn/, 'thôn')}`;
        households.push([id, 'address', label, place.old_id, place.old_id]); // placed: the residential group's earliest version
        keys.push([`0.demo-${id}`, id, 0]);
        // One visit, sometimes a second one that settles what was left for a follow-up.
        let day = dayBetween(random, START, until);
        const service = pick(random, SERVICE_MIX);
        const followUp = random() < 0.15;
        const visits = followUp && random() < 0.6 ? 2 : 1;
        for (let v = 0; v < visits; v++) {
          if (v > 0) day = addDays(day, between(random, 3, 40));
          if (day > until) break;
          const helpers = place.members.filter((m) => m.from <= day);
          if (!helpers.length) break;
          const open = followUp && v === 0;
          const services = [{ service, outcome: open ? AssistOutcome.FollowUp : AssistOutcome.Done, reason: open ? choose(random, REASONS) : null }];
          if (random() < 0.3) {
            const extra = choose(
              random,
              ASSIST_SERVICES.filter((s) => s !== service && s !== AssistService.Other),
            );
            services.push({ service: extra, outcome: AssistOutcome.Done, reason: null });
          }
          const at = new Date(`${day}T${String(between(random, 7, 19)).padStart(2, '0')}:${String(between(random, 0, 59)).padStart(2, '0')}:00+07:00`);
          const verified = day < addDays(until, -14) && random() < 0.7;
          entries.push([
            `demo-${crypto.randomUUID()}`,
            place.group_id,
            day < REFORM ? place.old_id : place.new_id,
            id,
            JSON.stringify(services),
            `{${choose(random, helpers).id}}`,
            at.toISOString(),
            day,
            verified ? at.toISOString() : null,
          ]);
        }
      }
    }
    await insertRows(manager, 'household_count', ['unit_id', 'as_of', 'households', 'updated_by'], counts);
    await insertRows(manager, 'household', ['id', 'kind', 'masked_label', 'first_unit_id', 'place_id'], households);
    await insertRows(manager, 'household_key', ['hash', 'household_id', 'key_version'], keys);
    await insertRows(
      manager,
      'assist_entry',
      ['client_id', 'group_id', 'unit_id', 'household_id', 'services', 'volunteer_ids', 'occurred_at', 'occurred_on', 'verified_at'],
      entries,
    );
    return { households: households.length, entries: entries.length };
  });
  if (!written) return { skipped: true, households: 0, entries: 0, ms: Date.now() - started };
  await new RebuildService(dataSource).run('repair');
  return { skipped: false, ...written, ms: Date.now() - started };
}
