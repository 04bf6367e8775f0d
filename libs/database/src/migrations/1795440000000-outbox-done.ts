import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox rows now become `done` when their job completes, and dispatched rows whose job Redis lost are sent again.
 * Rows dispatched before this release were never marked: count them as done, so the first relay after the upgrade
 * (which finds no "intact" marker in Redis) does not replay the whole history.
 */
export class OutboxDone1795440000000 implements MigrationInterface {
  name = 'OutboxDone1795440000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "outbox_message" SET "status" = 'done' WHERE "status" = 'dispatched'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "outbox_message" SET "status" = 'dispatched' WHERE "status" = 'done'`);
  }
}
