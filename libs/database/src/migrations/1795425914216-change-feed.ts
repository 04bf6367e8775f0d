import { MigrationInterface, QueryRunner } from 'typeorm';

export class ChangeFeed1795425914216 implements MigrationInterface {
  name = 'ChangeFeed1795425914216';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "change_event" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "households" uuid array NOT NULL DEFAULT '{}', "members" uuid array NOT NULL DEFAULT '{}', "sessions" uuid array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_0ec064be863f2541f0d6f8fb94c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "change_event_pending_idx" ON "change_event"  ("id") WHERE processed_at IS NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."change_event_pending_idx"`);
    await queryRunner.query(`DROP TABLE "change_event"`);
  }
}
