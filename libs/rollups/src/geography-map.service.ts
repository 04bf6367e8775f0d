import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminUnit } from '@cdtg/geography';
import { addDays } from '@cdtg/time';
import { GeographyMap, MapUnit, TreeIndex } from './geography-map';
import { treeRows, treeVersion } from './geography-map.repository';
import { HouseholdTrees } from './household-trees';

/** How long a tree is trusted before its version is checked again (off the question's path). */
const CHECK_EVERY_MS = 5_000;

/**
 * The administrative tree of one version (units, reorganisation links and household counts), in memory: the maps of
 * the periods asked for, the units by code, and the household trees. A question uses one tree from start to end.
 */
export class GeographyTree {
  private readonly maps = new Map<string, GeographyMap>();
  private readonly byCode = new Map<string, MapUnit[]>();
  /** Days on which some unit starts or stops being in force: the maps of two days between them are the same. */
  private readonly boundaries: string[];
  private readonly weights = new Map<string, number>();
  /** Rows of units read for questions in this tree (a unit's row changes only with the tree's version). */
  private readonly rows = new Map<string, AdminUnit>();

  constructor(
    /** The counter that triggers bump on every change of units, links or household counts. */
    readonly version: string,
    private readonly index: TreeIndex,
    readonly households: HouseholdTrees,
  ) {
    const units = index.unitList;
    for (const u of units) {
      if (!u.code) continue;
      const versions = this.byCode.get(u.code);
      if (versions) versions.push(u);
      else this.byCode.set(u.code, [u]);
    }
    this.boundaries = [...new Set(units.flatMap((u) => [u.validFrom, u.validTo ? addDays(u.validTo, 1) : null]).filter((d): d is string => !!d))].sort();
    // Households of every unit that went into another: the weights that share a new unit back among its predecessors.
    for (const fromId of index.forward.keys()) {
      const count = households.total(fromId, '9999-12-31');
      if (count > 0) this.weights.set(fromId, count);
    }
  }

  /** The map of the tree in force on `day`. */
  forDay(day: string): GeographyMap {
    const epoch = this.boundaries.filter((b) => b <= day).at(-1) ?? '0000-01-01';
    let map = this.maps.get(epoch);
    if (!map) {
      map = new GeographyMap(this.index, day, this.weights);
      this.maps.set(epoch, map);
    }
    return map;
  }

  /** The rows of these units: read once per tree version with `read`, from memory after that. */
  async unitRows(ids: readonly string[], read: (ids: string[]) => Promise<AdminUnit[]>): Promise<Map<string, AdminUnit>> {
    const missing = ids.filter((id) => !this.rows.has(id));
    if (missing.length) for (const unit of await read([...new Set(missing)])) this.rows.set(unit.id, unit);
    return new Map(ids.flatMap((id) => (this.rows.has(id) ? [[id, this.rows.get(id)!]] : [])));
  }

  /** The unit with this code in force on `day`, if this tree knows one. */
  unitByCode(code: string, day: string): MapUnit | undefined {
    return this.byCode.get(code)?.find((u) => (u.validFrom ?? '0000-01-01') <= day && (u.validTo ?? '9999-12-31') >= day);
  }
}

/**
 * The administrative tree in memory, kept current: its version (a counter that triggers bump on every change of
 * units, links or household counts) is checked every few seconds off the question's path, and a question that finds
 * a newer version in its own statements asks for a reload. An import is in the tree at once for the question that
 * follows it, and a few seconds later for the projector.
 */
@Injectable()
export class GeographyMapService {
  private readonly logger = new Logger(GeographyMapService.name);
  private tree: GeographyTree | null = null;
  private checkedAt = 0;
  private loading: Promise<GeographyTree> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /** The tree in hand (loaded on first use; its version checked in the background every few seconds). */
  async current(): Promise<GeographyTree> {
    if (!this.tree) return this.load();
    if (Date.now() - this.checkedAt >= CHECK_EVERY_MS) this.load().catch((error: Error) => this.logger.warn(`Geography not refreshed: ${error.message}`));
    return this.tree;
  }

  /** The map of the tree in force on `day`. */
  async forDay(day: string): Promise<GeographyMap> {
    return (await this.current()).forDay(day);
  }

  /** Loads the tree again now if its version changed (a unit was asked for that the tree in hand does not know, or a statement saw a newer version). */
  reload(): Promise<GeographyTree> {
    return this.load();
  }

  private load(): Promise<GeographyTree> {
    this.loading ??= this.read().finally(() => (this.loading = null));
    return this.loading;
  }

  private async read(): Promise<GeographyTree> {
    const version = await treeVersion(this.dataSource);
    this.checkedAt = Date.now();
    if (this.tree && this.tree.version === version) return this.tree;
    const { units, links, counts } = await treeRows(this.dataSource);
    const index = new TreeIndex(units, links);
    this.tree = new GeographyTree(version, index, new HouseholdTrees(index, counts));
    return this.tree;
  }
}
