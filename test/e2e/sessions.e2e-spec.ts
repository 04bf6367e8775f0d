import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { JobHandlerRegistry, jobIdOf, JobName } from '@cdtg/queue';
import { formatVietnamTime, vietnamDate } from '@cdtg/time';
import { eventually, GqlResponse, startTestApp, TestApp } from '../support/app';
import { CaughtMail, TestSmtpServer } from '../support/smtp';
import { REDIS_URL } from '../support/test-env';
import { createUser, TestUser } from '../support/users';

/**
 * Training sessions and assignments, end to end: the real API over HTTP, the worker's handlers on BullMQ (real
 * Redis), PostgreSQL, and e-mails caught by an in-process SMTP server. Units are the real Đà Nẵng ones (demo city).
 */

const SESSION_FIELDS = 'id title status startsAt endsAt version place unit { code } groupName topics { code } history { version startsAt reason }';
const PLAN = `mutation($input: PlanSessionInput!) { planSession(input: $input) { ${SESSION_FIELDS} } }`;
const ASSIGN = `mutation($s: UUID!, $m: UUID!, $role: AssignmentRole!) { assignMember(input: { sessionId: $s, memberId: $m, role: $role }) { id status role memberName } }`;
const RESCHEDULE = `mutation($id: UUID!, $input: RescheduleSessionInput!) { rescheduleSession(id: $id, input: $input) { ${SESSION_FIELDS} } }`;

/** A day `n` days from today, Vietnam calendar. */
const day = (n: number) => vietnamDate(new Date(Date.now() + n * 86_400_000));
const utcOf = (local: string) => new Date(`${local}:00+07:00`);
const dedupeKey = (m: CaughtMail) => String(m.parsed.headers.get('x-cdtg-dedupe-key') ?? '');
const ics = (m: CaughtMail) => m.parsed.attachments.find((a) => a.contentType === 'text/calendar')?.content.toString('utf8') ?? '';
const errorOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions;

describe('training sessions: planning, assignment, notices, reminders, agenda', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let queue: Queue;
  let officer: TestUser;
  let lead: TestUser;
  let volunteer: TestUser;
  let groupId: string;
  let placeId: string;
  const members: Record<'an' | 'binh' | 'chi' | 'dung' | 'other', string> = { an: '', binh: '', chi: '', dung: '', other: '' };
  let seq = 0;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cdtg.danang.test' } });
    await loadDemoCity(t.app.get(DataSource));
    queue = new Queue('sessions', { connection: { url: REDIS_URL }, prefix: t.queuePrefix });

    // A group of Phường Hải Châu (founded under a pre-2025 unit: sessions are held in the new commune).
    const groups = await t.gql<{ groups: { edges: { node: { id: string } }[] } }>(
      `{ groups(first: 1, filter: { unitCode: "20242" }) { edges { node { id } } } }`,
    );
    groupId = groups.data!.groups.edges[0].node.id;
    const children = await t.gql<{ unitChildren: { id: string; kind: string }[] }>(`{ unitChildren(code: "20242") { id kind } }`);
    placeId = children.data!.unitChildren.find((u) => u.kind === 'RESIDENTIAL_GROUP')!.id;

    const add = async (g: string, fullName: string, phone: string, email: string | null, skills: string[]) => {
      const res = await t.gql<{ createMember: { id: string } }>(`mutation($input: CreateMemberInput!) { createMember(input: $input) { id } }`, {
        input: { groupId: g, fullName, phone, email, skills },
      });
      expect(res.errors).toBeUndefined();
      return res.data!.createMember.id;
    };
    members.an = await add(groupId, 'Nguyễn Văn An', '0905 400 001', 'an@example.vn', ['vneid', 'public_services']);
    members.binh = await add(groupId, 'Trần Thị Bình', '0905 400 002', 'binh@example.vn', ['online_payment']);
    members.chi = await add(groupId, 'Lê Thị Chi', '0905 400 003', null, ['vneid']);
    members.dung = await add(groupId, 'Phạm Minh Dũng', '0905 400 004', null, ['vneid']);
    const elsewhere = await t.gql<{ groups: { edges: { node: { id: string } }[] } }>(
      `{ groups(first: 1, filter: { unitCode: "20194" }) { edges { node { id } } } }`,
    );
    members.other = await add(elsewhere.data!.groups.edges[0].node.id, 'Võ Văn Khác', '0905 400 005', 'khac@example.vn', ['vneid']);

    officer = await createUser(t, { email: 'phuong.haichau@cdtg.test', role: Role.WardOfficer, unitCode: '20242', displayName: 'Cán bộ phường Hải Châu' });
    lead = await createUser(t, { email: 'totruong@cdtg.test', role: Role.GroupLead, groupId });
    // Dũng has an account in English (and no e-mail in the directory: the account's address is used).
    volunteer = await createUser(t, { email: 'dung@example.vn', role: Role.Volunteer, groupId });
    await t.db.query(`UPDATE user_account SET member_id = $1, language = 'en' WHERE id = $2`, [members.dung, volunteer.id]);
  }, 90_000);

  afterEach(() => t?.clock.release());
  afterAll(async () => {
    await queue?.close();
    await t?.close();
    await smtp?.stop();
  });

  async function plan(overrides: Record<string, unknown> = {}, as: TestUser = lead) {
    const res = await as.gql<{ planSession: { id: string; startsAt: string; version: number } }>(PLAN, {
      input: {
        groupId,
        unitId: placeId,
        title: `Kích hoạt VNeID cho người cao tuổi ${++seq}`,
        topics: ['vneid', 'online_safety'],
        startsAt: `${day(10)}T08:00`,
        endsAt: `${day(10)}T10:00`,
        place: 'Nhà văn hóa tổ 5, 12 Lê Duẩn',
        capacity: 40,
        audience: ['ELDERLY'],
        ...overrides,
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.planSession;
  }

  const mailsWith = (prefix: string) => smtp.messages.filter((m) => dedupeKey(m).startsWith(prefix));

  it('plans a session in Vietnam time and refuses bad times, topics and places naming the field', async () => {
    const bad = async (input: Record<string, unknown>) =>
      errorOf(
        await lead.gql(PLAN, {
          input: {
            groupId,
            unitId: placeId,
            title: 'Buổi thử',
            topics: ['vneid'],
            startsAt: `${day(5)}T08:00`,
            endsAt: `${day(5)}T10:00`,
            place: 'Nhà văn hóa',
            capacity: 20,
            ...input,
          },
        }),
      );
    expect(await bad({ endsAt: `${day(5)}T07:00` })).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ENDS_BEFORE_START',
      fields: [{ path: ['input', 'endsAt'], reason: 'ENDS_BEFORE_START' }],
    });
    expect(await bad({ startsAt: `${day(-1)}T08:00`, endsAt: `${day(-1)}T09:00` })).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NOT_IN_THE_FUTURE',
      fields: [{ path: ['input', 'startsAt'], reason: 'NOT_IN_THE_FUTURE' }],
    });
    expect(await bad({ startsAt: '05/12/2026 08:00' })).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: ['input', 'startsAt'] }] });
    expect(await bad({ startsAt: `${day(5)}T25:00` })).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NOT_A_REAL_TIME',
      fields: [{ path: ['input', 'startsAt'], reason: 'NOT_A_REAL_TIME', message: 'is not a real date and time' }],
    });
    expect(await bad({ topics: ['juggling'] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: ['input', 'topics'], reason: 'NOT_IN_LIST', params: { given: ['juggling'], allowed: expect.arrayContaining(['vneid']) } }],
    });
    const otherCommune = await t.gql<{ unit: { id: string } }>(`{ unit(code: "20194") { id } }`);
    // A group lead reaches any place through the group; the place must still lie in the group's commune.
    expect(await bad({ unitId: otherCommune.data!.unit.id })).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: ['input', 'unitId'], reason: 'OUTSIDE_GROUP_COMMUNE' }],
    });
    expect(await t.db.query(`SELECT 1 FROM training_session`)).toHaveLength(0);

    const session = await plan({ startsAt: `${day(12)}T14:30`, endsAt: `${day(12)}T16:30`, title: 'Bình dân học vụ số cho tiểu thương chợ Hàn' });
    expect(session).toMatchObject({
      status: 'PLANNED',
      version: 1,
      startsAt: `${day(12)}T14:30:00+07:00`,
      endsAt: `${day(12)}T16:30:00+07:00`,
      unit: { code: expect.any(String) },
      topics: [{ code: 'vneid' }, { code: 'online_safety' }],
    });
    const [row] = await t.db.query<{ starts_at: Date; group_id: string; unit_id: string; status: string }>(
      `SELECT starts_at, group_id, unit_id, status FROM training_session WHERE id = $1`,
      [session.id],
    );
    expect(row.starts_at.toISOString()).toBe(utcOf(`${day(12)}T14:30`).toISOString()); // stored in UTC
    // An ISO time with an offset is taken as written.
    const iso = await plan({ startsAt: `${day(13)}T01:00:00Z`, endsAt: `${day(13)}T02:00:00Z` });
    expect(iso.startsAt).toBe(`${day(13)}T08:00:00+07:00`);
    // Found by unit subtree (new commune, group founded under an old ward), date range, topic, status, folded title.
    const list = await officer.gql<{ sessions: { totalCount: number; edges: { node: { id: string } }[] } }>(
      `query($from: String!, $to: String!) { sessions(first: 20, filter: { unitCode: "20242", from: $from, to: $to, topic: "vneid", status: PLANNED, search: "binh dan hoc vu" }) { totalCount edges { node { id } } } }`,
      { from: day(12), to: day(12) },
    );
    expect(list.data!.sessions.edges.map((e) => e.node.id)).toEqual([session.id]);
    const [event] = await t.db.query<{ sessions: string[] }>(`SELECT sessions FROM change_event WHERE $1 = ANY(sessions)`, [session.id]);
    expect(event.sessions).toEqual([session.id]);
  });

  it('assigns a member: an e-mail in their language arrives with the session as an .ics attachment', async () => {
    const session = await plan({ title: 'Hướng dẫn cài VNeID, thanh toán số' });
    const res = await officer.gql<{ assignMember: { id: string; status: string; memberName: string } }>(ASSIGN, {
      s: session.id,
      m: members.an,
      role: 'TRAINER',
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.assignMember).toMatchObject({ status: 'PENDING', memberName: 'Nguyễn Văn An' });
    const id = res.data!.assignMember.id;

    const [mail] = await eventually(
      () => smtp.messages.filter((m) => dedupeKey(m) === `assignment:${id}`).length === 1 && smtp.messages.filter((m) => dedupeKey(m) === `assignment:${id}`),
    );
    expect(mail.to).toEqual(['an@example.vn']);
    expect(mail.parsed.subject).toContain('Phân công tập huấn: Hướng dẫn cài VNeID, thanh toán số');
    expect(mail.parsed.text).toContain('Vai trò của bạn: Giảng viên');
    expect(mail.parsed.text).toContain('08:00–10:00');
    expect(mail.parsed.text).toContain('https://cdtg.danang.test/calendar/');
    expect(mail.parsed.html).toContain('<table');
    const calendar = ics(mail);
    expect(calendar).toContain(`UID:session-${session.id}@cdtg`);
    expect(calendar).toContain(
      `DTSTART:${utcOf(`${day(10)}T08:00`)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace('.000', '')}`,
    );
    expect(calendar).toContain('SUMMARY:Hướng dẫn cài VNeID\\, thanh toán số');
    // Sent when assigned: the member has not answered yet, so the event is tentative, not confirmed.
    expect(calendar).toContain('STATUS:TENTATIVE');
    expect(calendar).not.toContain('STATUS:CONFIRMED');

    // The volunteer with an English account gets English, at the account's address; a member without any address gets nothing.
    const dung = await officer.gql<{ assignMember: { id: string } }>(ASSIGN, { s: session.id, m: members.dung, role: 'ASSISTANT' });
    const chi = await officer.gql<{ assignMember: { id: string } }>(ASSIGN, { s: session.id, m: members.chi, role: 'SUPPORTER' });
    const [english] = await eventually(() => smtp.to('dung@example.vn').length === 1 && smtp.to('dung@example.vn'));
    expect(english.parsed.subject).toMatch(/^Assignment: /);
    expect(english.parsed.text).toContain('Your role: Assistant');
    const queued = await t.db.query(`SELECT 1 FROM email_message WHERE dedupe_key = $1`, [`assignment:${chi.data!.assignMember.id}`]);
    expect(queued).toHaveLength(0);
    expect(dung.errors).toBeUndefined();

    // The member's signed link is kept out of the stored e-mail once sent.
    const stored = await eventually(async () => {
      const [row] = await t.db.query<{ params: { calendarUrl: string }; status: string }>(`SELECT params, status FROM email_message WHERE dedupe_key = $1`, [
        `assignment:${id}`,
      ]);
      return row?.status === 'sent' && row;
    });
    expect(stored.params.calendarUrl).toBe('[sent]');
  });

  it("refuses double-booking, a full trainer slot, an inactive member and a member outside the officer's scope", async () => {
    const first = await plan({ startsAt: `${day(20)}T08:00`, endsAt: `${day(20)}T10:00`, title: 'Buổi sáng' });
    const overlapping = await plan({ startsAt: `${day(20)}T09:30`, endsAt: `${day(20)}T11:00`, title: 'Buổi chồng giờ' });
    const after = await plan({ startsAt: `${day(20)}T10:00`, endsAt: `${day(20)}T11:00`, title: 'Buổi nối tiếp' });
    expect((await officer.gql(ASSIGN, { s: first.id, m: members.binh, role: 'TRAINER' })).errors).toBeUndefined();

    const twice = await officer.gql(ASSIGN, { s: overlapping.id, m: members.binh, role: 'ASSISTANT' });
    // The other session, with its time, for the console to name.
    const morning = { title: 'Buổi sáng', startsAt: utcOf(`${day(20)}T08:00`).toISOString(), endsAt: utcOf(`${day(20)}T10:00`).toISOString() };
    expect(errorOf(twice)).toMatchObject({
      code: 'CONFLICT',
      reason: 'DOUBLE_BOOKED',
      params: morning,
      fields: [{ path: ['input', 'memberId'], reason: 'DOUBLE_BOOKED', params: morning }],
    });
    expect(errorOf(await officer.gql(ASSIGN, { s: first.id, m: members.binh, role: 'ASSISTANT' }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_ASSIGNED',
      fields: [{ path: ['input', 'memberId'] }],
    });
    // Back to back is not an overlap.
    expect((await officer.gql(ASSIGN, { s: after.id, m: members.binh, role: 'ASSISTANT' })).errors).toBeUndefined();

    const secondTrainer = await officer.gql(ASSIGN, { s: first.id, m: members.an, role: 'TRAINER' });
    expect(errorOf(secondTrainer)).toMatchObject({
      code: 'CONFLICT',
      reason: 'TRAINER_SLOTS_FULL',
      params: { slots: 1 },
      fields: [{ path: ['input', 'role'] }],
    });

    await t.gql(`mutation($id: UUID!) { deactivateMember(id: $id) { id } }`, { id: members.chi });
    const inactive = await officer.gql(ASSIGN, { s: first.id, m: members.chi, role: 'SUPPORTER' });
    expect(errorOf(inactive)).toMatchObject({ code: 'CONFLICT', reason: 'MEMBER_LEFT', params: { on: day(0) }, fields: [{ path: ['input', 'memberId'] }] });

    const outside = await officer.gql(ASSIGN, { s: first.id, m: members.other, role: 'SUPPORTER' });
    expect(outside.errors![0]).toMatchObject({ message: 'You do not have access to this', extensions: { code: 'FORBIDDEN' } });

    // Moving a session onto a time an assigned member is busy is refused too.
    const clash = await lead.gql(RESCHEDULE, { id: overlapping.id, input: { startsAt: `${day(20)}T10:00` } });
    expect(clash.errors).toBeUndefined(); // nobody is assigned to it
    expect((await officer.gql(ASSIGN, { s: overlapping.id, m: members.an, role: 'TRAINER' })).errors).toBeUndefined();
    const busy = await lead.gql(RESCHEDULE, { id: overlapping.id, input: { startsAt: `${day(10)}T09:00` } });
    expect(errorOf(busy)).toMatchObject({
      code: 'CONFLICT',
      reason: 'ASSIGNED_MEMBER_BUSY',
      // An's session of the notices test, planned with the default time.
      params: {
        name: 'Nguyễn Văn An',
        title: 'Hướng dẫn cài VNeID, thanh toán số',
        startsAt: utcOf(`${day(10)}T08:00`).toISOString(),
        endsAt: utcOf(`${day(10)}T10:00`).toISOString(),
      },
      fields: [{ path: ['input', 'startsAt'] }],
    });
  });

  it('reschedule: one change notice per member, history kept, and the reminder moves; a retried reminder sends once', async () => {
    const session = await plan({ startsAt: `${day(30)}T08:00`, endsAt: `${day(30)}T10:00`, title: 'Buổi sẽ dời lịch' });
    const a = (await officer.gql<{ assignMember: { id: string } }>(ASSIGN, { s: session.id, m: members.an, role: 'TRAINER' })).data!.assignMember.id;
    const oldStart = utcOf(`${day(30)}T08:00`).toISOString();
    const oldJob = jobIdOf(JobName.SessionReminder, `${session.id}:${oldStart}`);
    const delayed = await eventually(async () => queue.getJob(oldJob));
    expect(Math.abs(delayed.timestamp + delayed.delay - (Date.parse(oldStart) - 24 * 3600_000))).toBeLessThan(1000);

    const moved = await lead.gql<{
      rescheduleSession: { version: number; startsAt: string; endsAt: string; history: { version: number; startsAt: string; reason: string | null }[] };
    }>(RESCHEDULE, {
      id: session.id,
      input: { startsAt: `${day(31)}T14:00`, reason: 'Trùng lịch họp tổ dân phố' },
    });
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.rescheduleSession).toMatchObject({
      version: 2,
      startsAt: `${day(31)}T14:00:00+07:00`,
      endsAt: `${day(31)}T16:00:00+07:00`, // the duration is kept
      history: [
        { version: 2, startsAt: `${day(31)}T14:00:00+07:00`, reason: 'Trùng lịch họp tổ dân phố' },
        { version: 1, startsAt: `${day(30)}T08:00:00+07:00`, reason: null },
      ],
    });
    // The same change again changes nothing and sends nothing.
    await lead.gql(RESCHEDULE, { id: session.id, input: { startsAt: `${day(31)}T14:00` } });

    const [notice] = await eventually(() => mailsWith(`session-change:${a}:`).length > 0 && mailsWith(`session-change:${a}:`));
    expect(dedupeKey(notice)).toBe(`session-change:${a}:v2`);
    expect(notice.parsed.subject).toContain('Thay đổi lịch');
    expect(notice.parsed.text).toContain('Lý do: Trùng lịch họp tổ dân phố');
    expect(notice.parsed.text).toContain('14:00–16:00');
    expect(ics(notice)).toContain('SEQUENCE:2');

    const newStart = utcOf(`${day(31)}T14:00`).toISOString();
    const newJob = jobIdOf(JobName.SessionReminder, `${session.id}:${newStart}`);
    const next = await eventually(async () => queue.getJob(newJob));
    expect(Math.abs(next.timestamp + next.delay - (Date.parse(newStart) - 24 * 3600_000))).toBeLessThan(1000);
    await eventually(async () => (await queue.getJob(oldJob)) === undefined); // removed from the delayed set

    // The reminder's time comes (promoted to now): one reminder, with the new start in its key.
    await next.promote();
    const [reminder] = await eventually(() => mailsWith(`reminder:${a}:`).length > 0 && mailsWith(`reminder:${a}:`));
    expect(dedupeKey(reminder)).toBe(`reminder:${a}:${newStart}`);
    expect(reminder.parsed.subject).toContain('Nhắc lịch');
    // A retried reminder job (and the stale one, had it run) sends nothing more.
    const registry = t.app.get(JobHandlerRegistry);
    await registry.run(JobName.SessionReminder, { sessionId: session.id, startsAt: newStart }, { jobId: 'retry', attempt: 2 });
    await registry.run(JobName.SessionReminder, { sessionId: session.id, startsAt: oldStart }, { jobId: 'stale', attempt: 1 });
    await new Promise((r) => setTimeout(r, 700));
    expect(mailsWith(`reminder:${a}:`)).toHaveLength(1);
    expect(mailsWith(`session-change:${a}:`)).toHaveLength(1);
    const audit = await t.db.query<{ operation: string }>(`SELECT operation FROM audit_event WHERE object_id = $1 ORDER BY id`, [session.id]);
    expect(audit.map((e) => e.operation)).toEqual(['session.plan', 'session.reschedule']);
  });

  it('cancel: a notice to each member, the reminder removed, and the session can no longer change', async () => {
    const session = await plan({ startsAt: `${day(40)}T08:00`, endsAt: `${day(40)}T09:00`, title: 'Buổi sẽ hủy' });
    const a = (await officer.gql<{ assignMember: { id: string } }>(ASSIGN, { s: session.id, m: members.binh, role: 'ASSISTANT' })).data!.assignMember.id;
    const start = utcOf(`${day(40)}T08:00`).toISOString();
    const job = jobIdOf(JobName.SessionReminder, `${session.id}:${start}`);
    await eventually(async () => queue.getJob(job));

    expect(errorOf(await lead.gql(`mutation($id: UUID!) { cancelSession(id: $id, reason: "") { id } }`, { id: session.id }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: ['reason'], reason: 'REASON_NEEDED', params: { min: 3, max: 500 } }],
    });
    const cancelled = await lead.gql<{ cancelSession: { status: string; cancelReason: string } }>(
      `mutation($id: UUID!) { cancelSession(id: $id, reason: "Mưa bão, mất điện") { status cancelReason } }`,
      { id: session.id },
    );
    expect(cancelled.data!.cancelSession).toEqual({ status: 'CANCELLED', cancelReason: 'Mưa bão, mất điện' });

    const [notice] = await eventually(() => mailsWith(`session-cancelled:${a}`).length === 1 && mailsWith(`session-cancelled:${a}`));
    expect(notice.parsed.subject).toContain('Hủy buổi tập huấn: Buổi sẽ hủy');
    expect(notice.parsed.text).toContain('Lý do: Mưa bão, mất điện');
    expect(ics(notice)).toContain('STATUS:CANCELLED');
    await eventually(async () => (await queue.getJob(job)) === undefined);
    // Even a reminder job that was already running sends nothing for a cancelled session.
    await t.app.get(JobHandlerRegistry).run(JobName.SessionReminder, { sessionId: session.id, startsAt: start }, { jobId: 'late', attempt: 1 });
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsWith(`reminder:${a}:`)).toHaveLength(0);

    expect(errorOf(await lead.gql(RESCHEDULE, { id: session.id, input: { place: 'Nơi khác' } }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'SESSION_CANCELLED',
    });
    expect(errorOf(await officer.gql(ASSIGN, { s: session.id, m: members.an, role: 'SUPPORTER' }))).toMatchObject({
      code: 'CONFLICT',
      fields: [{ path: ['input', 'sessionId'], reason: 'SESSION_CANCELLED' }],
    });
    const events = await t.db.query<{ members: string[] }>(`SELECT members FROM change_event WHERE $1 = ANY(sessions) ORDER BY id DESC LIMIT 1`, [session.id]);
    expect(events[0].members).toEqual([members.binh]);
  });

  it("a volunteer sees their agenda, accepts or declines with a reason; the officer sees the answer; others' assignments are not found", async () => {
    const session = await plan({ startsAt: `${day(15)}T15:00`, endsAt: `${day(15)}T17:00`, title: 'Buổi cho tình nguyện viên' });
    const mine = (await officer.gql<{ assignMember: { id: string } }>(ASSIGN, { s: session.id, m: members.dung, role: 'SUPPORTER' })).data!.assignMember.id;
    const theirs = (await officer.gql<{ assignMember: { id: string } }>(ASSIGN, { s: session.id, m: members.an, role: 'TRAINER' })).data!.assignMember.id;

    const agenda = await volunteer.gql<{
      myAgenda: {
        calendarFeedUrl: string;
        weeklyAgendaSubscribed: boolean;
        member: { fullName: string };
        assignments: { id: string; session: { title: string; groupName: string; group: null; assignments: { id: string }[] } }[];
      };
    }>(
      `{ myAgenda { calendarFeedUrl weeklyAgendaSubscribed member { fullName } assignments { id session { title groupName group { id } assignments { id } } } } }`,
    );
    expect(agenda.errors).toBeUndefined();
    const item = agenda.data!.myAgenda.assignments.find((x) => x.id === mine)!;
    // The volunteer sees the session and the organiser's name, but only their own assignment and no directory data.
    expect(item.session).toMatchObject({ title: 'Buổi cho tình nguyện viên', group: null, assignments: [{ id: mine }] });
    expect(item.session.groupName.length).toBeGreaterThan(0);
    expect(agenda.data!.myAgenda).toMatchObject({ weeklyAgendaSubscribed: true, member: { fullName: 'Phạm Minh Dũng' } });
    expect(agenda.data!.myAgenda.calendarFeedUrl).toMatch(new RegExp(`^https://cdtg.danang.test/calendar/${members.dung}\\.ics\\?sig=`));

    const RESPOND = `mutation($id: UUID!, $accept: Boolean!, $reason: String) { respondToAssignment(input: { assignmentId: $id, accept: $accept, reason: $reason }) { status reason } }`;
    expect(errorOf(await volunteer.gql(RESPOND, { id: mine, accept: false }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: ['input', 'reason'], reason: 'REASON_NEEDED' }],
    });
    expect(errorOf(await volunteer.gql(RESPOND, { id: theirs, accept: true }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await volunteer.gql(RESPOND, { id: mine, accept: true })).data).toEqual({ respondToAssignment: { status: 'ACCEPTED', reason: null } });
    expect((await volunteer.gql(RESPOND, { id: mine, accept: false, reason: 'Bận đưa con đi khám bệnh' })).data).toEqual({
      respondToAssignment: { status: 'DECLINED', reason: 'Bận đưa con đi khám bệnh' },
    });
    // An officer records an answer given by phone.
    const recorded = await officer.gql(`mutation($id: UUID!) { recordAssignmentResponse(input: { assignmentId: $id, accept: true }) { status } }`, {
      id: theirs,
    });
    expect(recorded.data).toEqual({ recordAssignmentResponse: { status: 'ACCEPTED' } });

    const seen = await officer.gql<{
      session: { assignments: { memberName: string; status: string; reason: string | null; member: { phone: string } | null }[] };
    }>(`query($id: UUID!) { session(id: $id) { assignments { memberName status reason member { phone } } } }`, { id: session.id });
    expect(seen.data!.session.assignments).toEqual([
      { memberName: 'Nguyễn Văn An', status: 'ACCEPTED', reason: null, member: { phone: '+84905400001' } },
      { memberName: 'Phạm Minh Dũng', status: 'DECLINED', reason: 'Bận đưa con đi khám bệnh', member: { phone: '+84905400004' } },
    ]);
    const officerAgenda = await officer.gql<{ memberAgenda: { id: string }[] }>(`query($m: UUID!) { memberAgenda(memberId: $m) { id } }`, { m: members.an });
    expect(officerAgenda.data!.memberAgenda.map((x) => x.id)).toContain(theirs);
  });

  it('logs attendance after the session (planned → held) and audits corrections', async () => {
    const session = await plan({ title: 'Buổi đã diễn ra', startsAt: `${day(3)}T08:00`, endsAt: `${day(3)}T10:00` });
    const LOG = `mutation($id: UUID!, $input: AttendanceInput!) { logAttendance(sessionId: $id, input: $input) { status attendanceDue attendance { female { under35 from35To59 age60Plus } male { age60Plus } total unclassified practicalSteps { topicCode completed } } } }`;
    const input = {
      femaleUnder35: 3,
      female35To59: 5,
      female60Plus: 12,
      maleUnder35: 1,
      male35To59: 4,
      male60Plus: 9,
      practicalSteps: [{ topic: 'vneid', completed: 18 }],
    };
    expect(errorOf(await lead.gql(LOG, { id: session.id, input }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: ['sessionId'], reason: 'SESSION_NOT_STARTED', params: { startsAt: utcOf(`${day(3)}T08:00`).toISOString() } }],
    }); // not started yet

    // Time passes: the session took place yesterday.
    await t.db.query(`UPDATE training_session SET starts_at = now() - interval '26 hours', ends_at = now() - interval '24 hours' WHERE id = $1`, [session.id]);
    const due = await lead.gql<{ sessions: { edges: { node: { id: string } }[] } }>(
      `{ sessions(first: 50, filter: { attendanceDue: true }) { edges { node { id } } } }`,
    );
    expect(due.data!.sessions.edges.map((e) => e.node.id)).toContain(session.id);

    expect(errorOf(await lead.gql(LOG, { id: session.id, input: { ...input, total: 10 } }))).toMatchObject({
      fields: [{ path: ['input', 'total'], reason: 'TOTAL_BELOW_COUNTED', params: { sum: 34 } }],
    });
    expect(errorOf(await lead.gql(LOG, { id: session.id, input: { ...input, practicalSteps: [{ topic: 'ehealth', completed: 1 }] } }))).toMatchObject({
      fields: [{ path: ['input', 'practicalSteps', '0', 'topic'], reason: 'NOT_A_SESSION_TOPIC', params: { topics: ['vneid', 'online_safety'] } }],
    });
    const logged = await lead.gql(LOG, { id: session.id, input: { ...input, total: 36 } });
    expect(logged.data).toEqual({
      logAttendance: {
        status: 'HELD',
        attendanceDue: false,
        attendance: {
          female: { under35: 3, from35To59: 5, age60Plus: 12 },
          male: { age60Plus: 9 },
          total: 36,
          unclassified: 2,
          practicalSteps: [{ topicCode: 'vneid', completed: 18 }],
        },
      },
    });
    await lead.gql(LOG, { id: session.id, input: { ...input, female60Plus: 13 } });
    const [row] = await t.db.query(`SELECT status, female_60_plus, participants_total, practical_completions FROM training_session WHERE id = $1`, [
      session.id,
    ]);
    expect(row).toEqual({ status: 'held', female_60_plus: 13, participants_total: 35, practical_completions: { vneid: 18 } });
    const audit = await t.db.query<{ operation: string; before: Record<string, unknown> | null; after: Record<string, unknown> }>(
      `SELECT operation, before, after FROM audit_event WHERE object_id = $1 AND operation LIKE 'session.attendance%' ORDER BY id`,
      [session.id],
    );
    expect(audit.map((e) => e.operation)).toEqual(['session.attendance', 'session.attendance.correct']);
    expect(audit[1].before).toMatchObject({ female60Plus: 12, total: 36 });
    expect(audit[1].after).toMatchObject({ female60Plus: 13, total: 35 });
    expect(await t.db.query(`SELECT 1 FROM change_event WHERE $1 = ANY(sessions)`, [session.id])).toHaveLength(3); // planned, logged, corrected

    // A phone logged offline: its attendance carries a client id. Sent again (the answer was lost), it changes nothing,
    // even after an officer's correction in between; another id is a new correction.
    const clientId = randomUUID();
    const phone = { ...input, male60Plus: 10, clientId };
    expect((await lead.gql(LOG, { id: session.id, input: phone })).errors).toBeUndefined();
    await officer.gql(LOG, { id: session.id, input: { ...input, male60Plus: 11 } });
    const again = await lead.gql<{ logAttendance: { attendance: { male: { age60Plus: number } } } }>(LOG, { id: session.id, input: phone });
    expect(again.data!.logAttendance.attendance.male.age60Plus).toBe(11);
    const operations = await t.db.query(`SELECT 1 FROM audit_event WHERE object_id = $1 AND operation LIKE 'session.attendance%'`, [session.id]);
    expect(operations).toHaveLength(4); // logged, corrected, the phone's, the officer's: the phone's second send is not one
    expect(await t.db.query(`SELECT 1 FROM change_event WHERE $1 = ANY(sessions)`, [session.id])).toHaveLength(5);
  });

  it('suggests free members of the commune, ranked by skills, nearness and fairness, and explains each score', async () => {
    const session = await plan({ startsAt: `${day(50)}T08:00`, endsAt: `${day(50)}T10:00`, title: 'Buổi cần gợi ý', topics: ['vneid', 'public_services'] });
    const Q = `query($s: UUID!) { sessionSuggestions(sessionId: $s, first: 50) { score skillPoints localityPoints fairnessPoints matchedSkills recentAssignments member { id fullName } vi: explanation en: explanation(language: EN) } }`;
    type S = {
      score: number;
      skillPoints: number;
      localityPoints: number;
      fairnessPoints: number;
      matchedSkills: string[];
      recentAssignments: number;
      member: { id: string; fullName: string };
      vi: string;
      en: string;
    };
    const res = await officer.gql<{ sessionSuggestions: S[] }>(Q, { s: session.id });
    expect(res.errors).toBeUndefined();
    const list = res.data!.sessionSuggestions;
    const an = list.find((x) => x.member.id === members.an)!;
    // An teaches both topics and is in the organising group; assignments in the last 30 days lower the fairness part.
    expect(an).toMatchObject({ skillPoints: 50, localityPoints: 30, matchedSkills: ['vneid', 'public_services'] });
    expect(an.fairnessPoints).toBe(Math.round((20 / (1 + an.recentAssignments)) * 10) / 10);
    expect(an.score).toBeCloseTo(an.skillPoints + an.localityPoints + an.fairnessPoints, 5);
    expect(an.vi).toContain('Kỹ năng phù hợp 2/2');
    expect(an.en).toContain('matching skills 2/2');
    expect(list.map((x) => x.score)).toEqual([...list.map((x) => x.score)].sort((a, b) => b - a));
    // Nobody outside the officer's ward, and not the inactive member.
    expect(list.map((x) => x.member.id)).not.toContain(members.other);
    expect(list.map((x) => x.member.id)).not.toContain(members.chi);

    // Once An is busy at that time, An is no longer suggested.
    const same = await plan({ startsAt: `${day(50)}T09:00`, endsAt: `${day(50)}T11:00`, title: 'Buổi cùng giờ' });
    await officer.gql(ASSIGN, { s: same.id, m: members.an, role: 'TRAINER' });
    const again = await officer.gql<{ sessionSuggestions: S[] }>(Q, { s: session.id });
    expect(again.data!.sessionSuggestions.map((x) => x.member.id)).not.toContain(members.an);
  });

  it("serves each volunteer's sessions as an iCalendar feed behind a signed link", async () => {
    const agenda = await volunteer.gql<{ myAgenda: { calendarFeedUrl: string } }>(`{ myAgenda { calendarFeedUrl } }`);
    const url = new URL(agenda.data!.myAgenda.calendarFeedUrl);
    const feed = await request(t.url).get(`${url.pathname}${url.search}`);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(feed.text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(feed.text).toContain('X-WR-CALNAME:Training sessions – Phạm Minh Dũng');
    expect(feed.text).toContain('Hướng dẫn cài VNeID\\, thanh toán số'); // Dũng's pending assignment
    const pendingEvent = feed.text.split('BEGIN:VEVENT').find((e) => e.includes('Hướng dẫn cài VNeID'))!;
    expect(pendingEvent).toContain('STATUS:TENTATIVE'); // not answered yet: not CONFIRMED
    expect(feed.text).not.toContain('Buổi cho tình nguyện viên'); // declined
    const tampered = await request(t.url).get(`${url.pathname}?sig=${'A'.repeat(43)}`);
    expect(tampered.status).toBe(404);
    const otherMember = await request(t.url).get(`/calendar/${members.an}.ics${url.search}`);
    expect(otherMember.status).toBe(404);
  });

  it('the weekly agenda: a job scheduler for Monday 07:00 Vietnam time, one e-mail per volunteer, and an unsubscribe link', async () => {
    // The week is the application's: held still, the runs below fall in one week even at midnight between Sunday and Monday.
    t.clock.set(t.clock.now());
    const scheduler = await queue.getJobScheduler('weekly-agenda');
    expect(scheduler).toMatchObject({ pattern: '0 7 * * 1', tz: 'Asia/Ho_Chi_Minh' });
    const next = new Date(scheduler!.next!);
    expect(next.getUTCDay()).toBe(1); // Monday…
    expect(next.getUTCHours()).toBe(0); // …07:00 in Vietnam is 00:00 UTC

    const soon = await plan({ startsAt: `${day(2)}T08:00`, endsAt: `${day(2)}T09:00`, title: 'Buổi trong tuần' });
    await officer.gql(ASSIGN, { s: soon.id, m: members.binh, role: 'TRAINER' });
    await officer.gql(ASSIGN, { s: soon.id, m: members.an, role: 'ASSISTANT' });

    // Bình unsubscribes through the link of an earlier weekly e-mail: GET shows a page, POST changes the choice.
    const registry = t.app.get(JobHandlerRegistry);
    await registry.run(JobName.WeeklyAgenda, {}, { jobId: 'week-1', attempt: 1 });
    const [first] = await eventually(
      () =>
        smtp.to('binh@example.vn').filter((m) => dedupeKey(m).startsWith('weekly-agenda:')).length === 1 &&
        smtp.to('binh@example.vn').filter((m) => dedupeKey(m).startsWith('weekly-agenda:')),
    );
    expect(first.parsed.subject).toMatch(/^Lịch tập huấn tuần từ/);
    expect(first.parsed.text).toContain('Buổi trong tuần');
    const header = (key: string) => first.parsed.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]+:\s*/, '');
    const unsubscribe = String(header('list-unsubscribe')).replace(/^<|>$/g, '');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = new URL(unsubscribe);
    const page = await request(t.url).get(`${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Bạn đang nhận thư lịch tập huấn hằng tuần');
    const oneClick = await request(t.url).post(`${link.pathname}${link.search}`).type('form').send('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(oneClick.text).toContain('Bạn đã hủy đăng ký');
    expect((await request(t.url).post(`${link.pathname}?member=${members.binh}&sig=wrong`)).status).toBe(404);

    // The job runs again the same week (a retry, a second worker): nobody gets a second e-mail.
    await registry.run(JobName.WeeklyAgenda, {}, { jobId: 'week-1', attempt: 2 });
    await new Promise((r) => setTimeout(r, 700));
    expect(smtp.to('an@example.vn').filter((m) => dedupeKey(m).startsWith('weekly-agenda:'))).toHaveLength(1);
    expect(smtp.to('binh@example.vn').filter((m) => dedupeKey(m).startsWith('weekly-agenda:'))).toHaveLength(1);
    // Next week, Bình (unsubscribed) gets none: the job queues no e-mail for Bình.
    await t.db.query(`DELETE FROM email_message WHERE dedupe_key LIKE 'weekly-agenda:%'`);
    await registry.run(JobName.WeeklyAgenda, {}, { jobId: 'week-2', attempt: 1 });
    const queued = await t.db.query<{ to_address: string }>(`SELECT to_address FROM email_message WHERE dedupe_key LIKE 'weekly-agenda:%'`);
    expect(queued.map((q) => q.to_address)).toContain('an@example.vn');
    expect(queued.map((q) => q.to_address)).not.toContain('binh@example.vn');
    // …and can resume from the same page.
    const resumed = await request(t.url).post(`${link.pathname}${link.search}&subscribe=true`);
    expect(resumed.text).toContain('Bạn đang nhận thư lịch tập huấn hằng tuần');
  });

  it('loads nested fields of a session list with the same number of SQL statements for 3 and 12 sessions (no N+1)', async () => {
    const query = (n: number) =>
      `{ sessions(first: ${n}, filter: { unitCode: "20242" }) { edges { node { title startsAt unit { name } group { name } groupName topics { nameVi } attendance { total } history { version unit { code } } assignments { memberName status member { fullName } session { id } } } } } }`;
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    const count = async (n: number) => {
      spy.mockClear();
      const res = await officer.gql<{ sessions: { edges: unknown[] } }>(query(n));
      expect(res.data!.sessions.edges).toHaveLength(n);
      // Statements of this request only: the worker's relay and handlers poll on their own schedule.
      return spy.mock.calls.filter((c) => !/outbox_message|change_event|email_message|notice|advisory|^START TRANSACTION|^COMMIT|^ROLLBACK/.test(String(c[0])))
        .length;
    };
    const few = await count(3);
    const many = await count(12);
    spy.mockRestore();
    expect(many).toBe(few);
  });

  it('shows times in Vietnam time everywhere', () => {
    expect(formatVietnamTime(new Date('2026-12-04T17:30:00Z'))).toBe('2026-12-05T00:30:00+07:00');
  });
});
