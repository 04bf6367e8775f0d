import { MigrationInterface, QueryRunner } from 'typeorm';

export class Rollups1795432687637 implements MigrationInterface {
  name = 'Rollups1795432687637';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rollup_entry_fact" ("entry_id" uuid NOT NULL, "household_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "day" date NOT NULL, "a_flags" smallint NOT NULL, "v_flags" smallint NOT NULL, "done_bits" smallint NOT NULL, "follow_up_bits" smallint NOT NULL, "a_net" smallint NOT NULL, "v_net" smallint NOT NULL, CONSTRAINT "PK_cd2bdd2066f5c05208668dfccd9" PRIMARY KEY ("entry_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "rollup_entry_fact_unit_day_idx" ON "rollup_entry_fact"  ("unit_id", "day") `);
    await queryRunner.query(`CREATE INDEX "rollup_entry_fact_household_idx" ON "rollup_entry_fact"  ("household_id") `);
    await queryRunner.query(
      `CREATE TABLE "rollup_volunteer_fact" ("member_id" uuid NOT NULL, "day" date NOT NULL, "unit_id" uuid NOT NULL, "flags" smallint NOT NULL, CONSTRAINT "PK_1ed75cfb8620ec0563d0fdc057e" PRIMARY KEY ("member_id", "day"))`,
    );
    await queryRunner.query(`CREATE INDEX "rollup_volunteer_fact_unit_day_idx" ON "rollup_volunteer_fact"  ("unit_id", "day") `);
    await queryRunner.query(
      `CREATE TABLE "rollup_session_fact" ("session_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "day" date NOT NULL, "participants" integer NOT NULL, "trained" integer array NOT NULL, CONSTRAINT "PK_baf4d1f36906afa80d18008a2f3" PRIMARY KEY ("session_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "rollup_session_fact_unit_day_idx" ON "rollup_session_fact"  ("unit_id", "day") `);
    await queryRunner.query(
      `CREATE TABLE "rollup_cell" ("unit_id" uuid NOT NULL, "grain" character(1) NOT NULL, "bucket" date NOT NULL, "basis" smallint NOT NULL, "households" integer NOT NULL DEFAULT '0', "households_ever" integer NOT NULL DEFAULT '0', "entries" integer NOT NULL DEFAULT '0', "entries_verified" integer NOT NULL DEFAULT '0', "done_vneid_account" integer NOT NULL DEFAULT '0', "follow_up_vneid_account" integer NOT NULL DEFAULT '0', "done_vneid_level2" integer NOT NULL DEFAULT '0', "follow_up_vneid_level2" integer NOT NULL DEFAULT '0', "done_portal_account" integer NOT NULL DEFAULT '0', "follow_up_portal_account" integer NOT NULL DEFAULT '0', "done_online_application" integer NOT NULL DEFAULT '0', "follow_up_online_application" integer NOT NULL DEFAULT '0', "done_cashless_payment" integer NOT NULL DEFAULT '0', "follow_up_cashless_payment" integer NOT NULL DEFAULT '0', "done_ehealth_record" integer NOT NULL DEFAULT '0', "follow_up_ehealth_record" integer NOT NULL DEFAULT '0', "done_other" integer NOT NULL DEFAULT '0', "follow_up_other" integer NOT NULL DEFAULT '0', "follow_ups_net" integer NOT NULL DEFAULT '0', "volunteers" integer NOT NULL DEFAULT '0', "volunteers_ever" integer NOT NULL DEFAULT '0', "sessions_held" integer NOT NULL DEFAULT '0', "participants" integer NOT NULL DEFAULT '0', "trained_female_under_35" integer NOT NULL DEFAULT '0', "trained_female_35_59" integer NOT NULL DEFAULT '0', "trained_female_60_plus" integer NOT NULL DEFAULT '0', "trained_male_under_35" integer NOT NULL DEFAULT '0', "trained_male_35_59" integer NOT NULL DEFAULT '0', "trained_male_60_plus" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_4613c15503e098e49c57e01fc30" PRIMARY KEY ("unit_id", "grain", "bucket", "basis"))`,
    );
    // Entries a member helped with (volunteer activity for the rollups); not expressible in an entity decorator.
    await queryRunner.query(`CREATE INDEX "assist_entry_volunteers_gin" ON "assist_entry" USING gin ("volunteer_ids")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."assist_entry_volunteers_gin"`);
    await queryRunner.query(`DROP TABLE "rollup_cell"`);
    await queryRunner.query(`DROP INDEX "public"."rollup_session_fact_unit_day_idx"`);
    await queryRunner.query(`DROP TABLE "rollup_session_fact"`);
    await queryRunner.query(`DROP INDEX "public"."rollup_volunteer_fact_unit_day_idx"`);
    await queryRunner.query(`DROP TABLE "rollup_volunteer_fact"`);
    await queryRunner.query(`DROP INDEX "public"."rollup_entry_fact_household_idx"`);
    await queryRunner.query(`DROP INDEX "public"."rollup_entry_fact_unit_day_idx"`);
    await queryRunner.query(`DROP TABLE "rollup_entry_fact"`);
  }
}
