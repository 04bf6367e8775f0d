import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reference data's correction of 2026-12-05 (data/danang/README.md): Quảng Nam's old 20669 Xã Phước Ninh went
 * whole into the new 20669 Xã Quế Phước. Databases that imported the earlier mapping also sent part of it to the new
 * 20242 Phường Hải Châu (a confusion with Hải Châu's old Phường Phước Ninh), which let Hải Châu's officers reach old
 * Phước Ninh's records and apportioned its households. This removes that link, makes the remaining one full, files it
 * with the other communes merged into Quế Phước, and withdraws grants the system gave by following the removed link.
 * Re-importing the corrected file (importReorganisations) does the same for any other correction. A database without
 * the faulty row is left unchanged.
 */
export class PhuocNinhCorrection1796475231926 implements MigrationInterface {
  name = 'PhuocNinhCorrection1796475231926';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [bad] = (await queryRunner.query(
      `SELECT l.id, l.reorganisation_id, l.from_unit_id FROM "reorganisation_link" l
         JOIN "reorganisation" r ON r.id = l.reorganisation_id AND r.effective_date = '2025-07-01'
         JOIN "admin_unit" f ON f.id = l.from_unit_id AND f.code = '20669' AND f.valid_to = '2025-06-30'
         JOIN "admin_unit" t ON t.id = l.to_unit_id AND t.code = '20242' AND t.valid_from = '2025-07-01'`,
    )) as { id: string; reorganisation_id: string; from_unit_id: string }[];
    if (!bad) return;
    await queryRunner.query(`DELETE FROM "reorganisation_link" WHERE id = $1`, [bad.id]);
    await queryRunner.query(
      `INSERT INTO "audit_event" (actor_id, actor_label, operation, object_type, object_id, before, after)
       VALUES (NULL, 'system', 'reorganisation.correct', 'reorganisation', $1, $2::jsonb, NULL)`,
      [
        bad.reorganisation_id,
        JSON.stringify({ linkId: bad.id, reason: 'reference data correction 2026-12-05: 20669 Xã Phước Ninh went whole into 20669 Xã Quế Phước' }),
      ],
    );
    // The remaining link is whole, and belongs with the other communes merged into the new 20669.
    const [kept] = (await queryRunner.query(
      `UPDATE "reorganisation_link" l SET share = 'full', fraction = 1, fraction_estimated = false
         FROM "admin_unit" t WHERE t.id = l.to_unit_id AND t.code = '20669' AND t.valid_from = '2025-07-01' AND l.from_unit_id = $1
       RETURNING l.id, l.to_unit_id`,
      [bad.from_unit_id],
    )) as [{ id: string; to_unit_id: string }[], number];
    const link = kept[0];
    if (link) {
      const [merge] = (await queryRunner.query(
        `SELECT r.id FROM "reorganisation" r JOIN "reorganisation_link" l ON l.reorganisation_id = r.id
          WHERE r.effective_date = '2025-07-01' AND r.kind IN ('merge', 'rename', 'reparent') AND l.to_unit_id = $1 AND l.id <> $2 LIMIT 1`,
        [link.to_unit_id, link.id],
      )) as { id: string }[];
      if (merge) {
        await queryRunner.query(`UPDATE "reorganisation_link" SET reorganisation_id = $2 WHERE id = $1`, [link.id, merge.id]);
        await queryRunner.query(`UPDATE "reorganisation" SET kind = 'merge' WHERE id = $1`, [merge.id]);
      } else {
        await queryRunner.query(`UPDATE "reorganisation" r SET kind = 'rename' FROM "reorganisation_link" l WHERE l.id = $1 AND r.id = l.reorganisation_id`, [
          link.id,
        ]);
      }
    }
    await queryRunner.query(
      `DELETE FROM "reorganisation" r WHERE r.id = $1 AND NOT EXISTS (SELECT 1 FROM "reorganisation_link" l WHERE l.reorganisation_id = r.id)`,
      [bad.reorganisation_id],
    );
    // Grants that followed old Phước Ninh into Hải Châu through the removed link (and through no other link).
    const grants = (await queryRunner.query(
      `SELECT g.id, g.user_id, g.role, g.unit_id FROM "role_grant" g
        WHERE g.revoked_at IS NULL AND g.granted_by IS NULL AND g.unit_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM "audit_event" a WHERE a.object_type = 'user' AND a.object_id = g.user_id::text
                         AND a.operation = 'grant.follow-reorganisation' AND a.after->>'unitId' = g.unit_id::text AND a.after->>'role' = g.role)
          AND NOT EXISTS (SELECT 1 FROM "audit_event" a JOIN "reorganisation_link" l ON l.from_unit_id::text = a.before->>'unitId' AND l.to_unit_id = g.unit_id
                           WHERE a.object_type = 'user' AND a.object_id = g.user_id::text
                             AND a.operation = 'grant.follow-reorganisation' AND a.after->>'unitId' = g.unit_id::text AND a.after->>'role' = g.role)`,
    )) as { id: string; user_id: string; role: string; unit_id: string }[];
    for (const g of grants) {
      await queryRunner.query(`UPDATE "role_grant" SET revoked_at = now(), revoked_reason = 'reorganisation-corrected' WHERE id = $1`, [g.id]);
      await queryRunner.query(
        `INSERT INTO "audit_event" (actor_id, actor_label, operation, object_type, object_id, before, after, unit_id)
         VALUES (NULL, 'system', 'grant.revoke', 'user', $1, $2::jsonb, $3::jsonb, $4)`,
        [g.user_id, JSON.stringify(g), JSON.stringify({ ...g, revokedReason: 'reorganisation-corrected' }), g.unit_id],
      );
    }
  }

  public async down(): Promise<void> {
    // A correction of reference data is not undone.
  }
}
