import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, systemClock } from '@cdtg/time';
import { GeographyMapService } from './geography-map.service';
import { CELL_KINDS } from './cell-kinds';
import { RollupCheckOrigin } from './rollup-check.entity';
import { RollupCheckRepository } from './rollup-check.repository';
import { RollupRepository } from './rollup.repository';
import {
  buildCells,
  buildEntryFacts,
  buildMappedCells,
  buildSessionFacts,
  buildTreeCells,
  buildVolunteerFacts,
  Columns,
  columnsOf,
  compareWithRebuilt,
  FACT_TABLES,
  keepStoredFacts,
  lockRollupsExclusively,
  MAPPED,
  pendingKeys,
  RebuiltTable,
  replaceWithRebuilt,
  setGeography,
  setRebuildWorkMem,
  TREE,
  unitsNotInForce,
} from './rebuild.repository';

export interface TableCheck {
  /** Rows the rebuild computed from raw records. */
  expected: number;
  /** Rows the incremental projection holds. */
  stored: number;
  /** Rows missing, extra or with another value. */
  different: number;
  /** A few of them ("missing", "extra" or "changed", then the key columns joined by "/"), for the log and the stored result. */
  samples: string[];
}

export interface RebuildReport {
  /** The stored result (rollup_check). */
  id: string;
  mode: 'verify' | 'repair';
  origin: RollupCheckOrigin;
  entryFacts: TableCheck;
  volunteerFacts: TableCheck;
  sessionFacts: TableCheck;
  cells: TableCheck;
  /** Mapped cells of the geography day (compared only when the geography has not moved since they were built). */
  mappedCells: TableCheck;
  /** Tree cells of the geography day (likewise). */
  treeCells: TableCheck;
  /** The geography the mapped cells are now kept in, and whether this run moved them to it (rebuilt, not compared). */
  geography: { day: string; moved: boolean };
  /**
   * Keys named by change events not yet applied in the snapshot compared: the projection still has to recount them,
   * so they are compared as it holds them (their facts taken from the incremental tables), neither blocked nor reported.
   */
  pending: { events: number; households: number; members: number; sessions: number };
  /** True when the incremental tables equal the rebuild (there must be no difference). */
  consistent: boolean;
  /** Rows that differ, summed over the tables compared. */
  differences: number;
  /** True when the tables were replaced by the rebuild. */
  repaired: boolean;
  /** True when mapped and tree cells were refilled for a changed tree (a cache, not a difference). */
  remapped: boolean;
  /** How long projections waited for this run (the rollup lock held exclusively): 0 for a check, unless it remapped. */
  lockedMs: number;
  ms: number;
}

/** What one recount found, before any table is replaced. */
type Recount = Pick<RebuildReport, 'entryFacts' | 'volunteerFacts' | 'sessionFacts' | 'cells' | 'mappedCells' | 'treeCells' | 'pending' | 'consistent'> & {
  /** The geography of the rebuilt mapped cells (today's), and the one the stored ones were built in. */
  geography: { day: string; signature: string };
  stored: { day: string; signature: string; stale: boolean } | null;
  moved: boolean;
};

/**
 * The full rebuild: recomputes every fact from the raw records with set-based SQL (window functions: an independent
 * implementation of the rules in facts.ts) and every cell from the facts, then compares with what the incremental
 * projection holds.
 *
 * `verify` (the nightly check, `npm run rollups -- check`) takes no lock: it reads raw records and incremental tables
 * in one REPEATABLE READ snapshot (writing only temporary tables), so projections keep committing meanwhile and the
 * snapshot holds each of their transactions whole or not at all. Keys named by change events still pending in the
 * snapshot are compared as the projection holds them (their recount is still to come), so a write not yet projected
 * is no difference. Differences are reported (logged with counts and sample keys, stored in rollup_check), never
 * repaired here. The one thing a check writes is the cache of mapped and tree cells when the tree changed since they
 * were built: that refill holds the rollup lock, from the stored facts, only on the first check after such a change.
 *
 * `repair` (`npm run rollups -- rebuild`, a repair job, or the nightly job when differences persist) holds the rollup
 * lock exclusively (projections wait) and replaces the tables that differ with the rebuild: the backfill, and the way
 * to adopt a changed rule or a reorganisation imported later.
 */
@Injectable()
export class RebuildService {
  private readonly logger = new Logger(RebuildService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly maps: GeographyMapService = new GeographyMapService(dataSource),
    private readonly repository: RollupRepository = new RollupRepository(dataSource),
    private readonly checks: RollupCheckRepository = new RollupCheckRepository(dataSource),
    private readonly clock: Clock = systemClock,
  ) {}

  async run(mode: 'verify' | 'repair', options: { origin?: RollupCheckOrigin } = {}): Promise<RebuildReport> {
    const startedAt = this.clock.now();
    const started = Date.now();
    let lockedMs = 0;
    let remapped = false;
    let repaired = false;
    let recount: Recount;
    if (mode === 'verify') {
      recount = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
        await setRebuildWorkMem(manager);
        return this.recount(manager);
      });
      if (recount.moved) {
        const locked = Date.now();
        remapped = await this.remap();
        lockedMs = Date.now() - locked;
      }
    } else {
      recount = await this.dataSource.transaction(async (manager) => {
        await lockRollupsExclusively(manager);
        await setRebuildWorkMem(manager);
        const found = await this.recount(manager);
        const { moved, stored, geography } = found;
        if (moved || found.mappedCells.different > 0) await replaceWithRebuilt(manager, 'rollup_mapped_cell', columnsOf(MAPPED));
        if (moved || found.treeCells.different > 0) await replaceWithRebuilt(manager, 'rollup_tree_cell', columnsOf(TREE), TREE.keys);
        remapped = moved;
        await setGeography(manager, moved ? geography : stored!);
        if (!found.consistent)
          for (const [table, t] of Object.entries(FACT_TABLES) as [keyof typeof FACT_TABLES, Columns][]) await replaceWithRebuilt(manager, table, columnsOf(t));
        repaired = !found.consistent;
        return found;
      });
      lockedMs = Date.now() - started;
    }
    const { entryFacts, volunteerFacts, sessionFacts, cells, mappedCells, treeCells, pending, consistent, moved } = recount;
    // Mapped and tree cells of another geography (or left stale by a change of the tree) are a cache to refill, not a difference.
    const compared = [entryFacts, volunteerFacts, sessionFacts, cells, ...(moved ? [] : [mappedCells, treeCells])];
    const report: RebuildReport = {
      id: '',
      mode,
      origin: options.origin ?? 'service',
      entryFacts,
      volunteerFacts,
      sessionFacts,
      cells,
      mappedCells,
      treeCells,
      geography: { day: moved ? recount.geography.day : recount.stored!.day, moved },
      pending,
      consistent,
      differences: compared.reduce((n, c) => n + c.different, 0),
      repaired,
      remapped,
      lockedMs,
      ms: Date.now() - started,
    };
    const { id: _unsaved, ...stored } = report;
    report.id = await this.checks.record({
      mode,
      origin: report.origin,
      startedAt,
      finishedAt: this.clock.now(),
      consistent,
      repaired,
      differences: report.differences,
      report: stored as unknown as Record<string, unknown>,
    });
    this.log(report);
    return report;
  }

  /** One line per run; a difference is an error line with the counts per table and sample keys. */
  private log(r: RebuildReport): void {
    const tables = {
      entryFacts: r.entryFacts,
      volunteerFacts: r.volunteerFacts,
      sessionFacts: r.sessionFacts,
      cells: r.cells,
      mappedCells: r.mappedCells,
      treeCells: r.treeCells,
    };
    const counts = Object.entries(tables)
      .map(([name, t]) => `${name} ${t.different}/${t.expected}`)
      .join(', ');
    const samples = Object.entries(tables)
      .flatMap(([name, t]) => t.samples.slice(0, 2).map((k) => `${name} ${k}`))
      .join('; ');
    const pending = `${r.pending.events} pending event(s) compared as projected`;
    if (r.repaired) {
      this.logger.warn(
        `Rollups repaired (check #${r.id}, ${r.origin}): ${r.differences} row(s) differed from the rebuild from raw records and were replaced (${counts}; samples: ${samples}); projections waited ${r.lockedMs} ms`,
      );
    } else if (!r.consistent) {
      this.logger.error(
        `Rollup check #${r.id} (${r.origin}) found ${r.differences} difference(s) from a rebuild from raw records, not repaired (different/expected: ${counts}; samples: ${samples}; ${pending}). ` +
          `Repair with \`npm run rollups -- repair\`${r.mode === 'verify' ? ' (the nightly job repairs if the next check finds differences too, unless ROLLUP_AUTO_REPAIR=false)' : ''}.`,
      );
    } else {
      this.logger.log(
        `Rollup check #${r.id} (${r.origin}): incremental tables equal the rebuild (${r.ms} ms, ${pending}; projections waited ${r.lockedMs} ms${r.remapped ? ', mapped cells refilled for a changed tree' : ''})`,
      );
    }
  }

  /**
   * Rebuilds facts from raw records, takes the keys of pending change events as the projection holds them, builds the
   * cells, mapped cells and tree cells from those facts, and compares every table (in the caller's transaction).
   */
  private async recount(manager: EntityManager): Promise<Recount> {
    await buildEntryFacts(manager);
    await buildVolunteerFacts(manager);
    await buildSessionFacts(manager);
    // After the raw reads: under the lock (repair) a key written since then has a pending event too.
    const pending = await this.keepPendingKeys(manager);
    await buildCells(manager);
    const geography = await this.buildMappedCells(manager, 'rb_');
    await buildTreeCells(manager, geography.day, 'rb_');
    const stored = await this.repository.geography(manager);
    const moved = !stored || stored.stale || stored.signature !== geography.signature;
    const check = (table: RebuiltTable, t: Columns) => compareWithRebuilt(manager, table, t.keys, t.values);
    const entryFacts = await check('rollup_entry_fact', FACT_TABLES.rollup_entry_fact);
    const volunteerFacts = await check('rollup_volunteer_fact', FACT_TABLES.rollup_volunteer_fact);
    const sessionFacts = await check('rollup_session_fact', FACT_TABLES.rollup_session_fact);
    const cells = await check('rollup_cell', FACT_TABLES.rollup_cell);
    const mappedCells = await check('rollup_mapped_cell', MAPPED);
    const treeCells = await check('rollup_tree_cell', TREE);
    const consistent = [entryFacts, volunteerFacts, sessionFacts, cells, ...(moved ? [] : [mappedCells, treeCells])].every((c) => c.different === 0);
    return { entryFacts, volunteerFacts, sessionFacts, cells, mappedCells, treeCells, pending, geography, stored, moved, consistent };
  }

  /**
   * The households, members and sessions named by change events not yet applied: their rebuilt facts are replaced by
   * the stored ones. The projection recounts them later (and adds the difference to the cells then); until it has,
   * the cells hold exactly the stored facts, so that is what they are compared with.
   */
  private async keepPendingKeys(manager: EntityManager): Promise<RebuildReport['pending']> {
    const counts = await pendingKeys(manager);
    if (counts.households + counts.members + counts.sessions === 0) return counts;
    if (counts.households) await keepStoredFacts(manager, 'rollup_entry_fact', 'household_id', 'h');
    if (counts.members) await keepStoredFacts(manager, 'rollup_volunteer_fact', 'member_id', 'm');
    if (counts.sessions) await keepStoredFacts(manager, 'rollup_session_fact', 'session_id', 's');
    return counts;
  }

  /**
   * Refills mapped and tree cells for today's tree from the stored facts and cells, under the rollup lock (while the
   * geography is stale or moved the projector writes none, so it must not commit between this read and these writes).
   * False when another run refilled them meanwhile.
   */
  private async remap(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await lockRollupsExclusively(manager);
      await setRebuildWorkMem(manager);
      const stored = await this.repository.geography(manager);
      const geography = await this.buildMappedCells(manager, '');
      if (stored && !stored.stale && stored.signature === geography.signature) return false;
      await buildTreeCells(manager, geography.day, '');
      await replaceWithRebuilt(manager, 'rollup_mapped_cell', columnsOf(MAPPED));
      await replaceWithRebuilt(manager, 'rollup_tree_cell', columnsOf(TREE), TREE.keys);
      await setGeography(manager, geography);
      return true;
    });
  }

  /**
   * Mapped cells of today's tree from the rebuilt facts (`facts` "rb_") or the stored ones (""): every unit not in
   * force today, with its shares of the units in force (GeographyMap.mappedShares, the same numbers the projector
   * uses), times its facts summed per bucket.
   */
  private async buildMappedCells(manager: EntityManager, facts: 'rb_' | ''): Promise<{ day: string; signature: string }> {
    const day = this.clock.today();
    await this.maps.reload();
    const map = await this.maps.forDay(day);
    const old = await unitsNotInForce(manager, day);
    const shares: [string, string, number][] = old.flatMap((id) =>
      [...map.mappedShares(id, CELL_KINDS)].map(([target, share]) => [id, target, share] as [string, string, number]),
    );
    await buildMappedCells(manager, shares, facts);
    return { day, signature: map.signature(CELL_KINDS) };
  }
}
