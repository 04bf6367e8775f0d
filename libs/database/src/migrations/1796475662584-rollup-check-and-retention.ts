import { MigrationInterface, QueryRunner } from 'typeorm';

export class RollupCheckAndRetention1796475662584 implements MigrationInterface {
  name = 'RollupCheckAndRetention1796475662584';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rollup_check" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "mode" text NOT NULL, "origin" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consistent" boolean NOT NULL, "repaired" boolean NOT NULL, "differences" integer NOT NULL, "report" jsonb NOT NULL, CONSTRAINT "PK_9a88ba42f601c2b25a8e36cad97" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "outbox_message_finished_idx" ON "outbox_message"  ("created_at") WHERE status IN ('done', 'cancelled')`);
    await queryRunner.query(`CREATE INDEX "change_event_processed_idx" ON "change_event"  ("processed_at") WHERE processed_at IS NOT NULL`);
    // Cancel rows carried out are done from now on (the relay marks them so); those carried out before stayed dispatched.
    await queryRunner.query(`UPDATE "outbox_message" SET "status" = 'done' WHERE "job_name" = 'outbox.cancel' AND "status" = 'dispatched'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."change_event_processed_idx"`);
    await queryRunner.query(`DROP INDEX "public"."outbox_message_finished_idx"`);
    await queryRunner.query(`DROP TABLE "rollup_check"`);
  }
}
