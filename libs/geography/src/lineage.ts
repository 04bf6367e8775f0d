import { EntityManager } from 'typeorm';

/**
 * The lineage root of each unit: the earliest version of the same place. A unit continues another when a
 * reorganisation carried the whole of it, and nothing else, into it as a unit of the same kind (a re-parented
 * residential group, a renamed commune, a code changed): one link out of the old unit, one link into the new one,
 * share full. Merges and splits start a new place.
 *
 * A root is worked out the first time a unit is asked about and then kept (unit_lineage), and the walk back stops at
 * the first unit whose root is kept: households are keyed by their place, so a place must not move when links are
 * corrected or added afterwards (a correction that turns a split into a continuation leaves the places already given
 * as they were; the units asked about for the first time after it follow the corrected links).
 */
export async function lineageRoots(manager: EntityManager, unitIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(unitIds)];
  if (!ids.length) return new Map();
  const rows = (await manager.query(
    `WITH RECURSIVE walk(origin, id, depth, kept) AS (
       SELECT u, u, 0, (SELECT root_id FROM unit_lineage WHERE unit_id = u) FROM unnest($1::uuid[]) AS u
       UNION ALL
       SELECT w.origin, l.from_unit_id, w.depth + 1, (SELECT root_id FROM unit_lineage WHERE unit_id = l.from_unit_id)
         FROM walk w
         JOIN reorganisation_link l ON l.to_unit_id = w.id AND l.share = 'full'
         JOIN admin_unit f ON f.id = l.from_unit_id
         JOIN admin_unit t ON t.id = l.to_unit_id AND t.kind = f.kind
        WHERE w.kept IS NULL AND w.depth < 30
          AND NOT EXISTS (SELECT 1 FROM reorganisation_link o WHERE o.to_unit_id = l.to_unit_id AND o.id <> l.id)
          AND NOT EXISTS (SELECT 1 FROM reorganisation_link o WHERE o.from_unit_id = l.from_unit_id AND o.id <> l.id)
     )
     SELECT DISTINCT ON (origin) origin, COALESCE(kept, id) AS root, depth = 0 AND kept IS NOT NULL AS known
       FROM walk ORDER BY origin, depth DESC`,
    [ids],
  )) as { origin: string; root: string; known: boolean }[];
  const fresh = rows.filter((r) => !r.known);
  if (fresh.length) {
    // Kept from now on; of two transactions fixing the same unit at once, the first one's root stands.
    await manager.query(
      `INSERT INTO unit_lineage (unit_id, root_id) SELECT x.unit, x.root FROM jsonb_to_recordset($1::jsonb) AS x(unit uuid, root uuid) ORDER BY x.unit ON CONFLICT (unit_id) DO NOTHING`,
      [JSON.stringify(fresh.map((r) => ({ unit: r.origin, root: r.root })))],
    );
    const kept = (await manager.query(`SELECT unit_id, root_id FROM unit_lineage WHERE unit_id = ANY($1::uuid[])`, [fresh.map((r) => r.origin)])) as {
      unit_id: string;
      root_id: string;
    }[];
    for (const k of kept) {
      const row = rows.find((r) => r.origin === k.unit_id);
      if (row) row.root = k.root_id;
    }
  }
  return new Map(rows.map((r) => [r.origin, r.root]));
}
