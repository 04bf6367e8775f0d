import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, AuditService, SYSTEM_ACTOR } from '@cdtg/audit';
import { AppConfig } from '@cdtg/config';
import { lineageRoots } from '@cdtg/geography';
import { ChangeFeed } from '@cdtg/queue';
import { placedHash, placeLabel } from './household-key';
import { HouseholdRepository } from './household.repository';

const REKEY_LOCK = 7_214_019;
const BATCH = 1000;

/**
 * Households identified by address and head name were once keyed without their place, so the same address and name
 * in two wards were one household. At start-up (before the API serves), each such household gets its place: its keys
 * become placed keys (computed from the stored keys, no clear identifier needed), and a household whose entries lie
 * in several places is split, one household per place (the entries move to theirs, and the rollups recount both).
 * Each split is audited as the system. Idempotent, in batches of 1,000 (the unplaced households have an index of their
 * own), under an advisory lock: several processes starting at once place each household once, and none serves before
 * the placing is done. A key under a secret no longer configured is left as it was.
 */
@Injectable()
export class HouseholdRekeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HouseholdRekeyService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly changes: ChangeFeed,
    private readonly audit: AuditService,
    private readonly households: HouseholdRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
  }

  async run(): Promise<{ placed: number; split: number }> {
    if (!(await this.households.unplacedExist(this.dataSource))) return { placed: 0, split: 0 };
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const total = { placed: 0, split: 0 };
    try {
      await this.households.lock(runner, REKEY_LOCK);
      for (;;) {
        const step = await this.dataSource.transaction((manager) => this.batch(manager));
        total.placed += step.placed;
        total.split += step.split;
        if (step.placed < BATCH) break;
      }
    } finally {
      await this.households.unlock(runner, REKEY_LOCK).catch(() => undefined);
      await runner.release();
    }
    if (total.placed) this.logger.log(`Households keyed by their place: ${total.placed} placed, ${total.split} split into one household per place`);
    return total;
  }

  private async batch(manager: EntityManager): Promise<{ placed: number; split: number }> {
    const households = await this.households.lockUnplaced(manager, BATCH);
    if (!households.length) return { placed: 0, split: 0 };
    const ids = households.map((h) => h.id);
    const seen = await this.households.entryUnits(manager, ids);
    const keys = await this.households.keysOf(manager, ids);
    const roots = await lineageRoots(manager, [...households.map((h) => h.first_unit_id), ...seen.map((s) => s.unit_id)]);
    const rootOf = (unitId: string) => roots.get(unitId) ?? unitId;
    const secrets = this.config.householdSecrets;
    const placedKeys: { hash: string; id: string; version: number }[] = [];
    const replaced: string[] = [];
    const audit: AuditEntry[] = [];
    const placeOf: { id: string; place: string }[] = [];
    const changed: string[] = [];
    let split = 0;
    for (const h of households) {
      const units = seen.filter((s) => s.household_id === h.id);
      const home = rootOf(h.first_unit_id);
      // One household per place its entries lie in; the first place keeps the household (and its id).
      const places = new Map<string, { id: string; units: typeof units }>([[home, { id: h.id, units: [] }]]);
      for (const u of units) {
        const place = rootOf(u.unit_id);
        if (!places.has(place)) places.set(place, { id: randomUUID(), units: [] });
        places.get(place)!.units.push(u);
      }
      for (const [place, target] of places) {
        for (const k of keys.filter((k) => k.household_id === h.id)) {
          // A key under a secret no longer configured cannot be placed (nor found by anyone): it is left as it is.
          const hash = placedHash(k.hash, place, secrets);
          if (!hash) continue;
          placedKeys.push({ hash, id: target.id, version: Number(hash.slice(0, hash.indexOf('.'))) });
          replaced.push(k.hash);
        }
        if (target.id === h.id) {
          placeOf.push({ id: h.id, place });
          continue;
        }
        const first = target.units[0];
        const label = h.masked_label.replace(/, [^,]*$/, `, ${placeLabel({ name: first.name, typeWord: first.type_word })}`);
        await this.households.insertPlaced(manager, { id: target.id, label, firstUnitId: first.unit_id, place });
        await this.households.moveEntries(
          manager,
          h.id,
          target.id,
          target.units.map((u) => u.unit_id),
        );
        changed.push(h.id, target.id);
        audit.push({
          operation: 'household.split-by-place',
          objectType: 'household',
          objectId: target.id,
          before: { householdId: h.id },
          after: { householdId: target.id, placeId: place, entryUnits: target.units.map((u) => u.unit_id) },
          unitId: first.unit_id,
        });
        split++;
      }
    }
    await this.households.deleteKeys(manager, replaced);
    placedKeys.sort((a, b) => (a.hash < b.hash ? -1 : 1));
    await this.households.addKeys(manager, placedKeys);
    await this.households.setPlaces(manager, placeOf);
    if (audit.length) await this.audit.record(manager, SYSTEM_ACTOR, audit);
    if (changed.length) await this.changes.emit(manager, { households: changed });
    return { placed: households.length, split };
  }
}
