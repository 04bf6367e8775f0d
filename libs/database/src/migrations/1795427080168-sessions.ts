import { MigrationInterface, QueryRunner } from 'typeorm';

export class Sessions1795427080168 implements MigrationInterface {
  name = 'Sessions1795427080168';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "training_topic" ("code" text NOT NULL, "name_vi" text NOT NULL, "name_en" text NOT NULL, "skill_code" text NOT NULL, "practical_step_vi" text NOT NULL, "practical_step_en" text NOT NULL, "sort_order" integer NOT NULL, "active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_2f81d1d25dfdbb3509ffd5fc644" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`CREATE TABLE "training_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "group_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "title" text NOT NULL, "title_search" text NOT NULL, "notes" text, "topics" text array NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "place" text NOT NULL, "latitude" double precision, "longitude" double precision, "capacity" integer NOT NULL, "trainer_slots" integer NOT NULL DEFAULT '1', "audience" text array NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'planned', "cancel_reason" text, "cancelled_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "female_under_35" integer, "female_35_59" integer, "female_60_plus" integer, "male_under_35" integer, "male_35_59" integer, "male_60_plus" integer, "participants_total" integer, "practical_completions" jsonb, "attendance_note" text, "attendance_logged_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "training_session_attendance_chk" CHECK ("female_under_35" >= 0 AND "female_35_59" >= 0 AND "female_60_plus" >= 0 AND "male_under_35" >= 0 AND "male_35_59" >= 0 AND "male_60_plus" >= 0
   AND "participants_total" >= "female_under_35" + "female_35_59" + "female_60_plus" + "male_under_35" + "male_35_59" + "male_60_plus"), CONSTRAINT "training_session_status_chk" CHECK ("status" IN ('planned', 'held', 'cancelled')), CONSTRAINT "training_session_times_chk" CHECK ("ends_at" > "starts_at"), CONSTRAINT "PK_a17a9657ff5a6e048bfd82c4651" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "training_session_starts_idx" ON "training_session"  ("starts_at") `);
    await queryRunner.query(`CREATE INDEX "training_session_unit_idx" ON "training_session"  ("unit_id", "starts_at") `);
    await queryRunner.query(`CREATE INDEX "training_session_group_idx" ON "training_session"  ("group_id", "starts_at") `);
    await queryRunner.query(
      `CREATE TABLE "training_session_schedule" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "session_id" uuid NOT NULL, "version" integer NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "place" text NOT NULL, "unit_id" uuid NOT NULL, "latitude" double precision, "longitude" double precision, "reason" text, "changed_by" uuid, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_25cefb33736406f8c91da765f1a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "training_session_schedule_version_unique" ON "training_session_schedule"  ("session_id", "version") `);
    await queryRunner.query(
      `CREATE TABLE "session_assignment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "member_id" uuid NOT NULL, "role" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "reason" text, "responded_at" TIMESTAMP WITH TIME ZONE, "responded_by" uuid, "assigned_by" uuid, "assigned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "session_assignment_role_chk" CHECK ("role" IN ('trainer', 'assistant', 'supporter')), CONSTRAINT "session_assignment_status_chk" CHECK ("status" IN ('pending', 'accepted', 'declined', 'withdrawn')), CONSTRAINT "PK_51f577cec50bccb7daf9b80836f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "session_assignment_member_idx" ON "session_assignment"  ("member_id", "status") `);
    await queryRunner.query(`CREATE INDEX "session_assignment_session_idx" ON "session_assignment"  ("session_id", "status") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "session_assignment_active_unique" ON "session_assignment"  ("session_id", "member_id") WHERE status IN ('pending', 'accepted')`,
    );
    await queryRunner.query(
      `CREATE TABLE "member_notice_preference" ("member_id" uuid NOT NULL, "weekly_agenda" boolean NOT NULL DEFAULT true, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_74d92395088287580730198ed95" PRIMARY KEY ("member_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "outbox_message_job_id_idx" ON "outbox_message"  ("job_id") `);
    await queryRunner.query(
      `ALTER TABLE "training_topic" ADD CONSTRAINT "FK_2fee74efc5117ba456176de39b5" FOREIGN KEY ("skill_code") REFERENCES "skill"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "training_session" ADD CONSTRAINT "FK_b0012162178c73575a11fdde389" FOREIGN KEY ("group_id") REFERENCES "volunteer_group"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "training_session" ADD CONSTRAINT "FK_937b3b0a90360507136cf59d335" FOREIGN KEY ("unit_id") REFERENCES "admin_unit"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "training_session_schedule" ADD CONSTRAINT "FK_f94e6b1b58853a996e53c7ef5a3" FOREIGN KEY ("session_id") REFERENCES "training_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_assignment" ADD CONSTRAINT "FK_00b165313e577a554b43746ee8c" FOREIGN KEY ("session_id") REFERENCES "training_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_assignment" ADD CONSTRAINT "FK_2549c689d62e71619ab56fc6ab8" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "member_notice_preference" ADD CONSTRAINT "FK_74d92395088287580730198ed95" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The training-topic catalogue; each topic is taught by members with the skill of the same code.
    await queryRunner.query(`INSERT INTO "training_topic" ("code", "name_vi", "name_en", "skill_code", "practical_step_vi", "practical_step_en", "sort_order") VALUES
      ('vneid', 'Kích hoạt định danh điện tử VNeID', 'VNeID activation', 'vneid', 'Kích hoạt tài khoản định danh điện tử VNeID ngay tại buổi học', 'VNeID account activated on the spot', 1),
      ('public_services', 'Cổng dịch vụ công', 'Public-service portal', 'public_services', 'Nộp thử một hồ sơ trực tuyến trên Cổng dịch vụ công', 'Submitted an application on the public-service portal', 2),
      ('online_payment', 'Thanh toán trực tuyến', 'Online payments', 'online_payment', 'Cài đặt và thanh toán thử bằng ví điện tử hoặc ứng dụng ngân hàng', 'Set up and made a payment with an e-wallet or banking app', 3),
      ('ecommerce', 'Thương mại điện tử', 'E-commerce', 'ecommerce', 'Đăng bán hoặc đặt mua một sản phẩm trên sàn thương mại điện tử', 'Listed or ordered a product on an e-commerce platform', 4),
      ('online_safety', 'An toàn trên không gian mạng', 'Online safety', 'online_safety', 'Bật xác thực hai lớp và nhận ra một tin nhắn lừa đảo', 'Turned on two-factor authentication and spotted a scam message', 5),
      ('ehealth', 'Sổ sức khỏe điện tử', 'E-health records', 'ehealth', 'Mở sổ sức khỏe điện tử của mình trên VNeID', 'Opened their e-health record in VNeID', 6),
      ('digital_literacy', 'Bình dân học vụ số', 'Digital literacy ("Bình dân học vụ số")', 'digital_literacy', 'Hoàn thành bài thực hành kỹ năng số cơ bản', 'Completed the basic digital-skills exercise', 7)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "member_notice_preference" DROP CONSTRAINT "FK_74d92395088287580730198ed95"`);
    await queryRunner.query(`ALTER TABLE "session_assignment" DROP CONSTRAINT "FK_2549c689d62e71619ab56fc6ab8"`);
    await queryRunner.query(`ALTER TABLE "session_assignment" DROP CONSTRAINT "FK_00b165313e577a554b43746ee8c"`);
    await queryRunner.query(`ALTER TABLE "training_session_schedule" DROP CONSTRAINT "FK_f94e6b1b58853a996e53c7ef5a3"`);
    await queryRunner.query(`ALTER TABLE "training_session" DROP CONSTRAINT "FK_937b3b0a90360507136cf59d335"`);
    await queryRunner.query(`ALTER TABLE "training_session" DROP CONSTRAINT "FK_b0012162178c73575a11fdde389"`);
    await queryRunner.query(`ALTER TABLE "training_topic" DROP CONSTRAINT "FK_2fee74efc5117ba456176de39b5"`);
    await queryRunner.query(`DROP INDEX "public"."outbox_message_job_id_idx"`);
    await queryRunner.query(`DROP TABLE "member_notice_preference"`);
    await queryRunner.query(`DROP INDEX "public"."session_assignment_active_unique"`);
    await queryRunner.query(`DROP INDEX "public"."session_assignment_session_idx"`);
    await queryRunner.query(`DROP INDEX "public"."session_assignment_member_idx"`);
    await queryRunner.query(`DROP TABLE "session_assignment"`);
    await queryRunner.query(`DROP INDEX "public"."training_session_schedule_version_unique"`);
    await queryRunner.query(`DROP TABLE "training_session_schedule"`);
    await queryRunner.query(`DROP INDEX "public"."training_session_group_idx"`);
    await queryRunner.query(`DROP INDEX "public"."training_session_unit_idx"`);
    await queryRunner.query(`DROP INDEX "public"."training_session_starts_idx"`);
    await queryRunner.query(`DROP TABLE "training_session"`);
    await queryRunner.query(`DROP TABLE "training_topic"`);
  }
}
