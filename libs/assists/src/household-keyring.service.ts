import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { lineageRoots } from '@cdtg/geography';
import { HouseholdKeyKind } from './assist.enums';
import { HouseholdRepository } from './household.repository';
import { householdHash, HouseholdIdentity, keyMaterial, maskedLabel } from './household-key';

/** A household to find or create: its identity (never stored), the label to show and the unit it was seen in. */
export interface HouseholdClaim {
  identity: HouseholdIdentity;
  unit: { id: string; name: string; typeWord: string };
}

/**
 * Turns household identities into household ids: the same household logged by two groups, spelled differently,
 * is one household; the same address and head name in two places (two wards, two residential groups) are two. Looks
 * a household up by its hash under every configured secret (rotation), creates the missing ones, and gives households
 * found under an older secret the current one's hash as well. See householdHash for what a key holds.
 */
@Injectable()
export class HouseholdKeyring {
  constructor(
    private readonly config: AppConfig,
    private readonly households: HouseholdRepository,
  ) {}

  /** The household id of each claim, in order. Runs in the caller's transaction. */
  async resolve(manager: EntityManager, claims: HouseholdClaim[]): Promise<string[]> {
    const secrets = this.config.householdSecrets;
    const [current] = secrets;
    const roots = await lineageRoots(
      manager,
      claims.map((c) => c.unit.id),
    );
    const prepared = claims.map((claim) => {
      const { kind, material } = keyMaterial(claim.identity);
      const place = kind === HouseholdKeyKind.Address ? (roots.get(claim.unit.id) ?? claim.unit.id) : null;
      return { claim, kind, place, hashes: secrets.map((s) => householdHash(material, s, place)) };
    });
    const found = await this.find(
      manager,
      prepared.flatMap((p) => p.hashes),
    );

    // New households: one per distinct current hash. The key row is inserted first (its primary key settles races
    // between concurrent batches); a household row is written only for keys this statement inserted. Keys go in hash
    // order, so two batches naming the same new households wait for each other instead of deadlocking.
    const missing = new Map<string, (typeof prepared)[number]>();
    for (const p of prepared) if (!p.hashes.some((h) => found.has(h))) missing.set(p.hashes[0], p);
    if (missing.size) {
      const rows = [...missing.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([hash, p]) => ({
          id: crypto.randomUUID(),
          hash,
          kind: p.kind,
          label: maskedLabel(p.claim.identity, p.claim.unit),
          unit: p.claim.unit.id,
          place: p.place,
        }));
      await this.households.insertNew(manager, rows, current.version);
      for (const [hash, id] of await this.find(manager, [...missing.keys()])) found.set(hash, id);
    }

    // Found only under an older secret: add the current one, so that the older secret can one day be retired.
    const rekey = prepared.filter((p) => !found.has(p.hashes[0]));
    if (rekey.length) {
      const pairs = rekey.map((p) => ({ hash: p.hashes[0], id: p.hashes.map((h) => found.get(h)).find(Boolean)! })).sort((a, b) => (a.hash < b.hash ? -1 : 1));
      await this.households.addKeys(
        manager,
        pairs.map((p) => ({ ...p, version: current.version })),
      );
      for (const p of pairs) found.set(p.hash, p.id);
    }
    return prepared.map((p) => p.hashes.map((h) => found.get(h)).find(Boolean)!);
  }

  /** Whether a unit lies in the household's place (always, for a household known by its code, which has none). */
  async samePlace(manager: EntityManager, householdId: string, unitId: string): Promise<boolean> {
    const household = await this.households.placeOf(manager, householdId);
    if (!household?.place_id) return true;
    return (await lineageRoots(manager, [unitId])).get(unitId) === household.place_id;
  }

  private async find(manager: EntityManager, hashes: string[]): Promise<Map<string, string>> {
    const rows = await this.households.keys(manager, hashes);
    return new Map(rows.map((r) => [r.hash, r.household_id]));
  }
}
