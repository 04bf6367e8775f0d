import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each unit's place, fixed once (households are keyed by it); the households still to be placed, indexed. */
export class UnitLineage1796487260159 implements MigrationInterface {
  name = 'UnitLineage1796487260159';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "unit_lineage" ("unit_id" uuid NOT NULL, "root_id" uuid NOT NULL, CONSTRAINT "PK_a6e852d8a1a74c6c660d178ce1c" PRIMARY KEY ("unit_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "household_unplaced_idx" ON "household"  ("id") WHERE kind = 'address' AND place_id IS NULL`);
    await queryRunner.query(
      `ALTER TABLE "unit_lineage" ADD CONSTRAINT "FK_a6e852d8a1a74c6c660d178ce1c" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "unit_lineage" ADD CONSTRAINT "FK_2470f11cca76580e4d6c1720eb0" FOREIGN KEY ("root_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "unit_lineage" DROP CONSTRAINT "FK_2470f11cca76580e4d6c1720eb0"`);
    await queryRunner.query(`ALTER TABLE "unit_lineage" DROP CONSTRAINT "FK_a6e852d8a1a74c6c660d178ce1c"`);
    await queryRunner.query(`DROP INDEX "public"."household_unplaced_idx"`);
    await queryRunner.query(`DROP TABLE "unit_lineage"`);
  }
}
