import { MigrationInterface, QueryRunner } from 'typeorm';

/** Notices on every channel (e-mail, Zalo ZNS, SMS): one per dedupe key, its attempts, consent history, provider tokens (issue 21). */
export class NoticeChannels1796900000000 implements MigrationInterface {
  name = 'NoticeChannels1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notice" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dedupe_key" text NOT NULL, "member_id" uuid NOT NULL, "phone" text, "email" text, "preferred_channel" text, "language" text NOT NULL, "template" text NOT NULL, "params" jsonb NOT NULL, "status" text NOT NULL DEFAULT 'queued', "channel" text, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_57247bf0b03fdaeb0d4d82e711e" UNIQUE ("dedupe_key"), CONSTRAINT "notice_status_chk" CHECK ("status" IN ('queued', 'sent', 'delivered', 'undeliverable')), CONSTRAINT "PK_705062b14410ff1a04998f86d72" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "notice_attempt" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "notice_id" uuid NOT NULL, "channel" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "calls" integer NOT NULL DEFAULT '0', "uncertain" boolean NOT NULL DEFAULT false, "provider_ref" text, "error" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "accepted_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "notice_attempt_status_chk" CHECK ("status" IN ('pending', 'accepted', 'refused')), CONSTRAINT "PK_6cc7a215689e65eb7f370e8410d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "notice_attempt_provider_ref_idx" ON "notice_attempt"  ("channel", "provider_ref") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "notice_attempt_channel_unique" ON "notice_attempt"  ("notice_id", "channel") `);
    await queryRunner.query(
      `CREATE TABLE "notice_consent" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "member_id" uuid NOT NULL, "channel" text NOT NULL, "granted" boolean NOT NULL, "source" text NOT NULL, "recorded_by" uuid, "recorded_by_label" text NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "notice_consent_channel_chk" CHECK ("channel" IN ('email', 'zns', 'sms')), CONSTRAINT "PK_78ec254b195337dcd2d6fa8a9b4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "notice_consent_member_idx" ON "notice_consent"  ("member_id", "channel", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "notice_provider_token" ("provider" text NOT NULL, "access_token" text NOT NULL, "refresh_token" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_be9a8ebb3fc40db8d2c0cf85835" PRIMARY KEY ("provider"))`,
    );
    await queryRunner.query(`ALTER TABLE "member_notice_preference" ADD "preferred_channel" text`);
    await queryRunner.query(
      `ALTER TABLE "notice_attempt" ADD CONSTRAINT "FK_dc1970e75fbfb5a0683b5799039" FOREIGN KEY ("notice_id") REFERENCES "notice"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notice_attempt" DROP CONSTRAINT "FK_dc1970e75fbfb5a0683b5799039"`);
    await queryRunner.query(`ALTER TABLE "member_notice_preference" DROP COLUMN "preferred_channel"`);
    await queryRunner.query(`DROP TABLE "notice_provider_token"`);
    await queryRunner.query(`DROP INDEX "public"."notice_consent_member_idx"`);
    await queryRunner.query(`DROP TABLE "notice_consent"`);
    await queryRunner.query(`DROP INDEX "public"."notice_attempt_channel_unique"`);
    await queryRunner.query(`DROP INDEX "public"."notice_attempt_provider_ref_idx"`);
    await queryRunner.query(`DROP TABLE "notice_attempt"`);
    await queryRunner.query(`DROP TABLE "notice"`);
  }
}
