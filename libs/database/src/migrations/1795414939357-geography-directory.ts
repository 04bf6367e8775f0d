import { MigrationInterface, QueryRunner } from 'typeorm';

export class GeographyDirectory1795414939357 implements MigrationInterface {
  name = 'GeographyDirectory1795414939357';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Written by hand: extensions for the code+period exclusion constraint and for trigram search.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE TABLE "audit_event" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "actor_label" text NOT NULL, "operation" text NOT NULL, "object_type" text NOT NULL, "object_id" text NOT NULL, "before" jsonb, "after" jsonb, CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "audit_event_at_idx" ON "audit_event"  ("at") `);
    await queryRunner.query(`CREATE INDEX "audit_event_object_idx" ON "audit_event"  ("object_type", "object_id", "at") `);
    await queryRunner.query(
      `CREATE TABLE "member" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "full_name" text NOT NULL, "name_search" text NOT NULL, "phone" text NOT NULL, "email" text, "gender" text, "birth_year" integer, "affiliation" text NOT NULL DEFAULT 'other', "skills" text array NOT NULL DEFAULT '{}', "joined_on" date NOT NULL, "left_on" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_97cbbe986ce9d14ca5894fdc072" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "member_active_phone_unique" ON "member"  ("phone") WHERE left_on IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "admin_unit" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "type_word" text NOT NULL, "kind" text NOT NULL, "parent_id" uuid, "path" text NOT NULL, "depth" integer NOT NULL, "valid_from" date, "valid_to" date, "synthetic" boolean NOT NULL DEFAULT false, CONSTRAINT "admin_unit_code_period_excl" EXCLUDE USING gist ("code" WITH =, daterange(COALESCE("valid_from", '-infinity'::date), COALESCE("valid_to", 'infinity'::date), '[]') WITH &&), CONSTRAINT "PK_765c4dfb350366112310f959dbc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "admin_unit_code_idx" ON "admin_unit"  ("code") `);
    await queryRunner.query(`CREATE INDEX "admin_unit_parent_idx" ON "admin_unit"  ("parent_id") `);
    await queryRunner.query(
      `CREATE TABLE "reorganisation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "effective_date" date NOT NULL, "kind" text NOT NULL, "decision" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_83eb2d0adcde33c62e242949f50" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "reorganisation_date_idx" ON "reorganisation"  ("effective_date") `);
    await queryRunner.query(
      `CREATE TABLE "reorganisation_link" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reorganisation_id" uuid NOT NULL, "from_unit_id" uuid NOT NULL, "to_unit_id" uuid, "share" text NOT NULL, "fraction" numeric(6,5) NOT NULL, "fraction_estimated" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_58e648f971d6b98fe3aff4b7321" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "reorganisation_link_unique" ON "reorganisation_link"  ("reorganisation_id", "from_unit_id", "to_unit_id") `);
    await queryRunner.query(`CREATE INDEX "reorganisation_link_to_idx" ON "reorganisation_link"  ("to_unit_id") `);
    await queryRunner.query(`CREATE INDEX "reorganisation_link_from_idx" ON "reorganisation_link"  ("from_unit_id") `);
    await queryRunner.query(
      `CREATE TABLE "volunteer_group" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "name_search" text NOT NULL, "unit_id" uuid NOT NULL, "decision_number" text, "decision_date" date, "status" text NOT NULL DEFAULT 'active', "dissolved_on" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_92fadf1aaeac1074ac591ba5d56" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "volunteer_group_unit_idx" ON "volunteer_group"  ("unit_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "volunteer_group_natural_key" ON "volunteer_group"  ("unit_id", "name_search") `);
    await queryRunner.query(
      `CREATE TABLE "membership" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "group_id" uuid NOT NULL, "member_id" uuid NOT NULL, "role" text NOT NULL, "from_date" date NOT NULL, "to_date" date, CONSTRAINT "PK_83c1afebef3059472e7c37e8de8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "membership_group_idx" ON "membership"  ("group_id", "to_date") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "membership_current_unique" ON "membership"  ("member_id") WHERE to_date IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "skill" ("code" text NOT NULL, "name_vi" text NOT NULL, "name_en" text NOT NULL, "active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_76f3690168057e3c1bd3da8a4e4" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "admin_unit" ADD CONSTRAINT "FK_935d81d6d54dde998988d6eef39" FOREIGN KEY ("parent_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "reorganisation_link" ADD CONSTRAINT "FK_604e214d1091d7669c410863373" FOREIGN KEY ("reorganisation_id") REFERENCES "reorganisation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "reorganisation_link" ADD CONSTRAINT "FK_3722ce46cf474e93588631dd020" FOREIGN KEY ("from_unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "reorganisation_link" ADD CONSTRAINT "FK_a388e884a64bd270bd52dcdc930" FOREIGN KEY ("to_unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "volunteer_group" ADD CONSTRAINT "FK_aa829f2e088f032a0fe99372b58" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "membership" ADD CONSTRAINT "FK_d7b446f7f7f75e661fce14a25f0" FOREIGN KEY ("group_id") REFERENCES "volunteer_group"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "membership" ADD CONSTRAINT "FK_f2a84d9c3e2bc7890c08500042b" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Written by hand (indexes TypeORM cannot describe; entities mark them synchronize: false):
    // subtree = prefix range scan on the materialised path; diacritic-insensitive search = trigram index on folded names.
    await queryRunner.query(`CREATE INDEX "admin_unit_path_idx" ON "admin_unit" ("path" text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX "volunteer_group_name_trgm" ON "volunteer_group" USING gin ("name_search" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "member_name_trgm" ON "member" USING gin ("name_search" gin_trgm_ops)`);
    // The skill catalogue.
    await queryRunner.query(`INSERT INTO "skill" ("code", "name_vi", "name_en") VALUES
      ('vneid', 'Kích hoạt định danh điện tử VNeID', 'VNeID activation'),
      ('public_services', 'Cổng dịch vụ công', 'Public-service portal'),
      ('online_payment', 'Thanh toán không dùng tiền mặt', 'Online payments'),
      ('ecommerce', 'Thương mại điện tử', 'E-commerce'),
      ('online_safety', 'An toàn trên không gian mạng', 'Online safety'),
      ('ehealth', 'Sổ sức khỏe điện tử', 'E-health records'),
      ('digital_literacy', 'Bình dân học vụ số', 'Digital literacy')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."member_name_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."volunteer_group_name_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."admin_unit_path_idx"`);
    await queryRunner.query(`ALTER TABLE "membership" DROP CONSTRAINT "FK_f2a84d9c3e2bc7890c08500042b"`);
    await queryRunner.query(`ALTER TABLE "membership" DROP CONSTRAINT "FK_d7b446f7f7f75e661fce14a25f0"`);
    await queryRunner.query(`ALTER TABLE "volunteer_group" DROP CONSTRAINT "FK_aa829f2e088f032a0fe99372b58"`);
    await queryRunner.query(`ALTER TABLE "reorganisation_link" DROP CONSTRAINT "FK_a388e884a64bd270bd52dcdc930"`);
    await queryRunner.query(`ALTER TABLE "reorganisation_link" DROP CONSTRAINT "FK_3722ce46cf474e93588631dd020"`);
    await queryRunner.query(`ALTER TABLE "reorganisation_link" DROP CONSTRAINT "FK_604e214d1091d7669c410863373"`);
    await queryRunner.query(`ALTER TABLE "admin_unit" DROP CONSTRAINT "FK_935d81d6d54dde998988d6eef39"`);
    await queryRunner.query(`DROP TABLE "skill"`);
    await queryRunner.query(`DROP INDEX "public"."membership_current_unique"`);
    await queryRunner.query(`DROP INDEX "public"."membership_group_idx"`);
    await queryRunner.query(`DROP TABLE "membership"`);
    await queryRunner.query(`DROP INDEX "public"."volunteer_group_natural_key"`);
    await queryRunner.query(`DROP INDEX "public"."volunteer_group_unit_idx"`);
    await queryRunner.query(`DROP TABLE "volunteer_group"`);
    await queryRunner.query(`DROP INDEX "public"."reorganisation_link_from_idx"`);
    await queryRunner.query(`DROP INDEX "public"."reorganisation_link_to_idx"`);
    await queryRunner.query(`DROP INDEX "public"."reorganisation_link_unique"`);
    await queryRunner.query(`DROP TABLE "reorganisation_link"`);
    await queryRunner.query(`DROP INDEX "public"."reorganisation_date_idx"`);
    await queryRunner.query(`DROP TABLE "reorganisation"`);
    await queryRunner.query(`DROP INDEX "public"."admin_unit_parent_idx"`);
    await queryRunner.query(`DROP INDEX "public"."admin_unit_code_idx"`);
    await queryRunner.query(`DROP TABLE "admin_unit"`);
    await queryRunner.query(`DROP INDEX "public"."member_active_phone_unique"`);
    await queryRunner.query(`DROP TABLE "member"`);
    await queryRunner.query(`DROP INDEX "public"."audit_event_object_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_event_at_idx"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
  }
}
