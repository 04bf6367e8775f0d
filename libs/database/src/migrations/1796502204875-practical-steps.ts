import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The measure practical_steps (practical steps completed at held sessions, summed over topics): a column of session
 * facts and of every cell table. Filled from what is stored: each session fact from its session's attendance, the
 * cells (basis 0, every stored grain, the commune-or-higher units on the session unit's path) from those facts, as the
 * projector and the rebuild count it. Mapped and tree cells hold fractional shares this SQL cannot work out: where
 * there is anything to fill, the mapped geography is marked stale, so answers are read from cells and facts until
 * the next rollup check (`npm run rollups -- check`, or the nightly one) refills them.
 */
export class PracticalSteps1796502204875 implements MigrationInterface {
  name = 'PracticalSteps1796502204875';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollup_session_fact" ADD "practical_steps" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "rollup_cell" ADD "practical_steps" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "rollup_mapped_cell" ADD "practical_steps" numeric NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "rollup_tree_cell" ADD "practical_steps" numeric NOT NULL DEFAULT '0'`);

    await queryRunner.query(`UPDATE "rollup_session_fact" f SET "practical_steps" = coalesce((SELECT sum(p.value::int) FROM jsonb_each_text(s."practical_completions") AS p), 0)::int
       FROM "training_session" s WHERE s."id" = f."session_id"`);
    await queryRunner.query(`ALTER TABLE "rollup_session_fact" ALTER COLUMN "practical_steps" DROP DEFAULT`);
    await queryRunner.query(`INSERT INTO "rollup_cell" ("unit_id", "grain", "bucket", "basis", "practical_steps")
       SELECT k."id", g.grain, g.bucket, 0, sum(f."practical_steps")
         FROM "rollup_session_fact" f JOIN "admin_unit" u ON u."id" = f."unit_id"
        CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from u."path"), '/')::uuid[]) AS a(id)
         JOIN "admin_unit" k ON k."id" = a.id AND k."kind" IN ('commune', 'special_zone', 'district', 'province')
        CROSS JOIN LATERAL (VALUES ('W', date_trunc('week', f."day")::date), ('M', date_trunc('month', f."day")::date), ('Q', date_trunc('quarter', f."day")::date),
                                   ('Y', date_trunc('year', f."day")::date), ('A', '1900-01-01'::date)) AS g(grain, bucket)
        WHERE f."practical_steps" <> 0
        GROUP BY 1, 2, 3
       ON CONFLICT ("unit_id", "grain", "bucket", "basis") DO UPDATE SET "practical_steps" = EXCLUDED."practical_steps"`);
    await queryRunner.query(`UPDATE "rollup_geography" SET "stale" = true WHERE EXISTS (SELECT 1 FROM "rollup_session_fact" WHERE "practical_steps" <> 0)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollup_tree_cell" DROP COLUMN "practical_steps"`);
    await queryRunner.query(`ALTER TABLE "rollup_mapped_cell" DROP COLUMN "practical_steps"`);
    await queryRunner.query(`ALTER TABLE "rollup_cell" DROP COLUMN "practical_steps"`);
    await queryRunner.query(`ALTER TABLE "rollup_session_fact" DROP COLUMN "practical_steps"`);
  }
}
