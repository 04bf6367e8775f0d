import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Geography's read port for the libs below it (access): two SQL functions over the unit tree and its reorganisations,
 * so that no other lib names admin_unit or reorganisation_link. Both are single SELECTs in LANGUAGE sql, STABLE and not
 * STRICT, so PostgreSQL inlines them into the calling query and plans them as before (path index, link indexes).
 */
export class GeographyReadFunctions1796600000000 implements MigrationInterface {
  name = 'GeographyReadFunctions1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Every unit under one of the paths (any period), plus every earlier unit whose territory went into one of them.
    await queryRunner.query(`CREATE FUNCTION geography_units_under(paths text[]) RETURNS TABLE (id uuid) LANGUAGE sql STABLE PARALLEL SAFE AS $$
      WITH RECURSIVE under(id) AS (
        SELECT a.id FROM unnest(paths) AS s(prefix) JOIN admin_unit a ON a.path ~>=~ s.prefix AND a.path ~<~ (s.prefix || '~')
        UNION
        SELECT l.from_unit_id FROM reorganisation_link l JOIN under x ON l.to_unit_id = x.id
      )
      SELECT under.id FROM under
    $$`);
    // Which of the units lie under one of the paths, themselves or through the units their territory went to.
    await queryRunner.query(`CREATE FUNCTION geography_units_covered(unit_ids uuid[], paths text[]) RETURNS TABLE (id uuid) LANGUAGE sql STABLE PARALLEL SAFE AS $$
      WITH RECURSIVE fwd(origin, id, depth) AS (
        SELECT u, u, 0 FROM unnest(unit_ids) AS u
        UNION
        SELECT f.origin, l.to_unit_id, f.depth + 1 FROM fwd f JOIN reorganisation_link l ON l.from_unit_id = f.id
         WHERE l.to_unit_id IS NOT NULL AND f.depth < 20
      )
      SELECT DISTINCT f.origin FROM fwd f JOIN admin_unit a ON a.id = f.id
        JOIN unnest(paths) AS s(prefix) ON a.path ~>=~ s.prefix AND a.path ~<~ (s.prefix || '~')
    $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION geography_units_covered(uuid[], text[])`);
    await queryRunner.query(`DROP FUNCTION geography_units_under(text[])`);
  }
}
