import { MigrationInterface, QueryRunner } from 'typeorm';

/** Targets (chỉ tiêu) per unit, measure and period (issue 21): a percentage or a count, set by the department. */
export class Targets1796800000000 implements MigrationInterface {
  name = 'Targets1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "coverage_target" ("unit_id" uuid NOT NULL, "measure" text NOT NULL, "grain" text NOT NULL, "period_start" date NOT NULL, "kind" text NOT NULL, "value" numeric(14,3) NOT NULL, "updated_by" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1935decb4697605e62a85006305" PRIMARY KEY ("unit_id", "measure", "grain", "period_start"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "coverage_target"`);
  }
}
