/**
 * SYNTHETIC training sessions for the demo city: for a few groups of Phường Hải Châu (20242), a session held last
 * week (with attendance) and one planned for the coming days (with a trainer and an assistant who have the skills).
 * Notes say "Dữ liệu mẫu (synthetic)" and the load is audited as system:demo. Written straight to the tables: no
 * e-mail, no reminder job (sessions planned through the API get those). Idempotent: skipped when any session exists.
 */
import { DataSource } from 'typeorm';
import { AuditService } from '@cdtg/audit';
import { foldVietnamese } from '@cdtg/text';
import { requireVietnamTime, systemClock, vietnamDate } from '@cdtg/time';
import { DEMO_ACTOR, insertRows } from './demo-city';
import { between, mulberry32 } from './random';

const WARD_CODE = '20242';
const GROUPS = 8;
const NOTE = 'Dữ liệu mẫu (synthetic) – buổi tập huấn do trình tạo dữ liệu demo sinh ra';

export async function seedDemoSessions(dataSource: DataSource, now = systemClock.now(), seed = 20251124): Promise<number> {
  const random = mulberry32(seed);
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('cdtg:demo-sessions'))`);
    if ((await manager.query(`SELECT 1 FROM training_session LIMIT 1`)).length) return 0;
    const [ward] = (await manager.query(`SELECT id, path FROM admin_unit WHERE code = $1 AND valid_to IS NULL`, [WARD_CODE])) as { id: string; path: string }[];
    if (!ward) return 0;
    const groups = (await manager.query(
      `SELECT g.id, g.name FROM volunteer_group g WHERE g.unit_id IN (SELECT id FROM geography_units_under($1::text[])) AND g.status = 'active' ORDER BY g.name LIMIT ${GROUPS}`,
      [[ward.path]],
    )) as { id: string; name: string }[];
    const places = (await manager.query(
      `SELECT id, name FROM admin_unit WHERE parent_id = $1 AND valid_to IS NULL AND kind = 'residential_group' ORDER BY code`,
      [ward.id],
    )) as { id: string; name: string }[];
    const sessions: unknown[][] = [];
    const schedules: unknown[][] = [];
    const assignments: unknown[][] = [];
    for (const [i, group] of groups.entries()) {
      const place = places[i % places.length] ?? { id: ward.id, name: 'UBND phường' };
      const members = (await manager.query(
        `SELECT m.id, m.skills FROM membership ms JOIN member m ON m.id = ms.member_id WHERE ms.group_id = $1 AND ms.to_date IS NULL AND m.left_on IS NULL ORDER BY ms.role, m.name_search`,
        [group.id],
      )) as { id: string; skills: string[] }[];
      const at = (days: number, time: string) => requireVietnamTime(`${vietnamDate(new Date(now.getTime() + days * 86_400_000))}T${time}`, 'demo');
      const venue = `Nhà văn hóa ${place.name}`;
      // Held last week, with attendance.
      const held = crypto.randomUUID();
      const cells = Array.from({ length: 6 }, () => between(random, 0, 9));
      const total = cells.reduce((a, b) => a + b, 0) + between(random, 0, 2);
      const title = `Hướng dẫn kích hoạt VNeID và Bình dân học vụ số – ${place.name}`;
      sessions.push([
        held,
        group.id,
        place.id,
        title,
        foldVietnamese(title),
        NOTE,
        ['vneid', 'digital_literacy'],
        at(-(i + 2), '08:00'),
        at(-(i + 2), '10:00'),
        venue,
        40,
        'held',
        ...cells,
        total,
        JSON.stringify({ vneid: Math.floor(total * 0.6) }),
        at(-(i + 2), '10:30'),
      ]);
      schedules.push([held, 1, at(-(i + 2), '08:00'), at(-(i + 2), '10:00'), venue, place.id]);
      // Planned for the coming days, with a trainer (skilled in VNeID when someone is) and an assistant.
      const planned = crypto.randomUUID();
      const next = `Thanh toán không dùng tiền mặt cho tiểu thương – ${place.name}`;
      sessions.push([
        planned,
        group.id,
        place.id,
        next,
        foldVietnamese(next),
        NOTE,
        ['online_payment', 'online_safety'],
        at(i + 2, '14:00'),
        at(i + 2, '16:00'),
        venue,
        30,
        'planned',
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
      schedules.push([planned, 1, at(i + 2, '14:00'), at(i + 2, '16:00'), venue, place.id]);
      const trainer = members.find((m) => m.skills.includes('online_payment')) ?? members[0];
      const assistant = members.find((m) => m !== trainer);
      if (trainer) assignments.push([planned, trainer.id, 'trainer', 'accepted']);
      if (assistant) assignments.push([planned, assistant.id, 'assistant', 'pending']);
    }
    await insertRows(
      manager,
      'training_session',
      [
        'id',
        'group_id',
        'unit_id',
        'title',
        'title_search',
        'notes',
        'topics',
        'starts_at',
        'ends_at',
        'place',
        'capacity',
        'status',
        'female_under_35',
        'female_35_59',
        'female_60_plus',
        'male_under_35',
        'male_35_59',
        'male_60_plus',
        'participants_total',
        'practical_completions',
        'attendance_logged_at',
      ],
      sessions,
    );
    await insertRows(manager, 'training_session_schedule', ['session_id', 'version', 'starts_at', 'ends_at', 'place', 'unit_id'], schedules);
    await insertRows(manager, 'session_assignment', ['session_id', 'member_id', 'role', 'status'], assignments);
    await new AuditService(dataSource).record(manager, DEMO_ACTOR, {
      operation: 'demo.sessions',
      objectType: 'session',
      objectId: WARD_CODE,
      after: { synthetic: true, sessions: sessions.length, assignments: assignments.length },
      unitId: ward.id,
    });
    return sessions.length;
  });
}
