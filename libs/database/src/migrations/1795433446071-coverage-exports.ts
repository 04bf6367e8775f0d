import { MigrationInterface, QueryRunner } from 'typeorm';

export class CoverageExports1795433446071 implements MigrationInterface {
  name = 'CoverageExports1795433446071';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "coverage_export" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "requested_by" uuid, "scope" jsonb NOT NULL, "query" jsonb NOT NULL, "format" text NOT NULL, "language" text NOT NULL, "status" text NOT NULL DEFAULT 'queued', "filename" text, "content_type" text, "content" bytea, "rows" integer, "failure" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "ready_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_78cd15c705f724a3f9ddc5caedc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "coverage_export_created_idx" ON "coverage_export"  ("created_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."coverage_export_created_idx"`);
    await queryRunner.query(`DROP TABLE "coverage_export"`);
  }
}
