import { MigrationInterface, QueryRunner } from 'typeorm';

/** Why a directory import was refused as a whole, as a reason and its parameters for clients to translate (issue 20). */
export class DirectoryImportFailureReason1796700000000 implements MigrationInterface {
  name = 'DirectoryImportFailureReason1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "directory_import" ADD "failure_reason" text`);
    await queryRunner.query(`ALTER TABLE "directory_import" ADD "failure_params" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "directory_import" DROP COLUMN "failure_params"`);
    await queryRunner.query(`ALTER TABLE "directory_import" DROP COLUMN "failure_reason"`);
  }
}
