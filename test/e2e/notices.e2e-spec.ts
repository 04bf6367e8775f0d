import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { NoticeDeliveryService } from '@cdtg/notifications';
import { vietnamDate } from '@cdtg/time';
import { eventually, GqlResponse, startTestApp, TestApp } from '../support/app';
import { FakeSms, FakeZns } from '../support/fake-providers';
import { TestSmtpServer } from '../support/smtp';
import { createUser, TestUser } from '../support/users';

/**
 * Notices by phone, exactly once: the real API and worker (BullMQ on Redis, PostgreSQL), an SMTP server and fake
 * Zalo ZNS and SMS gateway servers on 127.0.0.1 speaking the providers' shapes (token refresh, error codes, rate
 * limits, timeouts, delivery callbacks). Each notice reaches a member once, on one channel, whatever fails.
 */

const ASSIGN = `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: SUPPORTER }) { id status } }`;
const CONSENT = `mutation($input: RecordNoticeConsentInput!) { recordNoticeConsent(input: $input) {
  memberId preferredChannel channels { channel granted since { source recordedByLabel } } history { channel granted source recordedByLabel recordedAt } } }`;
const NOTICES = `query($m: UUID!) { memberNotices(memberId: $m) { preferredChannel channels { channel granted } history { channel granted source } } }`;
const PREFER = `mutation($m: UUID!, $c: NoticeChannel) { setPreferredNoticeChannel(memberId: $m, channel: $c) { preferredChannel } }`;

const day = (n: number) => vietnamDate(new Date(Date.now() + n * 86_400_000));
const errorOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions;

interface NoticeRow {
  id: string;
  status: string;
  channel: string | null;
  delivered_at: Date | null;
}
interface AttemptRow {
  channel: string;
  status: string;
  calls: number;
  uncertain: boolean;
  error: string | null;
  delivered_at: Date | null;
}

describe('notices by phone: channels, consent, exactly once, receipts, signed links', () => {
  let smtp: TestSmtpServer;
  let zns: FakeZns;
  let sms: FakeSms;
  let t: TestApp;
  let officer: TestUser;
  let otherOfficer: TestUser;
  let lead: TestUser;
  let groupId: string;
  let placeId: string;
  let seq = 0;
  let phoneSeq = 0;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    zns = await new FakeZns().start();
    sms = await new FakeSms().start();
    t = await startTestApp({
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cdtg.danang.test', PROVIDER_TIMEOUT_MS: '400', ...zns.env(), ...sms.env() },
    });
    zns.callbackBase = t.url;
    sms.callbackBase = t.url;
    await loadDemoCity(t.app.get(DataSource));
    const groups = await t.gql<{ groups: { edges: { node: { id: string } }[] } }>(
      `{ groups(first: 1, filter: { unitCode: "20242" }) { edges { node { id } } } }`,
    );
    groupId = groups.data!.groups.edges[0].node.id;
    const children = await t.gql<{ unitChildren: { id: string; kind: string }[] }>(`{ unitChildren(code: "20242") { id kind } }`);
    placeId = children.data!.unitChildren.find((u) => u.kind === 'RESIDENTIAL_GROUP')!.id;
    officer = await createUser(t, { email: 'phuong.haichau@cdtg.test', role: Role.WardOfficer, unitCode: '20242', displayName: 'Cán bộ phường Hải Châu' });
    otherOfficer = await createUser(t, { email: 'phuong.khac@cdtg.test', role: Role.WardOfficer, unitCode: '20194', displayName: 'Cán bộ phường khác' });
    lead = await createUser(t, { email: 'totruong@cdtg.test', role: Role.GroupLead, groupId });
  }, 120_000);

  afterEach(() => {
    zns.clearFaults();
    sms.clearFaults();
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
    await zns?.stop();
    await sms?.stop();
  });

  /** A new member of the group: phone 0905 5xx xxx (E.164 +849055…), with or without an e-mail address. */
  async function member(email: string | null = null): Promise<{ id: string; phone: string }> {
    const n = String(++phoneSeq).padStart(5, '0');
    const res = await t.gql<{ createMember: { id: string } }>(`mutation($input: CreateMemberInput!) { createMember(input: $input) { id } }`, {
      input: { groupId, fullName: `Thành viên Số ${phoneSeq}`, phone: `0905 5${n.slice(0, 2)} ${n.slice(2)}`, email, skills: [] },
    });
    expect(res.errors).toBeUndefined();
    return { id: res.data!.createMember.id, phone: `849055${n}` };
  }

  async function consent(memberId: string, channel: string, granted = true, source = 'PAPER_FORM') {
    const res = await officer.gql(CONSENT, { input: { memberId, channel, granted, source } });
    expect(res.errors).toBeUndefined();
  }

  async function session(): Promise<string> {
    const res = await lead.gql<{ planSession: { id: string } }>(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
      input: {
        groupId,
        unitId: placeId,
        title: `Hướng dẫn VNeID ${++seq}`,
        topics: ['vneid'],
        // A day each, so that one member's sessions never overlap.
        startsAt: `${day(3 + seq)}T08:00`,
        endsAt: `${day(3 + seq)}T10:00`,
        place: 'Nhà văn hóa tổ 5',
        capacity: 30,
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.planSession.id;
  }

  /** Assigns the member to a new session; returns the assignment and its notice's id (the providers' reference). */
  async function assign(memberId: string): Promise<{ assignmentId: string; noticeId: string }> {
    const res = await officer.gql<{ assignMember: { id: string } }>(ASSIGN, { s: await session(), m: memberId });
    expect(res.errors).toBeUndefined();
    const assignmentId = res.data!.assignMember.id;
    const [row] = await t.db.query<{ id: string }>(`SELECT id FROM notice WHERE dedupe_key = $1`, [`assignment:${assignmentId}`]);
    return { assignmentId, noticeId: row.id };
  }

  const notice = async (id: string) => (await t.db.query<NoticeRow>(`SELECT id, status, channel, delivered_at FROM notice WHERE id = $1`, [id]))[0];
  const attempts = (id: string) =>
    t.db.query<AttemptRow>(`SELECT channel, status, calls, uncertain, error, delivered_at FROM notice_attempt WHERE notice_id = $1 ORDER BY started_at`, [id]);
  const settled = (id: string) => eventually(async () => ['delivered', 'undeliverable'].includes((await notice(id)).status) && notice(id), 20_000);
  const mailsFor = (key: string) => smtp.messages.filter((m) => String(m.parsed.headers.get('x-cdtg-dedupe-key')) === key);
  /** What each channel carried for one notice. */
  const carried = (noticeId: string, assignmentId: string) => ({
    zns: zns.messages.filter((m) => m.ref === noticeId).length,
    sms: sms.messages.filter((m) => m.ref === noticeId).length,
    email: mailsFor(`assignment:${assignmentId}`).length,
  });

  it('records consent per channel with its source and who recorded it, keeps the history on withdrawal, and checks scope', async () => {
    const m = await member('nguoi.dong.y@example.vn');
    const given = await officer.gql<{ recordNoticeConsent: { channels: { channel: string; granted: boolean }[]; history: unknown[] } }>(CONSENT, {
      input: { memberId: m.id, channel: 'ZALO_ZNS', granted: true, source: 'PAPER_FORM' },
    });
    expect(given.errors).toBeUndefined();
    expect(given.data!.recordNoticeConsent.channels).toEqual([
      { channel: 'EMAIL', granted: true, since: null },
      { channel: 'ZALO_ZNS', granted: true, since: { source: 'PAPER_FORM', recordedByLabel: expect.any(String) } },
      { channel: 'SMS', granted: false, since: null },
    ]);
    await consent(m.id, 'ZALO_ZNS', false, 'PHONE_CALL');
    const after = await officer.gql<{ memberNotices: { channels: { channel: string; granted: boolean }[]; history: { granted: boolean; source: string }[] } }>(
      NOTICES,
      { m: m.id },
    );
    expect(after.data!.memberNotices.channels.find((c) => c.channel === 'ZALO_ZNS')!.granted).toBe(false);
    expect(after.data!.memberNotices.history).toEqual([
      { channel: 'ZALO_ZNS', granted: false, source: 'PHONE_CALL' },
      { channel: 'ZALO_ZNS', granted: true, source: 'PAPER_FORM' },
    ]);
    // Each change is in the audit log under the member, by the officer.
    const audit = await t.db.query<{ operation: string; actor_label: string }>(
      `SELECT operation, actor_label FROM audit_event WHERE object_type = 'member' AND object_id = $1 AND operation LIKE 'notice.%'`,
      [m.id],
    );
    expect(audit.map((a) => a.operation).sort()).toEqual(['notice.consent', 'notice.consent-withdrawn']);
    expect(audit.map((a) => a.actor_label)).toEqual([officer.email, officer.email]);
    expect(
      (await officer.gql<{ setPreferredNoticeChannel: { preferredChannel: string } }>(PREFER, { m: m.id, c: 'SMS' })).data!.setPreferredNoticeChannel,
    ).toEqual({
      preferredChannel: 'SMS',
    });
    // Another ward's officer can neither read nor record; the lead (no directory management) cannot record.
    expect(errorOf(await otherOfficer.gql(NOTICES, { m: m.id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await otherOfficer.gql(CONSENT, { input: { memberId: m.id, channel: 'SMS', granted: true, source: 'IN_PERSON' } }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(errorOf(await otherOfficer.gql(PREFER, { m: m.id, c: 'EMAIL' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await lead.gql(CONSENT, { input: { memberId: m.id, channel: 'SMS', granted: true, source: 'IN_PERSON' } }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    // A channel or source that does not exist, an id that is not one, a member that does not exist.
    expect(errorOf(await officer.gql(CONSENT, { input: { memberId: m.id, channel: 'FAX', granted: true, source: 'IN_PERSON' } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(errorOf(await officer.gql(NOTICES, { m: 'not-an-id' }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(
      errorOf(await t.gql(CONSENT, { input: { memberId: '00000000-0000-4000-8000-000000000000', channel: 'SMS', granted: true, source: 'IN_PERSON' } })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.db.query(`SELECT 1 FROM notice_consent WHERE member_id = '00000000-0000-4000-8000-000000000000'`)).toHaveLength(0);
  });

  it('without consent to a phone channel, the notice goes by e-mail only; without an address and consent, nowhere', async () => {
    const m = await member('chi.email@example.vn');
    const a = await assign(m.id);
    expect((await settled(a.noticeId)).channel).toBe('email');
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 0, sms: 0, email: 1 });
    expect((await notice(a.noticeId)).status).toBe('delivered');

    const silent = await member(null);
    const b = await assign(silent.id);
    expect(await settled(b.noticeId)).toMatchObject({ status: 'undeliverable', channel: null });
    expect(carried(b.noticeId, b.assignmentId)).toEqual({ zns: 0, sms: 0, email: 0 });
  });

  it('by ZNS with consent: the approved template, the phone as 84…, a short signed link; the token is refreshed and rotated; the receipt marks it delivered', async () => {
    const m = await member('zns.email@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    const a = await assign(m.id);
    const done = await settled(a.noticeId);
    expect(done).toMatchObject({ status: 'delivered', channel: 'zns' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 1, sms: 0, email: 0 });
    const sent = zns.messages.find((x) => x.ref === a.noticeId)!;
    expect(sent.phone).toBe(m.phone);
    expect(sent.body).toMatchObject({ template_id: '1001', tracking_id: a.noticeId });
    const data = (sent.body as { template_data: Record<string, string> }).template_data;
    expect(data).toMatchObject({
      member_name: expect.stringContaining('Thành viên'),
      session_time: expect.stringMatching(/^08:00 \d\d\/\d\d\/\d{4}$/),
      role: 'hỗ trợ',
    });
    expect(data.respond_url).toMatch(/^https:\/\/cdtg\.danang\.test\/r\/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(zns.refreshes).toBeGreaterThanOrEqual(1);
    const [token] = await t.db.query<{ refresh_token: string; access_token: string }>(`SELECT refresh_token, access_token FROM notice_provider_token`);
    // Kept sealed, never in clear.
    expect(token.refresh_token).toMatch(/^sealed:v1:/);
    expect(token.access_token).not.toContain(zns.accessToken!);
    const [attempt] = await attempts(a.noticeId);
    expect(attempt).toMatchObject({ channel: 'zns', status: 'accepted', calls: 1 });
    expect(attempt.delivered_at).not.toBeNull();
    // The signed link is not kept readable once sent.
    const [params] = await t.db.query<{ params: { respondUrl: string; calendarUrl: string } }>(`SELECT params FROM notice WHERE id = $1`, [a.noticeId]);
    expect(params.params).toMatchObject({ respondUrl: '[sent]', calendarUrl: '[sent]' });
  });

  it('an access token Zalo no longer takes (-124) is refreshed once and the message sent; the rotated refresh token is kept', async () => {
    const m = await member(null);
    await consent(m.id, 'ZALO_ZNS');
    const before = zns.refreshes;
    const [stored] = await t.db.query<{ refresh_token: string }>(`SELECT refresh_token FROM notice_provider_token`);
    zns.failNext('bad-token');
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ channel: 'zns', status: 'delivered' });
    expect(zns.refreshes).toBe(before + 1);
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 1, sms: 0, email: 0 });
    const [after] = await t.db.query<{ refresh_token: string }>(`SELECT refresh_token FROM notice_provider_token`);
    expect(after.refresh_token).not.toBe(stored.refresh_token);
  });

  it('falls back ZNS refused (not on Zalo) → SMS, and ZNS out of quota → SMS; never a second channel after the first took it', async () => {
    const m = await member('fallback@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    zns.notOnZalo.add(m.phone);
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ status: 'delivered', channel: 'sms' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 0, sms: 1, email: 0 });
    expect((await attempts(a.noticeId)).map((x) => [x.channel, x.status, x.error])).toEqual([
      ['zns', 'refused', 'zns-118-not-on-zalo'],
      ['sms', 'accepted', null],
    ]);
    const text = String((sms.messages.find((x) => x.ref === a.noticeId)!.body as { text: string }).text);
    expect(text).toMatch(/^cdtg: Bạn được phân công làm hỗ trợ buổi "Hướng dẫn VNeID \d+" 08:00 .* Nhận lời\/từ chối: https:\/\/cdtg\.danang\.test\/r\//);
    expect(text.length).toBeLessThanOrEqual(200);
    zns.notOnZalo.delete(m.phone);

    zns.failNext('quota');
    const b = await assign(m.id);
    expect(await settled(b.noticeId)).toMatchObject({ channel: 'sms' });
    expect(carried(b.noticeId, b.assignmentId)).toEqual({ zns: 0, sms: 1, email: 0 });
    expect((await attempts(b.noticeId))[0]).toMatchObject({ channel: 'zns', status: 'refused', error: 'zns-144-daily-quota-exceeded' });
  });

  it('retries after 5xx, an unknown error and a timeout on the same channel with the same tracking id: one message, no fallback', async () => {
    const m = await member('retry@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    // A slow answer: the app gives up after 400 ms, but Zalo took the message; the retry must not send it again.
    zns.failNext('http500', 'slow', 'unknown-error');
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ status: 'delivered', channel: 'zns' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 1, sms: 0, email: 0 });
    expect(zns.requests.filter((r) => r.ref === a.noticeId).length).toBeGreaterThanOrEqual(4);
    expect((await attempts(a.noticeId))[0]).toMatchObject({ channel: 'zns', status: 'accepted', uncertain: true, calls: 4 });
  });

  it('out of quota after a timeout that Zalo took: retried on ZNS (never SMS), one message', async () => {
    const m = await member(null);
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    zns.failNext('slow', 'quota');
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ channel: 'zns' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 1, sms: 0, email: 0 });
    expect((await attempts(a.noticeId)).map((x) => [x.channel, x.status, x.uncertain])).toEqual([['zns', 'accepted', true]]);
  });

  it('rate limited (429) or down (connection refused) three times: nothing was sent, so the next channel is tried', async () => {
    const m = await member('busy@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    zns.failNext('http429', 'http429', 'http429');
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ channel: 'sms' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 0, sms: 1, email: 0 });
    expect((await attempts(a.noticeId))[0]).toMatchObject({ channel: 'zns', status: 'refused', calls: 3, error: 'http-429' });

    // Both phone providers down: ZNS, then SMS, each refused three times, and the e-mail goes.
    await zns.down();
    await sms.down();
    try {
      const b = await assign(m.id);
      expect(await settled(b.noticeId)).toMatchObject({ channel: 'email' });
      expect(carried(b.noticeId, b.assignmentId)).toEqual({ zns: 0, sms: 0, email: 1 });
      expect((await attempts(b.noticeId)).map((x) => [x.channel, x.status, x.error])).toEqual([
        ['zns', 'refused', 'connection-refused'],
        ['sms', 'refused', 'connection-refused'],
        ['email', 'accepted', null],
      ]);
    } finally {
      await zns.up();
      await sms.up();
    }
  });

  it('consent is checked when the message is sent, not when it was queued', async () => {
    const m = await member('rut.lai@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    // A notice queued while ZNS was consented to (no job: delivered by hand below), then the consent is withdrawn.
    const [row] = await t.db.query<{ id: string }>(
      `INSERT INTO notice (dedupe_key, member_id, phone, email, language, template, params)
       VALUES ('test:withdrawn', $1, $2, 'rut.lai@example.vn', 'vi', 'session-reminder', $3) RETURNING id`,
      [
        m.id,
        `+${m.phone}`,
        JSON.stringify({
          title: 'Buổi thử',
          groupName: 'Tổ 5',
          startsAt: new Date().toISOString(),
          endsAt: new Date().toISOString(),
          place: 'Nhà văn hóa',
          unitName: 'Hải Châu',
          topics: [],
          memberName: 'Rút Lại',
          role: 'supporter',
          calendarUrl: 'https://cdtg.danang.test/calendar/x.ics',
          ics: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
        }),
      ],
    );
    await consent(m.id, 'ZALO_ZNS', false, 'PHONE_CALL');
    expect(await t.app.get(NoticeDeliveryService).deliver(row.id)).toBe('sent');
    expect(zns.requests.filter((r) => r.ref === row.id)).toHaveLength(0);
    expect((await notice(row.id)).channel).toBe('email');
    await eventually(() => mailsFor('test:withdrawn').length === 1);
    // Run again (a retried job): nothing more.
    expect(await t.app.get(NoticeDeliveryService).deliver(row.id)).toBe('already-sent');
    expect(mailsFor('test:withdrawn')).toHaveLength(1);
  });

  it('the preferred channel goes first: SMS before ZNS', async () => {
    const m = await member(null);
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    await officer.gql(PREFER, { m: m.id, c: 'SMS' });
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ channel: 'sms', status: 'delivered' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 0, sms: 1, email: 0 });
  });

  it('the signed link accepts or declines without an account, says refusals in Vietnamese, and refuses a forged link', async () => {
    const m = await member(null);
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    const a = await assign(m.id);
    await settled(a.noticeId);
    const text = String((sms.messages.find((x) => x.ref === a.noticeId)!.body as { text: string }).text);
    const link = new URL(/https:\/\/\S+/.exec(text)![0]);
    expect(link.href.length).toBeLessThanOrEqual(80);
    const page = await request(t.url).get(link.pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Xin chào Thành viên Số');
    expect(page.text).toContain('Chưa trả lời');
    // Declining needs a reason: said in Vietnamese, nothing changes.
    const noReason = await request(t.url).post(link.pathname).type('form').send('answer=decline&reason=');
    expect(noReason.status).toBe(409);
    expect(noReason.text).toContain('Vui lòng cho biết lý do từ chối');
    const accepted = await request(t.url).post(link.pathname).type('form').send('answer=accept');
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('Đã ghi nhận câu trả lời của bạn');
    expect(accepted.text).toContain('data-status="accepted"');
    const [row] = await t.db.query<{ status: string; responded_by: string | null }>(`SELECT status, responded_by FROM session_assignment WHERE id = $1`, [
      a.assignmentId,
    ]);
    expect(row).toEqual({ status: 'accepted', responded_by: null });
    const declined = await request(t.url)
      .post(link.pathname)
      .type('form')
      .send(`answer=decline&reason=${encodeURIComponent('Bận việc gia đình')}`);
    expect(declined.text).toContain('data-status="declined"');
    // The audit names the link as the author.
    const audit = await t.db.query<{ actor_label: string }>(`SELECT actor_label FROM audit_event WHERE object_id = $1 AND operation = 'assignment.decline'`, [
      a.assignmentId,
    ]);
    expect(audit.map((r) => r.actor_label)).toEqual(['signed link']);
    // The member stops messages by phone from the same link: their own withdrawal, e-mail unchanged.
    expect(declined.text).toContain('Ngừng nhận tin nhắn qua Zalo và SMS');
    const stopped = await request(t.url).post(link.pathname).type('form').send('answer=stop-phone');
    expect(stopped.text).toContain('Bạn sẽ không nhận tin nhắn Zalo và SMS nữa');
    expect(stopped.text).not.toContain('Ngừng nhận tin nhắn qua Zalo và SMS');
    const [withdrawal] = await t.db.query<{ channel: string; granted: boolean; source: string; recorded_by: string | null; recorded_by_label: string }>(
      `SELECT channel, granted, source, recorded_by, recorded_by_label FROM notice_consent WHERE member_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [m.id],
    );
    expect(withdrawal).toEqual({ channel: 'sms', granted: false, source: 'member', recorded_by: null, recorded_by_label: 'signed link' });
    // A forged or altered link: 404, nothing changes.
    const [id, sig] = link.pathname.slice(3).split('.');
    expect((await request(t.url).get(`/r/${id}.${sig.slice(0, -1)}A`)).status).toBe(404);
    expect(
      (
        await request(t.url)
          .post(`/r/${id}.${'A'.repeat(22)}`)
          .type('form')
          .send('answer=accept')
      ).status,
    ).toBe(404);
    expect((await request(t.url).get('/r/nonsense')).status).toBe(404);
  });

  it('delivery callbacks need the signature; the per-channel figures count deliveries within 60 s (operators only)', async () => {
    const forged = zns.receipt('nope', '00000000-0000-4000-8000-000000000000');
    const bad = await request(t.url).post('/callbacks/zns').set('content-type', 'application/json').set('x-zevent-signature', 'f'.repeat(64)).send(forged.body);
    expect(bad.status).toBe(401);
    const unsigned = await request(t.url).post('/callbacks/zns').set('content-type', 'application/json').send(forged.body);
    expect(unsigned.status).toBe(401);
    const signed = await request(t.url)
      .post('/callbacks/zns')
      .set('content-type', 'application/json')
      .set('x-zevent-signature', forged.signature)
      .send(forged.body);
    expect(signed.body).toEqual({ outcome: 'unknown-message' });
    expect((await request(t.url).post('/callbacks/sms').set('authorization', 'Bearer wrong').send({ id: 'x', status: 'delivered', ref: 'y' })).status).toBe(
      401,
    );

    const figures = await t.gql<{
      noticeDelivery: { channel: string; sent: number; delivered: number; deliveredWithinTarget: number; p95Seconds: number | null }[];
    }>(`{ noticeDelivery(days: 1) { channel sent delivered deliveredWithinTarget p95Seconds } }`);
    expect(figures.errors).toBeUndefined();
    const by = Object.fromEntries(figures.data!.noticeDelivery.map((f) => [f.channel, f]));
    for (const channel of ['EMAIL', 'ZALO_ZNS', 'SMS']) {
      expect(by[channel].sent).toBeGreaterThan(0);
      expect(by[channel].deliveredWithinTarget).toBeGreaterThan(0);
      expect(by[channel].deliveredWithinTarget).toBeLessThanOrEqual(by[channel].delivered);
    }
    expect(errorOf(await officer.gql(`{ noticeDelivery { channel } }`))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('across everything above: no notice was carried twice, on one channel or two', async () => {
    const rows = await t.db.query<{ id: string; dedupe_key: string }>(`SELECT id, dedupe_key FROM notice`);
    for (const r of rows) {
      const z = zns.messages.filter((m) => m.ref === r.id).length;
      const s = sms.messages.filter((m) => m.ref === r.id).length;
      const e = mailsFor(r.dedupe_key).length;
      expect({ key: r.dedupe_key, total: z + s + e }).toEqual({ key: r.dedupe_key, total: z + s + e > 1 ? 1 : z + s + e });
    }
  });
});
