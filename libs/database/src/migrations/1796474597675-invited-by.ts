import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who sent a pending invitation (re-inviting someone else's invitee needs power over every grant they hold). */
export class InvitedBy1796474597675 implements MigrationInterface {
  name = 'InvitedBy1796474597675';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_account" ADD "invited_by" uuid`);
    await queryRunner.query(
      `ALTER TABLE "user_account" ADD CONSTRAINT "FK_e86710a5508bcfa2ffc957fbc2f" FOREIGN KEY ("invited_by") REFERENCES "user_account"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    // Pending invitations keep their inviter: the actor of the last invitation in the audit log.
    await queryRunner.query(`UPDATE "user_account" u SET "invited_by" = (
        SELECT a."actor_id" FROM "audit_event" a JOIN "user_account" x ON x."id" = a."actor_id"
         WHERE a."operation" = 'user.invite' AND a."object_type" = 'user' AND a."object_id" = u."id"::text ORDER BY a."at" DESC, a."id" DESC LIMIT 1)
      WHERE u."status" = 'invited'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_account" DROP CONSTRAINT "FK_e86710a5508bcfa2ffc957fbc2f"`);
    await queryRunner.query(`ALTER TABLE "user_account" DROP COLUMN "invited_by"`);
  }
}
