import { createHmac } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { MailDeliveryService, NoticeDeliveryService, NoticeRetryLater } from '@cdtg/notifications';
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
  answered: number;
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
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cdtg.danang.test', PROVIDER_TIMEOUT_MS: '400', ZNS_RECEIPT_WAIT_MS: '3000', ...zns.env(), ...sms.env() },
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

  /** A notice queued by hand (no job: delivered by calling the service), a reminder to the member's phone. */
  async function manualNotice(m: { id: string; phone: string }, key: string, email: string | null): Promise<string> {
    const [row] = await t.db.query<{ id: string }>(
      `INSERT INTO notice (dedupe_key, member_id, phone, email, language, template, params)
       VALUES ($1, $2, $3, $4, 'vi', 'session-reminder', $5) RETURNING id`,
      [
        key,
        m.id,
        `+${m.phone}`,
        email,
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
    return row.id;
  }

  /** Runs the delivery as the job would, retried (after `pauseMs`) while it asks to be retried later. */
  async function deliverAsJob(noticeId: string, pauseMs = 100): Promise<string> {
    for (let run = 0; run < 60; run++) {
      try {
        return await t.app.get(NoticeDeliveryService).deliver(noticeId);
      } catch (error) {
        if (!(error instanceof NoticeRetryLater)) throw error;
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    }
    throw new Error('still retried');
  }

  /** A worker killed after calling the provider and before recording its answer: a pending attempt, one call unanswered. */
  const killedMidCall = (noticeId: string, channel: 'zns' | 'sms') =>
    t.db.query(`INSERT INTO notice_attempt (notice_id, channel, status, calls, answered) VALUES ($1, $2, 'pending', 1, 0)`, [noticeId, channel]);

  const notice = async (id: string) => (await t.db.query<NoticeRow>(`SELECT id, status, channel, delivered_at FROM notice WHERE id = $1`, [id]))[0];
  const attempts = (id: string) =>
    t.db.query<AttemptRow>(
      `SELECT channel, status, calls, answered, uncertain, error, delivered_at FROM notice_attempt WHERE notice_id = $1 ORDER BY started_at`,
      [id],
    );
  const settled = (id: string) =>
    eventually(async () => ['delivered', 'undeliverable', 'unconfirmed'].includes((await notice(id)).status) && notice(id), 20_000);
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
    // MEMBER is the member's own act: an officer records how the member told them, never as the member.
    const asMember = await officer.gql(CONSENT, { input: { memberId: m.id, channel: 'SMS', granted: true, source: 'MEMBER' } });
    expect(errorOf(asMember)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: ['input', 'source'], reason: 'CONSENT_BY_MEMBER_ONLY' }] });
    expect(await t.db.query(`SELECT 1 FROM notice_consent WHERE member_id = $1 AND channel = 'sms'`, [m.id])).toHaveLength(0);
    // Who recorded each row, as a value the console translates.
    const via = await officer.gql<{ memberNotices: { history: { recordedVia: string }[] } }>(
      `query($m: UUID!) { memberNotices(memberId: $m) { history { recordedVia } } }`,
      { m: m.id },
    );
    expect(via.data!.memberNotices.history.map((h) => h.recordedVia)).toEqual(['OFFICER', 'OFFICER']);
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

  it('after an unknown ZNS answer (5xx, -100, a timeout) ZNS is never called again: its receipt confirms it, or the notice is unconfirmed', async () => {
    const m = await member('retry@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    // A slow answer: the app gives up after 400 ms, but Zalo took the message and its receipt comes: sent, once.
    zns.failNext('slow');
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ status: 'delivered', channel: 'zns' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 1, sms: 0, email: 0 });
    expect(zns.requests.filter((r) => r.ref === a.noticeId)).toHaveLength(1);
    expect((await attempts(a.noticeId))[0]).toMatchObject({ channel: 'zns', status: 'accepted', uncertain: true, calls: 1 });

    // 5xx and -100: no receipt within ZNS_RECEIPT_WAIT_MS (3 s here): unconfirmed, reported, never sent again nor by SMS.
    for (const fault of ['http500', 'unknown-error'] as const) {
      zns.failNext(fault);
      const b = await assign(m.id);
      expect(await settled(b.noticeId)).toMatchObject({ status: 'unconfirmed', channel: null });
      expect(zns.requests.filter((r) => r.ref === b.noticeId)).toHaveLength(1);
      expect(carried(b.noticeId, b.assignmentId)).toEqual({ zns: 0, sms: 0, email: 0 });
      expect(await attempts(b.noticeId)).toMatchObject([{ channel: 'zns', status: 'refused', uncertain: true, calls: 1, error: 'no-receipt' }]);
    }
    // Reported, for the member's officer and in the operators' figures.
    const shown = await officer.gql<{ memberNotices: { unconfirmedNotices: number } }>(
      `query($m: UUID!) { memberNotices(memberId: $m) { unconfirmedNotices } }`,
      {
        m: m.id,
      },
    );
    expect(shown.data!.memberNotices.unconfirmedNotices).toBe(2);
    const figures = await t.gql<{ noticeDelivery: { channel: string; unconfirmed: number }[] }>(`{ noticeDelivery(days: 1) { channel unconfirmed } }`);
    expect(figures.data!.noticeDelivery.find((f) => f.channel === 'ZALO_ZNS')!.unconfirmed).toBeGreaterThanOrEqual(2);
  });

  it('a timeout that Zalo took, with quota refusals queued behind it: ZNS is not asked again, its receipt confirms it, never SMS', async () => {
    const m = await member(null);
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    zns.failNext('slow', 'quota');
    const a = await assign(m.id);
    expect(await settled(a.noticeId)).toMatchObject({ channel: 'zns' });
    expect(carried(a.noticeId, a.assignmentId)).toEqual({ zns: 1, sms: 0, email: 0 });
    expect((await attempts(a.noticeId)).map((x) => [x.channel, x.status, x.uncertain])).toEqual([['zns', 'accepted', true]]);
    expect(zns.requests.filter((r) => r.ref === a.noticeId)).toHaveLength(1);
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
    const row = { id: await manualNotice(m, 'test:withdrawn', 'rut.lai@example.vn') };
    await consent(m.id, 'ZALO_ZNS', false, 'PHONE_CALL');
    expect(await t.app.get(NoticeDeliveryService).deliver(row.id)).toBe('sent');
    expect(zns.requests.filter((r) => r.ref === row.id)).toHaveLength(0);
    expect((await notice(row.id)).channel).toBe('email');
    await eventually(() => mailsFor('test:withdrawn').length === 1);
    // Run again (a retried job): nothing more.
    expect(await t.app.get(NoticeDeliveryService).deliver(row.id)).toBe('already-sent');
    expect(mailsFor('test:withdrawn')).toHaveLength(1);
  });

  it('a worker killed mid-call leaves the call unknown: a quota refusal on re-run, or 429s, never fall back to another channel', async () => {
    const m = await member('bi.ngat@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    // ZNS: the killed call may have been taken; the re-run never calls ZNS again (Zalo would answer quota, or send
    // twice), never SMS; with no receipt it ends unconfirmed.
    const z = await manualNotice(m, 'test:killed-zns', 'bi.ngat@example.vn');
    await killedMidCall(z, 'zns');
    zns.failNext('quota');
    expect(await deliverAsJob(z, 500)).toBe('unconfirmed');
    expect(zns.requests.filter((r) => r.ref === z)).toHaveLength(0);
    expect(sms.requests.filter((r) => r.ref === z)).toHaveLength(0);
    expect(mailsFor('test:killed-zns')).toHaveLength(0);
    expect(await attempts(z)).toMatchObject([{ channel: 'zns', uncertain: true, status: 'refused', error: 'no-receipt' }]);

    // SMS (the gateway recognises its ref): three 429s after the killed call are retried on SMS, not moved to e-mail.
    await officer.gql(PREFER, { m: m.id, c: 'SMS' });
    const s = await manualNotice(m, 'test:killed-sms', 'bi.ngat@example.vn');
    await killedMidCall(s, 'sms');
    sms.failNext('http429', 'http429', 'http429');
    expect(await deliverAsJob(s)).toBe('sent');
    expect(sms.requests.filter((r) => r.ref === s)).toHaveLength(4);
    expect(mailsFor('test:killed-sms')).toHaveLength(0);
    expect(await attempts(s)).toMatchObject([{ channel: 'sms', status: 'accepted', uncertain: true, calls: 5, answered: 4 }]);
    await officer.gql(PREFER, { m: m.id, c: null });
  });

  it('consent withdrawn after a killed call: the notice stops there (no e-mail instead)', async () => {
    const m = await member('rut.sau.khi.ngat@example.vn');
    await consent(m.id, 'ZALO_ZNS');
    const id = await manualNotice(m, 'test:killed-withdrawn', 'rut.sau.khi.ngat@example.vn');
    await killedMidCall(id, 'zns');
    await consent(m.id, 'ZALO_ZNS', false, 'PHONE_CALL');
    expect(await deliverAsJob(id)).toBe('undeliverable');
    expect(zns.requests.filter((r) => r.ref === id)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsFor('test:killed-withdrawn')).toHaveLength(0);
    expect(await t.db.query(`SELECT status, last_error FROM notice WHERE id = $1`, [id])).toEqual([
      { status: 'undeliverable', last_error: 'consent-withdrawn-after-unknown' },
    ]);
    // Had the killed call's receipt come, the notice was delivered: it is sent, without another call.
    const received = await manualNotice(m, 'test:killed-received', 'rut.sau.khi.ngat@example.vn');
    await killedMidCall(received, 'zns');
    // As markDelivered leaves a receipt that came first: the attempt and the notice delivered, the notice still queued.
    await t.db.query(`UPDATE notice_attempt SET delivered_at = now() WHERE notice_id = $1`, [received]);
    await t.db.query(`UPDATE notice SET delivered_at = now() WHERE id = $1`, [received]);
    expect(await deliverAsJob(received)).toBe('sent');
    expect(await notice(received)).toMatchObject({ status: 'delivered', channel: 'zns' });
    expect(zns.requests.filter((r) => r.ref === received)).toHaveLength(0);
    expect(await attempts(received)).toMatchObject([{ channel: 'zns', status: 'accepted' }]);
  });

  it('a generic HTTP 4xx (401, 403…) after an unknown SMS answer is retried on SMS, never moved to e-mail', async () => {
    const m = await member('loi.4xx@example.vn');
    await consent(m.id, 'SMS', true, 'IN_PERSON');
    const id = await manualNotice(m, 'test:sms-4xx', 'loi.4xx@example.vn');
    // The 5xx makes the first call unknown; then the gateway refuses the request (401) once.
    sms.failNext('http500', 'http401');
    await expect(t.app.get(NoticeDeliveryService).deliver(id)).rejects.toBeInstanceOf(NoticeRetryLater);
    await expect(t.app.get(NoticeDeliveryService).deliver(id)).rejects.toBeInstanceOf(NoticeRetryLater);
    expect(await deliverAsJob(id)).toBe('sent');
    expect(mailsFor('test:sms-4xx')).toHaveLength(0);
    expect(await attempts(id)).toMatchObject([{ channel: 'sms', status: 'accepted', uncertain: true, calls: 3 }]);
  });

  it('an e-mail notice waiting out an SMTP outage is cancelled when the member withdraws e-mail consent meanwhile', async () => {
    const m = await member('rut.email@example.vn');
    const id = await manualNotice(m, 'test:email-withdrawn', 'rut.email@example.vn');
    // As the worker left it: handed to e-mail (the notice sent by e-mail), the e-mail still queued (SMTP down, no job here).
    const [mail] = await t.db.query<{ id: string }>(
      `INSERT INTO email_message (dedupe_key, to_address, language, template, params) VALUES ('test:email-withdrawn', 'rut.email@example.vn', 'vi', 'session-reminder', '{}') RETURNING id`,
    );
    await t.db.query(
      `INSERT INTO notice_attempt (notice_id, channel, status, calls, answered, provider_ref, accepted_at) VALUES ($1, 'email', 'accepted', 0, 0, $2, now())`,
      [id, mail.id],
    );
    await t.db.query(`UPDATE notice SET status = 'sent', channel = 'email', sent_at = now() WHERE id = $1`, [id]);
    await consent(m.id, 'EMAIL', false, 'PHONE_CALL');
    expect(await t.app.get(MailDeliveryService).deliver(mail.id)).toBe('cancelled');
    expect(await t.app.get(MailDeliveryService).deliver(mail.id)).toBe('cancelled');
    expect(mailsFor('test:email-withdrawn')).toHaveLength(0);
    expect(await t.db.query(`SELECT status, last_error FROM email_message WHERE id = $1`, [mail.id])).toEqual([
      { status: 'cancelled', last_error: 'consent-withdrawn' },
    ]);
    expect(await t.db.query(`SELECT status, channel, last_error FROM notice WHERE id = $1`, [id])).toEqual([
      { status: 'undeliverable', channel: null, last_error: 'email:consent-withdrawn' },
    ]);
    expect(await attempts(id)).toMatchObject([{ channel: 'email', status: 'refused', error: 'consent-withdrawn' }]);
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
    await consent(m.id, 'ZALO_ZNS', true, 'IN_PERSON');
    await officer.gql(PREFER, { m: m.id, c: 'SMS' });
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
    // Both withdrawals in one transaction (one now()): never ZNS stopped and SMS still on.
    const withdrawals = await t.db.query<{
      channel: string;
      granted: boolean;
      source: string;
      recorded_by: string | null;
      recorded_by_label: string;
      created_at: Date;
    }>(
      `SELECT channel, granted, source, recorded_by, recorded_by_label, created_at FROM notice_consent WHERE member_id = $1 AND NOT granted ORDER BY channel`,
      [m.id],
    );
    expect(withdrawals.map(({ created_at: _, ...w }) => w)).toEqual(
      ['sms', 'zns'].map((channel) => ({ channel, granted: false, source: 'member', recorded_by: null, recorded_by_label: 'signed link' })),
    );
    expect(new Set(withdrawals.map((w) => w.created_at.getTime())).size).toBe(1);
    const shown = await officer.gql<{ memberNotices: { history: { channel: string; source: string; recordedVia: string }[] } }>(
      `query($m: UUID!) { memberNotices(memberId: $m) { history { channel source recordedVia } } }`,
      { m: m.id },
    );
    expect(shown.data!.memberNotices.history.filter((h) => h.source === 'MEMBER')).toEqual(
      expect.arrayContaining(['SMS', 'ZALO_ZNS'].map((channel) => ({ channel, source: 'MEMBER', recordedVia: 'SIGNED_LINK' }))),
    );
    // A forged or altered link: 404, nothing changes.
    const [id, sig] = link.pathname.slice(3).split('.');
    expect((await request(t.url).get(`/r/${id}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`)).status).toBe(404);
    expect(
      (
        await request(t.url)
          .post(`/r/${id}.${'A'.repeat(22)}`)
          .type('form')
          .send('answer=accept')
      ).status,
    ).toBe(404);
    const nonsense = await request(t.url).get('/r/nonsense');
    expect(nonsense.status).toBe(404);
    // A small page, Vietnamese first and English below, never JSON.
    expect(nonsense.headers['content-type']).toMatch(/^text\/html/);
    expect(nonsense.text).toContain('Đường dẫn không hợp lệ');
    expect(nonsense.text).toContain('This link does not work');
    const forgedPost = await request(t.url)
      .post(`/r/${id}.${'B'.repeat(22)}`)
      .type('form')
      .send('answer=stop-phone');
    expect([forgedPost.status, forgedPost.headers['content-type']]).toEqual([404, expect.stringMatching(/^text\/html/)]);
  });

  it('delivery callbacks need the signature; the per-channel figures count deliveries within 60 s (operators only)', async () => {
    const forged = zns.receipt('nope', '00000000-0000-4000-8000-000000000000');
    const zEvent = (body: string, signature?: string) => {
      const req = request(t.url).post('/callbacks/zns').set('content-type', 'application/json');
      return (signature ? req.set('x-zevent-signature', signature) : req).send(body);
    };
    expect((await zEvent(forged.body, `mac=${'f'.repeat(64)}`)).status).toBe(401);
    // Zalo's scheme only: not an HMAC of the body, not under another OA secret key, not without "mac=".
    expect((await zEvent(forged.body, createHmac('sha256', zns.webhookSecret).update(forged.body).digest('hex'))).status).toBe(401);
    expect((await zEvent(forged.body, JSON.parse(JSON.stringify(forged)).signature.slice(4))).status).toBe(401);
    const timestamp = String(JSON.parse(forged.body).timestamp);
    expect((await zEvent(forged.body, zns.sign(forged.body, timestamp, 'another-oa-secret-key'))).status).toBe(401);
    // A body altered after signing (another tracking id) fails.
    expect((await zEvent(forged.body.replace('00000000-0000-4000', '11111111-1111-4111'), forged.signature)).status).toBe(401);
    // A correctly signed event 16 minutes old is a replay: refused.
    const old = zns.receipt('nope', '00000000-0000-4000-8000-000000000000', Date.now() - 16 * 60_000);
    expect((await zEvent(old.body, old.signature)).status).toBe(401);
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
