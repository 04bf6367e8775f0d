import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { all } from '@cdtg/database';
import { DataScope } from './data-scope';

/** Where an object lives, for access checks: its unit, and its group when it belongs to one. */
export interface Anchor {
  unitId: string | null;
  groupId?: string | null;
}

/** Checks single objects against a scope, with the same definition `scopeFilter` applies to lists. */
@Injectable()
export class AccessService {
  constructor(private readonly dataSource: DataSource) {}

  /** True when every anchor is in scope. */
  async covers(scope: DataScope, anchors: Anchor[]): Promise<boolean> {
    if (anchors.length === 0) return scope.all;
    return (await this.inScope(scope, anchors)).every(Boolean);
  }

  /** For each anchor, whether it is in scope: in a granted group, or on a unit under a granted unit. One query. */
  async inScope(scope: DataScope, anchors: Anchor[]): Promise<boolean[]> {
    if (scope.all) return anchors.map(() => true);
    const groups = new Set(scope.groupIds);
    const unitIds = [...new Set(anchors.filter((a) => a.unitId && !(a.groupId && groups.has(a.groupId))).map((a) => a.unitId!))];
    const covered = new Set<string>();
    if (unitIds.length && scope.unitPaths.length) {
      // A unit is covered when it, or a unit its territory went into (forward through reorganisations), lies under a granted path.
      const rows = await all(this.dataSource, sql<{ id: string }>`SELECT id FROM geography_units_covered(${unitIds}::uuid[], ${[...scope.unitPaths]}::text[])`);
      for (const r of rows) covered.add(r.id);
    }
    return anchors.map((a) => (!!a.groupId && groups.has(a.groupId)) || (!!a.unitId && covered.has(a.unitId)));
  }
}
