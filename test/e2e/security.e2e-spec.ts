import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role, SignedLinks } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { PHONE_UNAVAILABLE } from '@cdtg/directory';
import { eventually, startTestApp, TestApp } from '../support/app';
import { CaughtMail, TestSmtpServer } from '../support/smtp';
import { createUser, TestUser } from '../support/users';

/**
 * The holes a ward officer (or anyone holding a link) could walk through, each driven through HTTP as a client
 * would: re-inviting someone else's invitee, binding an account to another ward's member, ids spelled the other ways
 * PostgreSQL accepts, an entry linked to another ward's session, link tokens kept in the database or in headers,
 * calendar feeds and export links that outlive their owner, and a phone number check that said too much.
 * (Query cost and errors outside GraphQL: security-http.e2e-spec.ts; identifiers in free text: personal-data.e2e-spec.ts;
 * passwords and production secrets: secrets.spec.ts and app-config.spec.ts.)
 */

const tokenIn = (text: string) => /token=([A-Za-z0-9_-]{20,})/.exec(text)?.[1] ?? null;
const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { id displayName grants { role } } }`;
const ACCEPT = `mutation($t: String!, $p: String!) { acceptInvitation(input: { token: $t, password: $p }) { accessToken user { id } } }`;
const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created entries { entryId problems { path message } } } }`;
const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

describe('security: write paths, references, links and tokens stay inside their scope', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let officerA: TestUser;
  let officerB: TestUser;
  let department: TestUser;
  let leadA: TestUser;
  /** Tokens seen in e-mails while the e-mail was still being sent, and whether the database held them then. */
  const leaks: string[] = [];
  const A = { unitId: '', groupId: '', memberId: '' };
  const B = { unitId: '', groupId: '', memberId: '', sessionId: '' };
  let phones = 0;
  const phone = () => `0905 7${String(++phones).padStart(5, '0')}`;

  beforeAll(async () => {
    // While the SMTP server holds a link e-mail (the worker's transaction is still open), the database must not hold its token.
    smtp = await new TestSmtpServer({
      beforeAccept: async (mail: CaughtMail) => {
        const token = tokenIn(mail.parsed.text ?? '');
        if (!token) return;
        const found = await t.db.query(`SELECT 1 FROM email_message WHERE dedupe_key LIKE $1 OR params::text LIKE $1`, [`%${token}%`]);
        if (found.length) leaks.push(`database holds ${token.slice(0, 6)}… while sending`);
        if (String(mail.parsed.headers.get('x-cdtg-dedupe-key') ?? '').includes(token)) leaks.push(`header carries ${token.slice(0, 6)}…`);
      },
    }).start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cdtg.danang.test' } });
    await loadDemoCity(t.app.get(DataSource));
    const unit = async (code: string) => (await t.gql<{ unit: { id: string } }>(`query($c: String!) { unit(code: $c) { id } }`, { c: code })).data!.unit.id;
    const group = async (unitId: string, name: string) =>
      (
        await t.gql<{ createGroup: { id: string } }>(`mutation($u: UUID!, $n: String!) { createGroup(input: { unitId: $u, name: $n }) { id } }`, {
          u: unitId,
          n: name,
        })
      ).data!.createGroup.id;
    A.unitId = await unit('20194');
    B.unitId = await unit('20197');
    A.groupId = await group(A.unitId, 'Tổ an ninh A');
    B.groupId = await group(B.unitId, 'Tổ an ninh B');
    A.memberId = await addMember(A.groupId, 'Nguyễn Văn Á');
    B.memberId = await addMember(B.groupId, 'Trần Thị Bê');
    const planned = await t.gql<{ planSession: { id: string } }>(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
      input: {
        groupId: B.groupId,
        unitId: B.unitId,
        title: 'Buổi của phường B',
        topics: ['vneid'],
        startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 5 * 86_400_000 + 3_600_000).toISOString(),
        place: 'Nhà văn hóa',
        capacity: 30,
      },
    });
    B.sessionId = planned.data!.planSession.id;
    officerA = await createUser(t, { email: 'can-bo.a@cdtg.test', role: Role.WardOfficer, unitCode: '20194' });
    officerB = await createUser(t, { email: 'can-bo.b@cdtg.test', role: Role.WardOfficer, unitCode: '20197' });
    department = await createUser(t, { email: 'so@cdtg.test', role: Role.Department, unitCode: '48' });
    leadA = await createUser(t, { email: 'to-truong.a@cdtg.test', role: Role.GroupLead, groupId: A.groupId });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  async function addMember(groupId: string, fullName: string, number = phone()): Promise<string> {
    const res = await t.gql<{ createMember: { id: string } }>(
      `mutation($g: UUID!, $n: String!, $p: String!) { createMember(input: { groupId: $g, fullName: $n, phone: $p }) { id } }`,
      {
        g: groupId,
        n: fullName,
        p: number,
      },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.createMember.id;
  }
  const linkFor = async (address: string, count = 1) =>
    tokenIn((await eventually(() => smtp.to(address).length >= count && smtp.to(address), 20_000))[count - 1].parsed.text!)!;
  const grantsOf = async (email: string) =>
    (
      await t.db.query<{ role: string }>(
        `SELECT g.role FROM role_grant g JOIN user_account u ON u.id = g.user_id WHERE u.email = $1 AND g.revoked_at IS NULL ORDER BY g.role`,
        [email],
      )
    ).map((r) => r.role);

  it("refuses to re-invite someone else's pending invitee (even an ADMIN one): nothing changes and the first link still works", async () => {
    const invited = await t.gql(INVITE, { input: { email: 'quan-tri.moi@cdtg.test', displayName: 'Quản trị mới', grants: [{ role: 'ADMIN' }] } });
    expect(invited.errors).toBeUndefined();
    const firstLink = await linkFor('quan-tri.moi@cdtg.test');

    const takeover = await officerA.gql(INVITE, {
      input: { email: 'quan-tri.moi@cdtg.test', displayName: 'Kẻ chiếm quyền', language: 'EN', grants: [{ role: 'VOLUNTEER', groupId: A.groupId }] },
    });
    expect(takeover.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVITED_BY_SOMEONE_ELSE', fields: [{ path: ['input', 'email'] }] });
    // The department may manage ward officers, but not an ADMIN grant: refused too.
    expect(
      codeOf(
        await department.gql(INVITE, { input: { email: 'quan-tri.moi@cdtg.test', displayName: 'Sở', grants: [{ role: 'WARD_OFFICER', unitCode: '20194' }] } }),
      ),
    ).toBe('CONFLICT');

    const [row] = await t.db.query<{ display_name: string; language: string }>(
      `SELECT display_name, language FROM user_account WHERE email = 'quan-tri.moi@cdtg.test'`,
    );
    expect(row).toEqual({ display_name: 'Quản trị mới', language: 'vi' });
    expect(await grantsOf('quan-tri.moi@cdtg.test')).toEqual(['ADMIN']);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to('quan-tri.moi@cdtg.test')).toHaveLength(1); // no new link was sent
    const accepted = await t.anonymous(ACCEPT, { t: firstLink, p: 'Quản trị Đà Nẵng 2026' });
    expect(accepted.errors).toBeUndefined();
  });

  it('lets the inviter, or whoever manages every grant the invitee holds, send the invitation again, keeping every grant', async () => {
    const email = 'tnv.moi@cdtg.test';
    expect(
      (await officerA.gql(INVITE, { input: { email, displayName: 'Tình nguyện viên', grants: [{ role: 'VOLUNTEER', groupId: A.groupId }] } })).errors,
    ).toBeUndefined();
    // The inviter again, with one more grant: both kept, a new link.
    expect(
      (await officerA.gql(INVITE, { input: { email, displayName: 'Tình nguyện viên', grants: [{ role: 'GROUP_LEAD', groupId: A.groupId }] } })).errors,
    ).toBeUndefined();
    expect(await grantsOf(email)).toEqual(['GROUP_LEAD', 'VOLUNTEER']);
    // Another ward's officer may not; the department over both wards may.
    expect(codeOf(await officerB.gql(INVITE, { input: { email, displayName: 'Khác', grants: [{ role: 'VOLUNTEER', groupId: B.groupId }] } }))).toBe('CONFLICT');
    const again = await department.gql<{ inviteUser: { grants: { role: string }[] } }>(INVITE, {
      input: { email, displayName: 'Tình nguyện viên', grants: [{ role: 'VOLUNTEER', groupId: B.groupId }] },
    });
    expect(again.errors).toBeUndefined();
    expect(await grantsOf(email)).toEqual(['GROUP_LEAD', 'VOLUNTEER', 'VOLUNTEER']);
    // Only the last link works.
    const links = await eventually(() => smtp.to(email).length === 3 && smtp.to(email).map((m) => tokenIn(m.parsed.text!)!));
    expect(codeOf(await t.anonymous(ACCEPT, { t: links[0], p: 'Tình nguyện Hải Vân 2026' }))).toBe('UNAUTHENTICATED');
    expect((await t.anonymous(ACCEPT, { t: links[2], p: 'Tình nguyện Hải Vân 2026' })).errors).toBeUndefined();
  });

  it("binds an invited account only to a member in the inviter's scope, and a member to one account", async () => {
    const other = await officerA.gql(INVITE, {
      input: { email: 'gia-mao@cdtg.test', displayName: 'Giả mạo', memberId: B.memberId, grants: [{ role: 'VOLUNTEER', groupId: A.groupId }] },
    });
    expect(codeOf(other)).toBe('FORBIDDEN');
    expect(await t.db.query(`SELECT 1 FROM user_account WHERE email = 'gia-mao@cdtg.test'`)).toHaveLength(0);

    const own = await officerA.gql(INVITE, {
      input: { email: 'thanh-vien.a@cdtg.test', displayName: 'Nguyễn Văn Á', memberId: A.memberId, grants: [{ role: 'VOLUNTEER', groupId: A.groupId }] },
    });
    expect(own.errors).toBeUndefined();
    const second = await officerA.gql(INVITE, {
      input: { email: 'nick-thu-hai@cdtg.test', displayName: 'Á', memberId: A.memberId, grants: [{ role: 'VOLUNTEER', groupId: A.groupId }] },
    });
    expect(second.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MEMBER_HAS_ACCOUNT', fields: [{ path: ['input', 'memberId'] }] });
  });

  it('parses every id once: the spellings PostgreSQL accepts are one id, and do not slip past the access rule', async () => {
    const log = async (groupId: string, memberId: string, unitId: string) => {
      const res = await t.gql<{ logAssists: { entries: { entryId: string }[] } }>(LOG, {
        input: {
          groupId,
          entries: [
            {
              clientId: randomUUID(),
              household: { address: `${++phones} Nguyễn Tất Thành`, headName: 'Lê Văn Hộ' },
              unitId,
              services: [{ service: 'VNEID_LEVEL_2', outcome: 'DONE' }],
              volunteerIds: [memberId],
              occurredAt: new Date(Date.now() - 60_000).toISOString(),
            },
          ],
        },
      });
      return res.data!.logAssists.entries[0].entryId;
    };
    const mine = await log(A.groupId, A.memberId, A.unitId);
    const theirs = await log(B.groupId, B.memberId, B.unitId);
    const VERIFY = `mutation($ids: [UUID!]!) { verifyAssistEntries(ids: $ids) { id unit { code } } }`;
    for (const spelling of [theirs.replace(/-/g, ''), theirs.toUpperCase(), `{${theirs}}`, `{${theirs.replace(/-/g, '').toUpperCase()}}`]) {
      const res = await officerA.gql(VERIFY, { ids: [mine, spelling] });
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(res.data).toBeNull();
    }
    const [row] = await t.db.query<{ verified_at: Date | null }>(`SELECT verified_at FROM assist_entry WHERE id = $1`, [theirs]);
    expect(row.verified_at).toBeNull();

    // One's own entry in another spelling is the same entry, answered in the canonical spelling.
    const own = await officerA.gql<{ verifyAssistEntries: { id: string }[] }>(VERIFY, { ids: [mine.toUpperCase().replace(/-/g, '')] });
    expect(own.data!.verifyAssistEntries).toEqual([{ id: mine, unit: { code: '20194' } }]);
    // Something that is not an id is refused before anything runs, with a reason.
    const bad = await officerA.gql(VERIFY, { ids: [`${mine}' OR true --`] });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ID' });
    const literal = await officerA.gql(`mutation { verifyAssistEntries(ids: ["not-an-id"]) { id } }`);
    expect(literal.errors?.[0].extensions).toMatchObject({ reason: 'INVALID_ID' });
  });

  it("refuses an entry linked to another ward's session, or to a session that does not exist; the database refuses it too", async () => {
    const entry = (sessionId: string) => ({
      clientId: randomUUID(),
      household: { address: `${++phones} Hoàng Văn Thái`, headName: 'Phan Thị Lan' },
      unitId: A.unitId,
      services: [{ service: 'VNEID_LEVEL_2', outcome: 'DONE' }],
      volunteerIds: [A.memberId],
      sessionId,
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const res = await leadA.gql<{ logAssists: { created: number; entries: { problems: { path: string[]; message: string }[] }[] } }>(LOG, {
      input: { groupId: A.groupId, entries: [entry(B.sessionId), entry(randomUUID())] },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.logAssists.created).toBe(0);
    for (const e of res.data!.logAssists.entries) expect(e.problems).toEqual([expect.objectContaining({ path: expect.arrayContaining(['sessionId']) })]);
    await expect(t.db.query(`UPDATE assist_entry SET session_id = $1 WHERE id = (SELECT id FROM assist_entry LIMIT 1)`, [randomUUID()])).rejects.toThrow(
      /foreign key/,
    );
  });

  it('keeps link tokens out of the database and out of headers: rows name the token, never hold it', async () => {
    await t.anonymous(`mutation { requestSignInLink(email: "quan-tri.moi@cdtg.test") }`);
    await t.anonymous(`mutation { requestPasswordReset(email: "quan-tri.moi@cdtg.test") }`);
    const mails = await eventually(() => smtp.to('quan-tri.moi@cdtg.test').length >= 3 && smtp.to('quan-tri.moi@cdtg.test'));
    const tokens = mails.map((m) => tokenIn(m.parsed.text!)!);
    expect(tokens).toHaveLength(3);
    for (const token of tokens) {
      const rows = await t.db.query(`SELECT 1 FROM email_message WHERE dedupe_key LIKE $1 OR params::text LIKE $1`, [`%${token}%`]);
      expect(rows).toHaveLength(0);
    }
    for (const m of mails) expect(String(m.parsed.headers.get('x-cdtg-dedupe-key'))).toMatch(/^(invitation|sign_in_link|password_reset):[0-9a-f-]{36}$/);
    expect(leaks).toEqual([]);
  });

  it('a calendar feed stops answering when its member leaves or their account is disabled; an export link when its owner is disabled', async () => {
    const links = t.app.get(SignedLinks);
    const feed = (memberId: string) => request(t.url).get(new URL(links.calendarFeedUrl(memberId)).pathname + new URL(links.calendarFeedUrl(memberId)).search);

    const leaver = await addMember(A.groupId, 'Người sẽ nghỉ');
    expect((await feed(leaver)).status).toBe(200);
    expect((await officerA.gql(`mutation($id: UUID!) { deactivateMember(id: $id) { id } }`, { id: leaver })).errors).toBeUndefined();
    expect((await feed(leaver)).status).toBe(404);

    // A member with an account: disabling the account ends the feed; enabling it again brings it back.
    const withAccount = await addMember(A.groupId, 'Người có tài khoản');
    const user = await createUser(t, { email: 'co-tai-khoan@cdtg.test', role: Role.Volunteer, groupId: A.groupId });
    await t.db.query(`UPDATE user_account SET member_id = $1 WHERE id = $2`, [withAccount, user.id]);
    expect((await feed(withAccount)).status).toBe(200);
    expect((await officerA.gql(`mutation($id: UUID!) { setUserStatus(id: $id, status: DISABLED) { id } }`, { id: user.id })).errors).toBeUndefined();
    const refused = await feed(withAccount);
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain('BEGIN:VCALENDAR');

    // An export asked for by an officer, downloaded, then the officer is disabled.
    const officer = await createUser(t, { email: 'xuat-file@cdtg.test', role: Role.WardOfficer, unitCode: '20194' });
    const asked = await officer.gql<{ exportCoverage: { id: string } }>(
      `mutation { exportCoverage(unitCode: "20194", level: COMMUNE, period: MONTH, format: CSV) { id } }`,
    );
    const url = await eventually(async () => {
      const res = await officer.gql<{ coverageExport: { status: string; downloadUrl: string | null } }>(
        `query($id: UUID!) { coverageExport(id: $id) { status downloadUrl } }`,
        { id: asked.data!.exportCoverage.id },
      );
      return res.data?.coverageExport.status === 'READY' && res.data.coverageExport.downloadUrl;
    });
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    expect((await request(t.url).get(path)).status).toBe(200);
    await t.gql(`mutation($id: UUID!) { setUserStatus(id: $id, status: DISABLED) { id } }`, { id: officer.id });
    expect((await request(t.url).get(path)).status).toBe(404);
  });

  it('does not tell an officer whether a phone number belongs to an active member outside their area', async () => {
    const [{ phone: theirs }] = await t.db.query<{ phone: string }>(`SELECT phone FROM member WHERE id = $1`, [B.memberId]);
    const [{ phone: ours }] = await t.db.query<{ phone: string }>(`SELECT phone FROM member WHERE id = $1`, [A.memberId]);
    const CREATE = `mutation($g: UUID!, $p: String!) { createMember(input: { groupId: $g, fullName: "Người mới", phone: $p }) { id } }`;
    const outside = await officerA.gql(CREATE, { g: A.groupId, p: theirs });
    expect(outside.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', fields: [{ path: ['input', 'phone'] }] });
    expect(outside.errors![0].message).toBe(PHONE_UNAVAILABLE); // names no one, no place, not whether the holder is active
    const inside = await officerA.gql(CREATE, { g: A.groupId, p: ours });
    expect(inside.errors?.[0].message).toMatch(/in your area/);
    // A never-used number is of course free: the two refusals differ only by what the officer may already see.
    expect((await officerA.gql(CREATE, { g: A.groupId, p: phone() })).errors).toBeUndefined();
  });
});
