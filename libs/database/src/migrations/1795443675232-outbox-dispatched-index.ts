import { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxDispatchedIndex1795443675232 implements MigrationInterface {
  name = 'OutboxDispatchedIndex1795443675232';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "outbox_message_dispatched_idx" ON "outbox_message"  ("dispatched_at") WHERE status = 'dispatched'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."outbox_message_dispatched_idx"`);
  }
}
