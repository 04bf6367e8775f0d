import { MigrationInterface, QueryRunner } from 'typeorm';

/** The client ids of the attendances phones logged (offline sync): sending one again changes nothing (issue 20). */
export class AttendanceClientId1796750000000 implements MigrationInterface {
  name = 'AttendanceClientId1796750000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "training_session" ADD "attendance_client_ids" uuid array NOT NULL DEFAULT '{}'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "training_session" DROP COLUMN "attendance_client_ids"`);
  }
}
