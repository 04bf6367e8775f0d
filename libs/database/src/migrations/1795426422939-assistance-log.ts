import { MigrationInterface, QueryRunner } from 'typeorm';

export class AssistanceLog1795426422939 implements MigrationInterface {
  name = 'AssistanceLog1795426422939';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "household" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "masked_label" text NOT NULL, "first_unit_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_26e9111eab2b8908fefe3c645f5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "household_key" ("hash" text NOT NULL, "household_id" uuid NOT NULL, "key_version" integer NOT NULL, CONSTRAINT "PK_dbb47a0882842eaf73e5785a37b" PRIMARY KEY ("hash"))`,
    );
    await queryRunner.query(`CREATE INDEX "household_key_household_idx" ON "household_key"  ("household_id") `);
    await queryRunner.query(
      `CREATE TABLE "assist_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "client_id" text NOT NULL, "group_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "household_id" uuid NOT NULL, "services" jsonb NOT NULL, "volunteer_ids" uuid array NOT NULL, "session_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "occurred_on" date NOT NULL, "note" text, "status" text NOT NULL DEFAULT 'valid', "void_reason" text, "verified_at" TIMESTAMP WITH TIME ZONE, "verified_by" uuid, "version" integer NOT NULL DEFAULT '1', "submitted_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "assist_entry_void_check" CHECK ((status = 'voided') = (void_reason IS NOT NULL)), CONSTRAINT "PK_4b299531b3b2f8b1bbc5ab92ea2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "assist_entry_group_idx" ON "assist_entry"  ("group_id", "occurred_at") `);
    await queryRunner.query(`CREATE INDEX "assist_entry_unit_day_idx" ON "assist_entry"  ("unit_id", "occurred_on") `);
    await queryRunner.query(`CREATE INDEX "assist_entry_household_idx" ON "assist_entry"  ("household_id", "occurred_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "assist_entry_client_id_unique" ON "assist_entry"  ("client_id") `);
    await queryRunner.query(
      `CREATE TABLE "household_count" ("unit_id" uuid NOT NULL, "as_of" date NOT NULL, "households" integer NOT NULL, "updated_by" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "household_count_positive" CHECK (households >= 0), CONSTRAINT "PK_7e71633df38259230bc69c876f7" PRIMARY KEY ("unit_id", "as_of"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "household_key" ADD CONSTRAINT "FK_c67bf605f3091da8d1651f7ba4b" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assist_entry" ADD CONSTRAINT "FK_5b4e17ae3ba1b6a18bed11244f6" FOREIGN KEY ("group_id") REFERENCES "volunteer_group"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assist_entry" ADD CONSTRAINT "FK_c68174a6f148e9a90a911442f5a" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "assist_entry" ADD CONSTRAINT "FK_da76d914512dcac9f1282a50611" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "household_count" ADD CONSTRAINT "FK_65cd64f9bfcc96c63e6d2310654" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "household_count" DROP CONSTRAINT "FK_65cd64f9bfcc96c63e6d2310654"`);
    await queryRunner.query(`ALTER TABLE "assist_entry" DROP CONSTRAINT "FK_da76d914512dcac9f1282a50611"`);
    await queryRunner.query(`ALTER TABLE "assist_entry" DROP CONSTRAINT "FK_c68174a6f148e9a90a911442f5a"`);
    await queryRunner.query(`ALTER TABLE "assist_entry" DROP CONSTRAINT "FK_5b4e17ae3ba1b6a18bed11244f6"`);
    await queryRunner.query(`ALTER TABLE "household_key" DROP CONSTRAINT "FK_c67bf605f3091da8d1651f7ba4b"`);
    await queryRunner.query(`DROP TABLE "household_count"`);
    await queryRunner.query(`DROP INDEX "public"."assist_entry_client_id_unique"`);
    await queryRunner.query(`DROP INDEX "public"."assist_entry_household_idx"`);
    await queryRunner.query(`DROP INDEX "public"."assist_entry_unit_day_idx"`);
    await queryRunner.query(`DROP INDEX "public"."assist_entry_group_idx"`);
    await queryRunner.query(`DROP TABLE "assist_entry"`);
    await queryRunner.query(`DROP INDEX "public"."household_key_household_idx"`);
    await queryRunner.query(`DROP TABLE "household_key"`);
    await queryRunner.query(`DROP TABLE "household"`);
  }
}
