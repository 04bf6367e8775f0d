import { MigrationInterface, QueryRunner } from 'typeorm';

export class MembershipMemberIndex1795415339807 implements MigrationInterface {
  name = 'MembershipMemberIndex1795415339807';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "membership_member_idx" ON "membership"  ("member_id", "from_date") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."membership_member_idx"`);
  }
}
