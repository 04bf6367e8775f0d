import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeEventForRollups, lockChangeEventForRollups, lockPendingChangeEventsForRollups, markChangeEventsApplied } from '@cdtg/queue';
import { CellDeltas, CellKey } from './cell-deltas';
import { CELL_KINDS } from './cell-kinds';
import { cellBuckets, EntryFact, entryVector, householdFacts, SessionFact, sessionVector, VolunteerFact, volunteerFacts, volunteerVector } from './facts';
import { isFractionalShare } from './geography-map';
import { GeographyMapService } from './geography-map.service';
import { Basis, SESSION_RECORDS, Vector } from './measures';
import { ALL_TIME, StoredGrain } from './periods';
import { NO_PARENT } from './rollup.entities';
import { RollupRepository } from './rollup.repository';
import { SessionSource } from './session-source';

/** A fact counted in (+1) or out (−1) of the cells: its unit, and the cells of its unit it adds a vector to. */
interface Touched {
  unitId: string;
  factor: 1 | -1;
  vectors: (add: (grain: StoredGrain, bucket: string, basis: Basis, vector: Vector) => void) => void;
}

/** Bounds on what one projection transaction takes on: events, and keys (households + members + sessions). */
const MAX_EVENTS_PER_BATCH = 200;
const MAX_KEYS_PER_BATCH = 2_000;

type PendingEvent = Pick<ChangeEventForRollups, 'households' | 'members' | 'sessions'>;

/** Items grouped by a key, in one pass (a batch holds thousands of keys: filtering per key would block the loop). */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

const keyCount = (e: PendingEvent) => e.households.length + e.members.length + e.sessions.length;

const sameSessionFact = (a: SessionFact, b: SessionFact) =>
  a.unitId === b.unitId && a.day === b.day && SESSION_RECORDS.every(({ column }) => a.records[column] === b.records[column]);

const sameEntryFact = (a: EntryFact, b: EntryFact) =>
  a.householdId === b.householdId &&
  a.unitId === b.unitId &&
  a.day === b.day &&
  a.aFlags === b.aFlags &&
  a.vFlags === b.vFlags &&
  a.doneBits === b.doneBits &&
  a.followUpBits === b.followUpBits &&
  a.aNet === b.aNet &&
  a.vNet === b.vNet;

/**
 * Applies change events to the rollups. For every household, member or session named by the event it recomputes the
 * facts from the committed state (under a lock on that key), compares them with the stored facts, and adds the
 * difference to the cells of every commune-or-higher unit above them. Recomputing instead of replaying makes an
 * event handled twice, late or out of order harmless; the event is marked processed in the same transaction.
 */
@Injectable()
export class ProjectorService {
  /**
   * unit id → the units whose cells its facts land in, for one version of the administrative tree: paths never change,
   * but an import can change a unit's kind in place (a residential group corrected to a commune gets cells), and the
   * version counter moves with every change of units.
   */
  private cellUnits = new Map<string, string[]>();
  private cellUnitsVersion: string | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RollupRepository,
    private readonly sessions: SessionSource,
    private readonly maps: GeographyMapService = new GeographyMapService(dataSource),
  ) {}

  async apply(eventId: string): Promise<'applied' | 'already-applied' | 'missing'> {
    // A deadlock victim is rolled back whole: run it again at once rather than spend one of the job's attempts.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyOnce(eventId);
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
      }
    }
  }

  /**
   * Applies the event together with other pending events (those no other projector holds), up to a bound on their
   * keys: under a sustained ingest every job then pays one transaction for many events, and a member or household
   * named by several of them is recounted once. The jobs of the others then find them already applied.
   */
  private applyOnce(eventId: string): Promise<'applied' | 'already-applied' | 'missing'> {
    return this.dataSource.transaction(async (manager) => {
      const event = await lockChangeEventForRollups(manager, eventId);
      if (!event) return 'missing';
      if (event.processed_at) return 'already-applied';
      await this.repository.shareRollupLock(manager);
      const others = await lockPendingChangeEventsForRollups(manager, eventId, MAX_EVENTS_PER_BATCH - 1);
      const batch = [event];
      let keys = keyCount(event);
      for (const other of others) {
        if (keys + keyCount(other) > MAX_KEYS_PER_BATCH) break;
        batch.push(other);
        keys += keyCount(other);
      }
      await this.project(manager, {
        households: batch.flatMap((e) => e.households),
        members: batch.flatMap((e) => e.members),
        sessions: batch.flatMap((e) => e.sessions),
      });
      // Marked applied with clock_timestamp() (the queue's port says why).
      await markChangeEventsApplied(
        manager,
        batch.map((e) => e.id),
      );
      return 'applied';
    });
  }

  /** Recounts the keys in the caller's transaction. */
  async project(manager: EntityManager, keys: { households: string[]; members: string[]; sessions: string[] }): Promise<void> {
    const touched: Touched[] = [];
    if (keys.households.length) touched.push(...(await this.projectHouseholds(manager, [...new Set(keys.households)].sort())));
    if (keys.members.length) touched.push(...(await this.projectMembers(manager, [...new Set(keys.members)].sort())));
    if (keys.sessions.length) touched.push(...(await this.projectSessions(manager, [...new Set(keys.sessions)].sort())));
    if (!touched.length) return;
    const cellUnits = await this.cellUnitsOf(
      manager,
      touched.map((t) => t.unitId),
    );
    const deltas = new CellDeltas();
    for (const t of touched) {
      const cells = cellUnits.get(t.unitId) ?? [];
      t.vectors((grain, bucket, basis, vector) => deltas.add(cells, grain, bucket, basis, vector, t.factor));
    }
    const cellChanges = deltas.changes();
    await this.repository.applyCellChanges(manager, 'rollup_cell', cellChanges);
    await this.projectMapped(manager, touched, cellChanges);
  }

  /**
   * The mapped cells of the geography day (what facts of old units add to the units in force then) and its tree cells
   * (all time, cell plus mapped cell, of the units in force then). Skipped (and the geography marked stale, for the
   * next rebuild) when the tree changed since they were built.
   */
  private async projectMapped(manager: EntityManager, touched: Touched[], cellChanges: { key: CellKey; vector: Vector }[]): Promise<void> {
    const geography = await this.repository.geography(manager);
    if (!geography || geography.stale) return;
    let map = await this.maps.forDay(geography.day);
    if (touched.some((t) => !map.knows(t.unitId))) {
      await this.maps.reload();
      map = await this.maps.forDay(geography.day);
    }
    if (map.signature(CELL_KINDS) !== geography.signature) {
      await this.repository.markGeographyStale(manager);
      return;
    }
    const deltas = new CellDeltas();
    for (const t of touched) {
      const shares = map.mappedShares(t.unitId, CELL_KINDS);
      if (!shares.size) continue;
      t.vectors((grain, bucket, basis, vector) => {
        for (const [unitId, share] of shares) deltas.add([unitId], grain, bucket, basis, vector, t.factor * share, isFractionalShare(share));
      });
    }
    const mappedChanges = deltas.changes();
    await this.repository.applyCellChanges(manager, 'rollup_mapped_cell', mappedChanges);

    const tree = new CellDeltas();
    for (const { key, vector } of cellChanges)
      if (key.grain === 'A' && map.isValid(key.unitId)) tree.add([key.unitId], 'A', ALL_TIME, key.basis, vector, 1, false);
    for (const { key, vector } of mappedChanges) if (key.grain === 'A') tree.add([key.unitId], 'A', ALL_TIME, key.basis, vector, 1, key.split ?? false);
    await this.repository.applyTreeCellChanges(
      manager,
      tree.changes().map(({ key, vector }) => ({
        parentId: map.parentOf(key.unitId) ?? NO_PARENT,
        unitId: key.unitId,
        basis: key.basis,
        split: key.split ?? false,
        vector,
      })),
    );
  }

  private async projectHouseholds(manager: EntityManager, ids: string[]): Promise<Touched[]> {
    await this.repository.lockHouseholds(manager, ids);
    const entries = await this.repository.entriesOfHouseholds(manager, ids);
    const fresh = new Map<string, EntryFact>();
    for (const own of groupBy(entries, (e) => e.householdId).values()) for (const fact of householdFacts(own)) fresh.set(fact.entryId, fact);
    const stored = new Map(
      (
        await this.repository.entryFacts(
          manager,
          ids,
          entries.map((e) => e.id),
        )
      ).map((f) => [f.entryId, f]),
    );
    const changed: Touched[] = [];
    const count = (fact: EntryFact, factor: 1 | -1) =>
      changed.push({
        unitId: fact.unitId,
        factor,
        vectors: (add) => {
          for (const [grain, bucket] of cellBuckets(fact.day))
            for (const basis of [Basis.All, Basis.Verified]) add(grain, bucket, basis, entryVector(fact, grain, basis));
        },
      });
    const upsert: EntryFact[] = [];
    for (const [id, fact] of fresh) {
      const old = stored.get(id);
      if (old && sameEntryFact(old, fact)) continue;
      if (old) count(old, -1);
      count(fact, 1);
      upsert.push(fact);
    }
    const remove = [...stored.keys()].filter((id) => !fresh.has(id));
    for (const id of remove) count(stored.get(id)!, -1);
    await this.repository.writeEntryFacts(manager, upsert, remove);
    return changed;
  }

  private async projectMembers(manager: EntityManager, ids: string[]): Promise<Touched[]> {
    await this.repository.lockKeys(manager, 'member', ids);
    const activities = [...(await this.repository.activitiesOfMembers(manager, ids)), ...(await this.sessions.activitiesOfMembers(manager, ids))];
    const key = (f: VolunteerFact) => `${f.memberId}|${f.day}`;
    const byMember = groupBy(activities, (a) => a.memberId);
    const fresh = new Map(ids.flatMap((id) => volunteerFacts(id, byMember.get(id) ?? [])).map((f) => [key(f), f]));
    const stored = new Map((await this.repository.volunteerFacts(manager, ids)).map((f) => [key(f), f]));
    const changed: Touched[] = [];
    const count = (fact: VolunteerFact, factor: 1 | -1) =>
      changed.push({
        unitId: fact.unitId,
        factor,
        vectors: (add) => cellBuckets(fact.day).forEach(([g, b]) => add(g, b, Basis.All, volunteerVector(fact, g))),
      });
    const upsert: VolunteerFact[] = [];
    for (const [k, fact] of fresh) {
      const old = stored.get(k);
      if (old && old.unitId === fact.unitId && old.flags === fact.flags) continue;
      if (old) count(old, -1);
      count(fact, 1);
      upsert.push(fact);
    }
    const remove = [...stored.entries()].filter(([k]) => !fresh.has(k)).map(([, f]) => f);
    for (const f of remove) count(f, -1);
    await this.repository.writeVolunteerFacts(manager, upsert, remove);
    return changed;
  }

  private async projectSessions(manager: EntityManager, ids: string[]): Promise<Touched[]> {
    await this.repository.lockKeys(manager, 'session', ids);
    const fresh = new Map((await this.sessions.heldSessions(manager, ids)).map((f) => [f.sessionId, f]));
    const stored = new Map((await this.repository.sessionFacts(manager, ids)).map((f) => [f.sessionId, f]));
    const changed: Touched[] = [];
    const count = (fact: SessionFact, factor: 1 | -1) =>
      changed.push({ unitId: fact.unitId, factor, vectors: (add) => cellBuckets(fact.day).forEach(([g, b]) => add(g, b, Basis.All, sessionVector(fact))) });
    const upsert: SessionFact[] = [];
    for (const [id, fact] of fresh) {
      const old = stored.get(id);
      if (old && sameSessionFact(old, fact)) continue;
      if (old) count(old, -1);
      count(fact, 1);
      upsert.push(fact);
    }
    const remove = [...stored.keys()].filter((id) => !fresh.has(id));
    for (const id of remove) count(stored.get(id)!, -1);
    await this.repository.writeSessionFacts(manager, upsert, remove);
    return changed;
  }

  /** The commune-or-higher units on the path of each unit, worked out once per unit and version of the tree. */
  private async cellUnitsOf(manager: EntityManager, unitIds: string[]): Promise<Map<string, string[]>> {
    // The version is read in the projection's transaction before the kinds: a change of kind committed after it moves
    // the version, and the next projection starts afresh.
    const version = await this.repository.geographyVersion(manager);
    if (this.cellUnitsVersion === null || BigInt(version) > BigInt(this.cellUnitsVersion)) {
      this.cellUnits = new Map();
      this.cellUnitsVersion = version;
    }
    // A projection that read an older version than the one in hand (it started before an import) works out its own.
    const cache = version === this.cellUnitsVersion ? this.cellUnits : new Map<string, string[]>();
    const missing = [...new Set(unitIds)].filter((id) => !cache.has(id));
    if (!missing.length) return cache;
    const units = await this.repository.unitPaths(manager, missing);
    const ancestors = [...new Set(units.flatMap((u) => u.path.split('/').filter(Boolean)))];
    const kinds = new Map((await this.repository.unitPaths(manager, ancestors)).map((a) => [a.id, a.kind]));
    for (const u of units)
      cache.set(
        u.id,
        u.path.split('/').filter((id) => id && CELL_KINDS.has(kinds.get(id) ?? '')),
      );
    return cache;
  }
}
