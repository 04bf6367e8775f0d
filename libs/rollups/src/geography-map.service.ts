import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addDays } from '@cdtg/geography';
import { GeographyMap, MapLink, MapUnit } from './geography-map';

/** How long a map is trusted before the tree's version is checked again. */
const CHECK_EVERY_MS = 5_000;

/**
 * The geography maps of the periods asked for, built from the administrative tree and its reorganisations and kept
 * in memory. The tree's version (a counter that triggers bump on every change of units or links) is checked every few
 * seconds, off the question's path: an import of units or reorganisations is in the maps a few seconds later.
 */
@Injectable()
export class GeographyMapService {
  private readonly logger = new Logger(GeographyMapService.name);
  private version: string | null = null;
  private checkedAt = 0;
  private tree: { units: MapUnit[]; links: MapLink[]; boundaries: string[]; weights: Map<string, number> } | null = null;
  private readonly maps = new Map<string, GeographyMap>();
  private loading: Promise<void> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /** The map of the tree in force on `day`. */
  async forDay(day: string): Promise<GeographyMap> {
    await this.refresh();
    const epoch = this.tree!.boundaries.filter((b) => b <= day).at(-1) ?? '0000-01-01';
    let map = this.maps.get(epoch);
    if (!map) {
      map = new GeographyMap(this.tree!.units, this.tree!.links, day, this.tree!.weights);
      this.maps.set(epoch, map);
    }
    return map;
  }

  /** Loads the tree again now (a unit was asked for that the maps in hand do not know). */
  async reload(): Promise<void> {
    this.loading ??= this.load(true).finally(() => (this.loading = null));
    await this.loading;
  }

  private async refresh(): Promise<void> {
    if (this.tree && Date.now() - this.checkedAt < CHECK_EVERY_MS) return;
    this.loading ??= this.load().finally(() => (this.loading = null));
    // The first answer waits for the tree; later ones use the tree in hand while its version is checked in the background.
    if (!this.tree) await this.loading;
    else this.loading.catch((error: Error) => this.logger.warn(`Geography map not refreshed: ${error.message}`));
  }

  private async load(force = false): Promise<void> {
    // Bumped by a trigger on every statement that changes units or links (see the geography-version migration).
    const [{ version }] = (await this.dataSource.query(`SELECT version::text AS version FROM geography_version WHERE id = 1`)) as { version: string }[];
    this.checkedAt = Date.now();
    if (this.tree && version === this.version && !force) return;
    const units = (await this.dataSource.query(`SELECT id, parent_id AS "parentId", kind, valid_from::text AS "validFrom", valid_to::text AS "validTo" FROM admin_unit`)) as MapUnit[];
    const links = ((await this.dataSource.query(`SELECT from_unit_id, to_unit_id, fraction::float8 AS fraction FROM reorganisation_link WHERE to_unit_id IS NOT NULL`)) as {
      from_unit_id: string;
      to_unit_id: string;
      fraction: number;
    }[]).map((l) => ({ fromId: l.from_unit_id, toId: l.to_unit_id, fraction: l.fraction }));
    const boundaries = [...new Set(units.flatMap((u) => [u.validFrom, u.validTo ? addDays(u.validTo, 1) : null]).filter((d): d is string => !!d))].sort();
    this.tree = { units, links, boundaries, weights: await this.predecessorWeights() };
    this.version = version;
    this.maps.clear();
  }

  /**
   * Households of every unit that went into another (the latest count of each residential group or commune of its
   * own subtree): the weights that share a new unit back among its predecessors.
   */
  private async predecessorWeights(): Promise<Map<string, number>> {
    const rows = (await this.dataSource.query(
      `SELECT f.id, sum(c.households)::float8 AS households
         FROM (SELECT DISTINCT from_unit_id AS id FROM reorganisation_link) l JOIN admin_unit f ON f.id = l.id
         JOIN admin_unit u ON u.path ~>=~ f.path AND u.path ~<~ (f.path || '~')
         JOIN LATERAL (SELECT households FROM household_count hc WHERE hc.unit_id = u.id ORDER BY hc.as_of DESC LIMIT 1) c ON true
        WHERE NOT EXISTS (SELECT 1 FROM household_count p WHERE p.unit_id = u.parent_id AND u.id <> f.id)
        GROUP BY f.id`,
    )) as { id: string; households: number }[];
    return new Map(rows.filter((r) => r.households > 0).map((r) => [r.id, r.households]));
  }
}
