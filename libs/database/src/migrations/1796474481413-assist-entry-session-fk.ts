import { MigrationInterface, QueryRunner } from 'typeorm';

/** An entry's session must exist (it was checked for its format only). */
export class AssistEntrySessionFk1796474481413 implements MigrationInterface {
  name = 'AssistEntrySessionFk1796474481413';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Links to sessions that do not exist were only ever checked for their format: they name no session, so they go.
    await queryRunner.query(
      `UPDATE "assist_entry" e SET "session_id" = NULL WHERE "session_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "training_session" s WHERE s."id" = e."session_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "assist_entry" ADD CONSTRAINT "FK_588282cacebd3f6d01542b8df78" FOREIGN KEY ("session_id") REFERENCES "training_session"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assist_entry" DROP CONSTRAINT "FK_588282cacebd3f6d01542b8df78"`);
  }
}
