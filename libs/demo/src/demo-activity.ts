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
import {
  AssistOutcome,
  ASSIST_SERVICES,
  AssistService,
  DemoAssistEntryRow,
  DemoHouseholdCountRow,
  DemoHouseholdKeyRow,
  DemoHouseholdRow,
  FollowUpReason,
  hasAssistEntries,
  insertDemoActivity,
} from '@cdtg/assists';
import { demoActivityPlaces } from '@cdtg/directory';
import { demoResidentialSuccessions } from '@cdtg/geography';
import { RebuildService } from '@cdtg/rollups';
import { addDays, systemClock } from '@cdtg/time';
import { lockSeed } from './lock';
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
    await lockSeed(manager, 'cdtg:demo-activity');
    if (await hasAssistEntries(manager)) return null;
    // Each old residential group with its volunteer group, its members (and when they joined) and its new version.
    const places = await demoActivityPlaces(manager, demoResidentialSuccessions());
    if (!places.length) return null;
    const pace = new Map<string | null, number>();
    const counts: DemoHouseholdCountRow[] = [];
    const households: DemoHouseholdRow[] = [];
    const keys: DemoHouseholdKeyRow[] = [];
    const entries: DemoAssistEntryRow[] = [];
    for (const place of places) {
      if (!pace.has(place.commune_id)) pace.set(place.commune_id, 0.03 + random() * 0.27);
      const size = between(random, 60, 160);
      counts.push(
        { unit_id: place.old_id, as_of: '2025-01-01', households: size, updated_by: 'system:demo' },
        { unit_id: place.new_id, as_of: '2026-01-01', households: size + between(random, -3, 6), updated_by: 'system:demo' },
      );
      const reached = Math.round(size * pace.get(place.commune_id)! * (options.share ?? 1));
      for (let k = 1; k <= reached; k++) {
        const id = crypto.randomUUID();
        const label = `Hộ mẫu ${k}, ${place.name.replace(/^Tổ dân phố/, 'tổ').replace(/^Thôn/, 'thôn')}`;
        // Placed: the residential group's earliest version.
        households.push({ id, kind: 'address', masked_label: label, first_unit_id: place.old_id, place_id: place.old_id });
        keys.push({ hash: `0.demo-${id}`, household_id: id, key_version: 0 });
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
          entries.push({
            client_id: `demo-${crypto.randomUUID()}`,
            group_id: place.group_id,
            unit_id: day < REFORM ? place.old_id : place.new_id,
            household_id: id,
            services: JSON.stringify(services),
            volunteer_ids: [choose(random, helpers).id],
            occurred_at: at.toISOString(),
            occurred_on: day,
            verified_at: verified ? at.toISOString() : null,
          });
        }
      }
    }
    await insertDemoActivity(manager, { counts, households, keys, entries });
    return { households: households.length, entries: entries.length };
  });
  if (!written) return { skipped: true, households: 0, entries: 0, ms: Date.now() - started };
  await new RebuildService(dataSource).run('repair');
  return { skipped: false, ...written, ms: Date.now() - started };
}
