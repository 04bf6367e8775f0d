import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Household counts are part of the tree in memory (the denominators of coverage and the weights of back-mapping):
 * a change of them bumps the same version counter as a change of units or links.
 */
export class HouseholdCountVersion1795500000000 implements MigrationInterface {
  name = 'HouseholdCountVersion1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TRIGGER "household_count_geography_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "household_count" FOR EACH STATEMENT EXECUTE FUNCTION bump_geography_version()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "household_count_geography_version" ON "household_count"`);
  }
}
