import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A counter bumped by every statement that changes administrative units or reorganisation links: the geography maps
 * in memory check it (a primary-key read) instead of hashing the whole tree every few seconds.
 */
export class GeographyVersion1795447000000 implements MigrationInterface {
  name = 'GeographyVersion1795447000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "geography_version" ("id" smallint PRIMARY KEY DEFAULT 1, "version" bigint NOT NULL DEFAULT 0)`);
    await queryRunner.query(`INSERT INTO "geography_version" ("id", "version") VALUES (1, 0)`);
    await queryRunner.query(
      `CREATE FUNCTION bump_geography_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE geography_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$`,
    );
    for (const table of ['admin_unit', 'reorganisation_link']) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_geography_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION bump_geography_version()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['admin_unit', 'reorganisation_link']) await queryRunner.query(`DROP TRIGGER "${table}_geography_version" ON "${table}"`);
    await queryRunner.query(`DROP FUNCTION bump_geography_version()`);
    await queryRunner.query(`DROP TABLE "geography_version"`);
  }
}
