import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notice review fixes: `notice_attempt.answered` counts the calls whose answer was recorded (calls > answered on a
 * re-run: a worker died mid-call, the outcome is unknown), and a notice may end `unconfirmed` (a ZNS call with an
 * unknown outcome and no receipt within the wait: reported, never re-sent).
 */
export class NoticeFixes1797000000000 implements MigrationInterface {
  name = 'NoticeFixes1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notice_attempt" ADD "answered" integer NOT NULL DEFAULT '0'`);
    // Existing attempts: every call so far counts as answered except a pending attempt's last one, which stays unknown.
    await queryRunner.query(`UPDATE "notice_attempt" SET "answered" = CASE WHEN "status" = 'pending' THEN GREATEST("calls" - 1, 0) ELSE "calls" END`);
    await queryRunner.query(`ALTER TABLE "notice" DROP CONSTRAINT "notice_status_chk"`);
    await queryRunner.query(
      `ALTER TABLE "notice" ADD CONSTRAINT "notice_status_chk" CHECK ("status" IN ('queued', 'sent', 'delivered', 'undeliverable', 'unconfirmed'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notice" DROP CONSTRAINT "notice_status_chk"`);
    await queryRunner.query(`UPDATE "notice" SET "status" = 'undeliverable' WHERE "status" = 'unconfirmed'`);
    await queryRunner.query(`ALTER TABLE "notice" ADD CONSTRAINT "notice_status_chk" CHECK ("status" IN ('queued', 'sent', 'delivered', 'undeliverable'))`);
    await queryRunner.query(`ALTER TABLE "notice_attempt" DROP COLUMN "answered"`);
  }
}
