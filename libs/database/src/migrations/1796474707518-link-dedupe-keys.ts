import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mails carrying a sign-in, invitation or reset link were deduplicated by the link's clear token (kept in
 * email_message.dedupe_key and sent in a header). New ones name the token's row; old keys become the token's SHA-256,
 * which is all the database keeps of a token.
 */
export class LinkDedupeKeys1796474707518 implements MigrationInterface {
  name = 'LinkDedupeKeys1796474707518';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "email_message"
         SET "dedupe_key" = split_part("dedupe_key", ':', 1) || ':sha256:' || encode(sha256(convert_to(substr("dedupe_key", strpos("dedupe_key", ':') + 1), 'UTF8')), 'hex')
       WHERE "template" IN ('invitation', 'sign-in-link', 'password-reset') AND "dedupe_key" ~ '^(invitation|sign_in_link|password_reset):[A-Za-z0-9_-]{43}$'`);
  }

  public async down(): Promise<void> {
    // A hash cannot be turned back into the token: nothing to undo.
  }
}
