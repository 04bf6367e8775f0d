/**
 * SYNTHETIC training sessions for the demo city: for a few groups of Phường Hải Châu (20242), a session held last
 * week (with attendance) and one planned for the coming days (with a trainer and an assistant who have the skills).
 * Notes say "Dữ liệu mẫu (synthetic)" and the load is audited as system:demo. Written straight to the tables: no
 * e-mail, no reminder job (sessions planned through the API get those). Idempotent: skipped when any session exists.
 */
import { DataSource } from 'typeorm';
import { AuditService } from '@cdtg/audit';
import { demoActiveMembersOf, demoGroupsIn } from '@cdtg/directory';
import { currentResidentialGroupsOf, currentUnitByCode } from '@cdtg/geography';
import { DemoAssignmentRow, DemoScheduleRow, DemoSessionRow, hasTrainingSessions, insertDemoSessions } from '@cdtg/sessions';
import { foldVietnamese } from '@cdtg/text';
import { requireVietnamTime, systemClock, vietnamDate } from '@cdtg/time';
import { DEMO_ACTOR } from './demo-city';
import { lockSeed } from './lock';
import { between, mulberry32 } from './random';

const WARD_CODE = '20242';
const GROUPS = 8;
const NOTE = 'Dữ liệu mẫu (synthetic) – buổi tập huấn do trình tạo dữ liệu demo sinh ra';

export async function seedDemoSessions(dataSource: DataSource, now = systemClock.now(), seed = 20251124): Promise<number> {
  const random = mulberry32(seed);
  return dataSource.transaction(async (manager) => {
    await lockSeed(manager, 'cdtg:demo-sessions');
    if (await hasTrainingSessions(manager)) return 0;
    const ward = await currentUnitByCode(manager, WARD_CODE);
    if (!ward) return 0;
    const groups = await demoGroupsIn(manager, { all: false, unitPaths: [ward.path], groupIds: [] }, { activeOnly: true, limit: GROUPS });
    const places = await currentResidentialGroupsOf(manager, ward.id);
    const sessions: DemoSessionRow[] = [];
    const schedules: DemoScheduleRow[] = [];
    const assignments: DemoAssignmentRow[] = [];
    for (const [i, group] of groups.entries()) {
      const place = places[i % places.length] ?? { id: ward.id, name: 'UBND phường' };
      const members = await demoActiveMembersOf(manager, group.id);
      const at = (days: number, time: string) => requireVietnamTime(`${vietnamDate(new Date(now.getTime() + days * 86_400_000))}T${time}`, 'demo');
      const venue = `Nhà văn hóa ${place.name}`;
      // Held last week, with attendance.
      const held = crypto.randomUUID();
      const cells = Array.from({ length: 6 }, () => between(random, 0, 9));
      const total = cells.reduce((a, b) => a + b, 0) + between(random, 0, 2);
      const title = `Hướng dẫn kích hoạt VNeID và Bình dân học vụ số – ${place.name}`;
      sessions.push({
        id: held,
        group_id: group.id,
        unit_id: place.id,
        title,
        title_search: foldVietnamese(title),
        notes: NOTE,
        topics: ['vneid', 'digital_literacy'],
        starts_at: at(-(i + 2), '08:00'),
        ends_at: at(-(i + 2), '10:00'),
        place: venue,
        capacity: 40,
        status: 'held',
        female_under_35: cells[0],
        female_35_59: cells[1],
        female_60_plus: cells[2],
        male_under_35: cells[3],
        male_35_59: cells[4],
        male_60_plus: cells[5],
        participants_total: total,
        practical_completions: JSON.stringify({ vneid: Math.floor(total * 0.6) }),
        attendance_logged_at: at(-(i + 2), '10:30'),
      });
      schedules.push({ session_id: held, version: 1, starts_at: at(-(i + 2), '08:00'), ends_at: at(-(i + 2), '10:00'), place: venue, unit_id: place.id });
      // Planned for the coming days, with a trainer (skilled in VNeID when someone is) and an assistant.
      const planned = crypto.randomUUID();
      const next = `Thanh toán không dùng tiền mặt cho tiểu thương – ${place.name}`;
      sessions.push({
        id: planned,
        group_id: group.id,
        unit_id: place.id,
        title: next,
        title_search: foldVietnamese(next),
        notes: NOTE,
        topics: ['online_payment', 'online_safety'],
        starts_at: at(i + 2, '14:00'),
        ends_at: at(i + 2, '16:00'),
        place: venue,
        capacity: 30,
        status: 'planned',
        female_under_35: null,
        female_35_59: null,
        female_60_plus: null,
        male_under_35: null,
        male_35_59: null,
        male_60_plus: null,
        participants_total: null,
        practical_completions: null,
        attendance_logged_at: null,
      });
      schedules.push({ session_id: planned, version: 1, starts_at: at(i + 2, '14:00'), ends_at: at(i + 2, '16:00'), place: venue, unit_id: place.id });
      const trainer = members.find((m) => m.skills.includes('online_payment')) ?? members[0];
      const assistant = members.find((m) => m !== trainer);
      if (trainer) assignments.push({ session_id: planned, member_id: trainer.id, role: 'trainer', status: 'accepted' });
      if (assistant) assignments.push({ session_id: planned, member_id: assistant.id, role: 'assistant', status: 'pending' });
    }
    await insertDemoSessions(manager, { sessions, schedules, assignments });
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
