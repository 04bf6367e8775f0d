import { MigrationInterface, QueryRunner } from 'typeorm';

export class MappedCells1795446393126 implements MigrationInterface {
  name = 'MappedCells1795446393126';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rollup_mapped_cell" ("unit_id" uuid NOT NULL, "grain" character(1) NOT NULL, "bucket" date NOT NULL, "basis" smallint NOT NULL, "split" boolean NOT NULL, "households" numeric NOT NULL DEFAULT '0', "households_ever" numeric NOT NULL DEFAULT '0', "entries" numeric NOT NULL DEFAULT '0', "entries_verified" numeric NOT NULL DEFAULT '0', "done_vneid_account" numeric NOT NULL DEFAULT '0', "follow_up_vneid_account" numeric NOT NULL DEFAULT '0', "done_vneid_level2" numeric NOT NULL DEFAULT '0', "follow_up_vneid_level2" numeric NOT NULL DEFAULT '0', "done_portal_account" numeric NOT NULL DEFAULT '0', "follow_up_portal_account" numeric NOT NULL DEFAULT '0', "done_online_application" numeric NOT NULL DEFAULT '0', "follow_up_online_application" numeric NOT NULL DEFAULT '0', "done_cashless_payment" numeric NOT NULL DEFAULT '0', "follow_up_cashless_payment" numeric NOT NULL DEFAULT '0', "done_ehealth_record" numeric NOT NULL DEFAULT '0', "follow_up_ehealth_record" numeric NOT NULL DEFAULT '0', "done_other" numeric NOT NULL DEFAULT '0', "follow_up_other" numeric NOT NULL DEFAULT '0', "follow_ups_net" numeric NOT NULL DEFAULT '0', "volunteers" numeric NOT NULL DEFAULT '0', "volunteers_ever" numeric NOT NULL DEFAULT '0', "sessions_held" numeric NOT NULL DEFAULT '0', "participants" numeric NOT NULL DEFAULT '0', "trained_female_under_35" numeric NOT NULL DEFAULT '0', "trained_female_35_59" numeric NOT NULL DEFAULT '0', "trained_female_60_plus" numeric NOT NULL DEFAULT '0', "trained_male_under_35" numeric NOT NULL DEFAULT '0', "trained_male_35_59" numeric NOT NULL DEFAULT '0', "trained_male_60_plus" numeric NOT NULL DEFAULT '0', CONSTRAINT "PK_185efa4542ad50ee9d3c0651bcd" PRIMARY KEY ("unit_id", "grain", "bucket", "basis", "split"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "rollup_geography" ("id" smallint NOT NULL DEFAULT '1', "day" date NOT NULL, "signature" text NOT NULL, "stale" boolean NOT NULL DEFAULT false, "built_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4c50c51f799fca9a915928f7f87" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rollup_geography"`);
    await queryRunner.query(`DROP TABLE "rollup_mapped_cell"`);
  }
}
