import { MigrationInterface, QueryRunner } from 'typeorm';

/** Address households are keyed by their place too (the lineage root of their unit); see HouseholdRekeyService. */
export class HouseholdPlace1796476259439 implements MigrationInterface {
  name = 'HouseholdPlace1796476259439';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "household" ADD "place_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "household" ADD CONSTRAINT "FK_ed5f53ede9e56da1a7447bba694" FOREIGN KEY ("place_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Synthetic households (demo city, benchmark data: keys no identifier can produce) are placed where they were made.
    // Real ones are placed at start-up, where the household secrets are known (HouseholdRekeyService).
    await queryRunner.query(`UPDATE "household" h SET "place_id" = h."first_unit_id"
       WHERE h."kind" = 'address' AND NOT EXISTS (SELECT 1 FROM "household_key" k WHERE k."household_id" = h."id" AND k."hash" NOT LIKE '0.demo-%' AND k."hash" NOT LIKE '0.bench-%')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "household" DROP CONSTRAINT "FK_ed5f53ede9e56da1a7447bba694"`);
    await queryRunner.query(`ALTER TABLE "household" DROP COLUMN "place_id"`);
  }
}
