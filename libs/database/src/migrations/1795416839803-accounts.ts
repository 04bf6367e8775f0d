import { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1795416839803 implements MigrationInterface {
  name = 'Accounts1795416839803';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "user_account" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "name_search" text NOT NULL, "password_hash" text, "language" text NOT NULL DEFAULT 'vi', "status" text NOT NULL DEFAULT 'invited', "member_id" uuid, "last_sign_in_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6acfec7285fdf9f463462de3e9f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "user_account_member_unique" ON "user_account"  ("member_id") WHERE member_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "user_account_email_unique" ON "user_account"  ("email") `);
    await queryRunner.query(`CREATE TABLE "role_grant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "role" text NOT NULL, "unit_id" uuid, "group_id" uuid, "granted_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, CONSTRAINT "role_grant_scope_check" CHECK ((role = 'ADMIN' AND unit_id IS NULL AND group_id IS NULL)
  OR (role IN ('DEPARTMENT', 'WARD_OFFICER') AND unit_id IS NOT NULL AND group_id IS NULL)
  OR (role IN ('GROUP_LEAD', 'VOLUNTEER') AND group_id IS NOT NULL AND unit_id IS NULL)), CONSTRAINT "PK_b9e50aafa723c536731c38529fb" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "role_grant_group_idx" ON "role_grant"  ("group_id") WHERE revoked_at IS NULL`);
    await queryRunner.query(`CREATE INDEX "role_grant_unit_idx" ON "role_grant"  ("unit_id") WHERE revoked_at IS NULL`);
    await queryRunner.query(`CREATE INDEX "role_grant_user_idx" ON "role_grant"  ("user_id") WHERE revoked_at IS NULL`);
    // Hand-written: one active grant per user, role and scope (NULL scopes count as equal).
    await queryRunner.query(
      `CREATE UNIQUE INDEX "role_grant_active_unique" ON "role_grant" ("user_id", "role", "unit_id", "group_id") NULLS NOT DISTINCT WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "auth_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "method" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, "address" text, "user_agent" text, CONSTRAINT "PK_19354ed146424a728c1112a8cbf" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "auth_session_user_idx" ON "auth_session"  ("user_id") WHERE revoked_at IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "refresh_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "token_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b575dd3c21fb0831013c909e7fe" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "refresh_token_session_idx" ON "refresh_token"  ("session_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "refresh_token_hash_unique" ON "refresh_token"  ("token_hash") `);
    await queryRunner.query(
      `CREATE TABLE "one_time_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" text NOT NULL, "token_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_956e3dd6580e4829e05ab460808" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "one_time_token_user_idx" ON "one_time_token"  ("user_id", "purpose") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "one_time_token_hash_unique" ON "one_time_token"  ("token_hash") `);
    await queryRunner.query(
      `CREATE TABLE "sign_in_attempt" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "email" text, "address" text NOT NULL, "kind" text NOT NULL, "succeeded" boolean NOT NULL, CONSTRAINT "PK_7708f8d7d88593210f3d359f81d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "sign_in_attempt_address_idx" ON "sign_in_attempt"  ("address", "at") `);
    await queryRunner.query(`CREATE INDEX "sign_in_attempt_email_idx" ON "sign_in_attempt"  ("email", "at") `);
    await queryRunner.query(`ALTER TABLE "audit_event" ADD "unit_id" uuid`);
    await queryRunner.query(`ALTER TABLE "audit_event" ADD "group_id" uuid`);
    await queryRunner.query(`ALTER TABLE "directory_import" ADD "scope" jsonb`);
    await queryRunner.query(`CREATE INDEX "audit_event_group_idx" ON "audit_event"  ("group_id", "at") `);
    await queryRunner.query(`CREATE INDEX "audit_event_unit_idx" ON "audit_event"  ("unit_id", "at") `);
    await queryRunner.query(
      `ALTER TABLE "user_account" ADD CONSTRAINT "FK_b82c5890a6945279a098bc8b106" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "role_grant" ADD CONSTRAINT "FK_cbca8b01eca20fa033ef14946b2" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "role_grant" ADD CONSTRAINT "FK_6a78542b3daa7f363bdba13b05b" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "role_grant" ADD CONSTRAINT "FK_0b0bd61caccdd9d6992051ac67c" FOREIGN KEY ("group_id") REFERENCES "volunteer_group"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "auth_session" ADD CONSTRAINT "FK_b8783d517fab10672700a39cb49" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "refresh_token" ADD CONSTRAINT "FK_7643a722ca45fb721be1c63dc0c" FOREIGN KEY ("session_id") REFERENCES "auth_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "one_time_token" ADD CONSTRAINT "FK_8b28059f6bee21e69d42224bbb1" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "one_time_token" DROP CONSTRAINT "FK_8b28059f6bee21e69d42224bbb1"`);
    await queryRunner.query(`ALTER TABLE "refresh_token" DROP CONSTRAINT "FK_7643a722ca45fb721be1c63dc0c"`);
    await queryRunner.query(`ALTER TABLE "auth_session" DROP CONSTRAINT "FK_b8783d517fab10672700a39cb49"`);
    await queryRunner.query(`ALTER TABLE "role_grant" DROP CONSTRAINT "FK_0b0bd61caccdd9d6992051ac67c"`);
    await queryRunner.query(`ALTER TABLE "role_grant" DROP CONSTRAINT "FK_6a78542b3daa7f363bdba13b05b"`);
    await queryRunner.query(`ALTER TABLE "role_grant" DROP CONSTRAINT "FK_cbca8b01eca20fa033ef14946b2"`);
    await queryRunner.query(`ALTER TABLE "user_account" DROP CONSTRAINT "FK_b82c5890a6945279a098bc8b106"`);
    await queryRunner.query(`DROP INDEX "public"."audit_event_unit_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_event_group_idx"`);
    await queryRunner.query(`ALTER TABLE "directory_import" DROP COLUMN "scope"`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "group_id"`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "unit_id"`);
    await queryRunner.query(`DROP INDEX "public"."sign_in_attempt_email_idx"`);
    await queryRunner.query(`DROP INDEX "public"."sign_in_attempt_address_idx"`);
    await queryRunner.query(`DROP TABLE "sign_in_attempt"`);
    await queryRunner.query(`DROP INDEX "public"."one_time_token_hash_unique"`);
    await queryRunner.query(`DROP INDEX "public"."one_time_token_user_idx"`);
    await queryRunner.query(`DROP TABLE "one_time_token"`);
    await queryRunner.query(`DROP INDEX "public"."refresh_token_hash_unique"`);
    await queryRunner.query(`DROP INDEX "public"."refresh_token_session_idx"`);
    await queryRunner.query(`DROP TABLE "refresh_token"`);
    await queryRunner.query(`DROP INDEX "public"."auth_session_user_idx"`);
    await queryRunner.query(`DROP TABLE "auth_session"`);
    await queryRunner.query(`DROP INDEX "public"."role_grant_active_unique"`);
    await queryRunner.query(`DROP INDEX "public"."role_grant_user_idx"`);
    await queryRunner.query(`DROP INDEX "public"."role_grant_unit_idx"`);
    await queryRunner.query(`DROP INDEX "public"."role_grant_group_idx"`);
    await queryRunner.query(`DROP TABLE "role_grant"`);
    await queryRunner.query(`DROP INDEX "public"."user_account_email_unique"`);
    await queryRunner.query(`DROP INDEX "public"."user_account_member_unique"`);
    await queryRunner.query(`DROP TABLE "user_account"`);
  }
}
