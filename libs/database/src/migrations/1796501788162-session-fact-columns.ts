import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session facts record one int column per measure that reads them, named after it (the measure registry's
 * SESSION_RECORDS), instead of an array of people trained: a new session measure is a new column. The stored
 * figures are carried over; cells are unchanged.
 */
export class SessionFactColumns1796501788162 implements MigrationInterface {
  name = 'SessionFactColumns1796501788162';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const bands = [
      'trained_female_under_35',
      'trained_female_35_59',
      'trained_female_60_plus',
      'trained_male_under_35',
      'trained_male_35_59',
      'trained_male_60_plus',
    ];
    for (const band of bands) await queryRunner.query(`ALTER TABLE "rollup_session_fact" ADD "${band}" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`UPDATE "rollup_session_fact" SET ${bands.map((band, i) => `"${band}" = "trained"[${i + 1}]`).join(', ')}`);
    for (const band of bands) await queryRunner.query(`ALTER TABLE "rollup_session_fact" ALTER COLUMN "${band}" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "rollup_session_fact" DROP COLUMN "trained"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollup_session_fact" ADD "trained" integer array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `UPDATE "rollup_session_fact" SET "trained" = ARRAY["trained_female_under_35", "trained_female_35_59", "trained_female_60_plus", "trained_male_under_35", "trained_male_35_59", "trained_male_60_plus"]`,
    );
    await queryRunner.query(`ALTER TABLE "rollup_session_fact" ALTER COLUMN "trained" DROP DEFAULT`);
    for (const band of [
      'trained_male_60_plus',
      'trained_male_35_59',
      'trained_male_under_35',
      'trained_female_60_plus',
      'trained_female_35_59',
      'trained_female_under_35',
    ]) {
      await queryRunner.query(`ALTER TABLE "rollup_session_fact" DROP COLUMN "${band}"`);
    }
  }
}
