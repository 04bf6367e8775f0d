import { EntityManager } from 'typeorm';

/**
 * The lineage root of each unit: the earliest version of the same place. A unit continues another when a
 * reorganisation carried the whole of it, and nothing else, into it as a unit of the same kind (a re-parented
 * residential group, a renamed commune, a code changed): one link out of the old unit, one link into the new one,
 * share full. Merges and splits start a new place. Roots never change when later reorganisations are added (they
 * only extend lineages forward), so a household keyed by its place stays one household across reforms.
 */
export async function lineageRoots(manager: EntityManager, unitIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(unitIds)];
  if (!ids.length) return new Map();
  const rows = (await manager.query(
    `WITH RECURSIVE walk(origin, id, depth) AS (
       SELECT u, u, 0 FROM unnest($1::uuid[]) AS u
       UNION ALL
       SELECT w.origin, l.from_unit_id, w.depth + 1
         FROM walk w
         JOIN reorganisation_link l ON l.to_unit_id = w.id AND l.share = 'full'
         JOIN admin_unit f ON f.id = l.from_unit_id
         JOIN admin_unit t ON t.id = l.to_unit_id AND t.kind = f.kind
        WHERE w.depth < 30
          AND NOT EXISTS (SELECT 1 FROM reorganisation_link o WHERE o.to_unit_id = l.to_unit_id AND o.id <> l.id)
          AND NOT EXISTS (SELECT 1 FROM reorganisation_link o WHERE o.from_unit_id = l.from_unit_id AND o.id <> l.id)
     )
     SELECT DISTINCT ON (origin) origin, id AS root FROM walk ORDER BY origin, depth DESC`,
    [ids],
  )) as { origin: string; root: string }[];
  return new Map(rows.map((r) => [r.origin, r.root]));
}
