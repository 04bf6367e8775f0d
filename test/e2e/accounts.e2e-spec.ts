import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { eventually, startTestApp, TestApp } from '../support/app';
import { TestSmtpServer } from '../support/smtp';
import { createUser } from '../support/users';

const AUTH_FIELDS = 'accessToken refreshToken user { id email }';
const SIGN_IN = `mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { ${AUTH_FIELDS} } }`;
const ME = `{ me { email language grants { role unit { code validFrom } } } }`;

type Auth = { accessToken: string; refreshToken: string; user: { id: string; email: string } };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const tokenIn = (text: string) => /token=([A-Za-z0-9_-]{20,})/.exec(text)?.[1] ?? null;

describe('accounts: invitations, sign-in, refresh tokens, limits, scoped management', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cdtg.danang.test' } });
    await loadDemoCity(t.app.get(DataSource));
  }, 60_000);
  afterEach(() => t?.clock.release());
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const mailTo = (address: string, count = 1) => eventually(() => smtp.to(address).length >= count && smtp.to(address), 20_000);

  it('an invitation arrives by e-mail in Vietnamese, its link sets the password once, and sign-in works', async () => {
    const invited = await t.gql<{ inviteUser: { id: string; status: string } }>(
      `mutation { inviteUser(input: { email: "Hoa.Tran@Example.vn", displayName: "Trần Thị Hoa", grants: [{ role: WARD_OFFICER, unitCode: "20194" }] }) { id status } }`,
    );
    expect(invited.errors).toBeUndefined();
    expect(invited.data!.inviteUser.status).toBe('INVITED');

    const [mail] = await mailTo('hoa.tran@example.vn');
    expect(mail.parsed.subject).toBe('Lời mời tham gia hệ thống Tổ công nghệ số cộng đồng');
    expect(mail.parsed.text).toContain('Cán bộ phường/xã – Phường Hải Vân');
    expect(mail.parsed.html).toContain('Kích hoạt tài khoản');
    const token = tokenIn(mail.parsed.text!)!;
    expect(mail.parsed.text).toContain(`https://cdtg.danang.test/accept-invitation?token=${token}`);
    // The link is not kept readable in the database once sent.
    // (The worker commits "sent" just after the SMTP server has the message: wait for the commit.)
    const stored = await eventually(async () => {
      const [row] = await t.db.query<{ params: { link: string }; status: string }>(
        `SELECT params, status FROM email_message WHERE template = 'invitation' AND to_address = 'hoa.tran@example.vn'`,
      );
      return row?.status === 'sent' && row;
    });
    expect(stored.params.link).toBe('[sent]');

    const weak = await t.anonymous(`mutation($t: String!) { acceptInvitation(input: { token: $t, password: "ngắn" }) { accessToken } }`, { t: token });
    expect(weak.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'TOO_SHORT',
      params: { min: 10 },
      fields: [{ path: ['password'], reason: 'TOO_SHORT', params: { min: 10 } }],
    });

    const ACCEPT = `mutation($t: String!) { acceptInvitation(input: { token: $t, password: "Hải Vân xanh 2026" }) { ${AUTH_FIELDS} } }`;
    const accepted = await t.anonymous<{ acceptInvitation: Auth }>(ACCEPT, { t: token });
    expect(accepted.errors).toBeUndefined();
    const again = await t.anonymous(ACCEPT, { t: token });
    expect(again.errors![0].extensions!.code).toBe('UNAUTHENTICATED');

    const me = await t.anonymous<{ me: { email: string; grants: { role: string; unit: { code: string } }[] } }>(
      ME,
      undefined,
      bearer(accepted.data!.acceptInvitation.accessToken),
    );
    expect(me.data!.me).toMatchObject({ email: 'hoa.tran@example.vn', grants: [{ role: 'WARD_OFFICER', unit: { code: '20194' } }] });

    const signedIn = await t.anonymous<{ signIn: Auth }>(SIGN_IN, { email: 'HOA.TRAN@example.vn ', password: 'Hải Vân xanh 2026' });
    expect(signedIn.data!.signIn.user.email).toBe('hoa.tran@example.vn');
  });

  it('a replayed (stolen) refresh token ends the whole session', async () => {
    const user = await createUser(t, { email: 'lan@cdtg.test', role: Role.WardOfficer, unitCode: '20194' });
    const first = await t.anonymous<{ refreshSession: Auth }>(REFRESH, { t: user.refreshToken });
    expect(first.errors).toBeUndefined();
    const rotated = first.data!.refreshSession;
    expect(rotated.refreshToken).not.toBe(user.refreshToken);
    expect((await t.anonymous(ME, undefined, bearer(rotated.accessToken))).errors).toBeUndefined();

    // The thief replays the old token: refused, and the legitimate holder's tokens stop working too.
    const replay = await t.anonymous(REFRESH, { t: user.refreshToken });
    expect(replay.errors![0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' } });
    expect((await t.anonymous(ME, undefined, bearer(rotated.accessToken))).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await t.anonymous(REFRESH, { t: rotated.refreshToken })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const [session] = await t.db.query<{ revoked_reason: string }>(`SELECT revoked_reason FROM auth_session WHERE user_id = $1`, [user.id]);
    expect(session.revoked_reason).toBe('refresh-token-reuse');
  });

  it('refuses the eleventh wrong password within a minute, even if it is right', async () => {
    const user = await createUser(t, { email: 'minh@cdtg.test', role: Role.GroupLead, groupId: await anyGroupId(t) });
    for (let i = 0; i < 10; i++) {
      const wrong = await t.anonymous(SIGN_IN, { email: user.email, password: `sai-mat-khau-${i}` });
      // The console shows WRONG_CREDENTIALS as it is ("Sai e-mail hoặc mật khẩu."); the message is its English.
      expect(wrong.errors![0]).toMatchObject({ message: 'wrong e-mail or password', extensions: { code: 'UNAUTHENTICATED', reason: 'WRONG_CREDENTIALS' } });
    }
    const eleventh = await t.anonymous(SIGN_IN, { email: user.email, password: user.password });
    const retry = (eleventh.errors![0].extensions as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retry).toBeGreaterThan(0);
    expect(eleventh.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'TOO_MANY_SIGN_IN_FAILURES', params: { seconds: retry } });
    // Another account from the same address is not locked by it.
    const other = await createUser(t, { email: 'other@cdtg.test', role: Role.GroupLead, groupId: await anyGroupId(t) });
    expect((await t.anonymous(SIGN_IN, { email: other.email, password: other.password })).errors).toBeUndefined();
    // A minute later (the application's clock, not a wait) the account signs in again.
    t.clock.advance(61_000);
    expect((await t.anonymous(SIGN_IN, { email: user.email, password: user.password })).errors).toBeUndefined();
  });

  it('signs in with an e-mailed link (in English for an English speaker), once', async () => {
    const user = await createUser(t, { email: 'guest@cdtg.test', role: Role.Department, unitCode: '48' });
    await t.gql(`mutation { updateMyProfile(input: { language: EN }) { id } }`);
    await t.anonymous(`mutation { updateMyProfile(input: { language: EN }) { id } }`, undefined, user.headers);
    const unknown = await t.anonymous<{ requestSignInLink: boolean }>(`mutation { requestSignInLink(email: "no-account@cdtg.test") }`);
    expect(unknown.data!.requestSignInLink).toBe(true); // no hint whether the address has an account
    await t.anonymous(`mutation { requestSignInLink(email: "guest@cdtg.test") }`);
    const [mail] = await mailTo('guest@cdtg.test');
    expect(mail.parsed.subject).toBe('Your cdtg sign-in link');
    const token = tokenIn(mail.parsed.text!)!;
    const USE = `mutation($t: String!) { signInWithLink(token: $t) { ${AUTH_FIELDS} } }`;
    expect((await t.anonymous<{ signInWithLink: Auth }>(USE, { t: token })).data!.signInWithLink.user.email).toBe('guest@cdtg.test');
    expect((await t.anonymous(USE, { t: token })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(smtp.to('no-account@cdtg.test')).toHaveLength(0);
    // A link works for 15 minutes: 16 minutes on (the application's clock), an unused one is refused.
    await t.anonymous(`mutation { requestSignInLink(email: "guest@cdtg.test") }`);
    const [, late] = await mailTo('guest@cdtg.test', 2);
    t.clock.advance(16 * 60_000);
    expect((await t.anonymous(USE, { t: tokenIn(late.parsed.text!)! })).errors![0]).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', reason: 'BAD_LINK_TOKEN' },
    });
  });

  it('resets a forgotten password by e-mail and ends every other session', async () => {
    const user = await createUser(t, { email: 'quen@cdtg.test', role: Role.Department, unitCode: '48' });
    await t.anonymous(`mutation { requestPasswordReset(email: "quen@cdtg.test") }`);
    const [mail] = await mailTo('quen@cdtg.test');
    expect(mail.parsed.subject).toBe('Đặt lại mật khẩu cdtg');
    const reset = await t.anonymous<{ resetPassword: Auth }>(
      `mutation($t: String!) { resetPassword(input: { token: $t, password: "Mật khẩu mới 2026!" }) { ${AUTH_FIELDS} } }`,
      { t: tokenIn(mail.parsed.text!) },
    );
    expect(reset.errors).toBeUndefined();
    expect((await t.anonymous(ME, undefined, user.headers)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await t.anonymous(SIGN_IN, { email: user.email, password: user.password })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await t.anonymous(SIGN_IN, { email: user.email, password: 'Mật khẩu mới 2026!' })).errors).toBeUndefined();
  });

  it('lets each role hand out only the roles below it, inside its scope; disabling ends access at once', async () => {
    const department = await createUser(t, { email: 'so@cdtg.test', role: Role.Department, unitCode: '48' });
    const officer = await createUser(t, { email: 'phuong@cdtg.test', role: Role.WardOfficer, unitCode: '20194' });
    const invite = (as: typeof department, role: string, scope: string) =>
      as.gql<{ inviteUser: { id: string } }>(
        `mutation { inviteUser(input: { email: "${Math.random().toString(36).slice(2)}@cdtg.test", displayName: "Người mới", grants: [{ role: ${role}, ${scope} }] }) { id } }`,
      );
    expect((await invite(department, 'WARD_OFFICER', 'unitCode: "20197"')).errors).toBeUndefined();
    expect((await invite(department, 'DEPARTMENT', 'unitCode: "48"')).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await invite(officer, 'WARD_OFFICER', 'unitCode: "20194"')).errors![0].extensions!.code).toBe('FORBIDDEN');
    const bad = await invite(officer, 'GROUP_LEAD', 'unitCode: "20194"');
    expect(bad.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: ['input', 'grants', 0, 'groupId'], reason: 'GRANT_NEEDS_GROUP', params: { role: 'GROUP_LEAD' } }],
    });

    // The department disables the officer: the officer's very next request is refused.
    const disabled = await department.gql(`mutation($id: UUID!) { setUserStatus(id: $id, status: DISABLED) { status } }`, { id: officer.id });
    expect(disabled.data).toEqual({ setUserStatus: { status: 'DISABLED' } });
    expect((await officer.gql(ME)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    // And it is in the department's audit log, which the officer could never read.
    const audit = await department.gql<{ auditEvents: { edges: { node: { operation: string; actorLabel: string } }[] } }>(
      `query($id: String!) { auditEvents(filter: { objectId: $id }) { edges { node { operation actorLabel } } } }`,
      { id: officer.id },
    );
    expect(audit.data!.auditEvents.edges.map((e) => e.node)).toContainEqual({ operation: 'user.disable', actorLabel: 'so@cdtg.test' });
  });

  it('moves a grant on a merged ward to the new commune when its holder next signs in, and audits it', async () => {
    const [old] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '20195' AND valid_to = '2025-06-30'`); // Phường Hòa Hiệp Nam
    const officer = await createUser(t, { email: 'hoahiepnam@cdtg.test', role: Role.WardOfficer, unitId: old.id });
    const me = await officer.gql<{ me: { grants: { role: string; unit: { code: string; validFrom: string } }[] } }>(ME);
    expect(me.data!.me.grants).toEqual([{ role: 'WARD_OFFICER', unit: { code: '20194', validFrom: '2025-07-01' } }]); // Phường Hải Vân
    const [event] = await t.db.query<{ actor_label: string; before: { unitId: string } }>(
      `SELECT actor_label, before FROM audit_event WHERE operation = 'grant.follow-reorganisation' AND object_id = $1`,
      [officer.id],
    );
    expect(event).toMatchObject({ actor_label: 'system', before: { unitId: old.id } });
  });

  it("refuses, row by row, a ward officer's CSV rows outside the ward; they can follow their own import", async () => {
    const officer = await createUser(t, { email: 'nhap@cdtg.test', role: Role.WardOfficer, unitCode: '20194' });
    const started = await officer.gql<{ importDirectoryCsv: { id: string } }>(
      `mutation($csv: String!) { importDirectoryCsv(input: { kind: GROUPS, csv: $csv }) { id } }`,
      {
        csv: 'unit_code,name\n20194,Tổ CNSCĐ Hải Vân nhập\n20197,Tổ CNSCĐ Liên Chiểu nhập\n',
      },
    );
    const id = started.data!.importDirectoryCsv.id;
    const done = await eventually(async () => {
      const res = await officer.gql<{ directoryImport: { status: string; created: number; errors: { line: number; field: string; message: string }[] } }>(
        `query($id: UUID!) { directoryImport(id: $id) { status created errors { line field message } } }`,
        { id },
      );
      return res.data?.directoryImport.status === 'COMPLETED' && res.data.directoryImport;
    });
    expect(done.created).toBe(1);
    expect(done.errors).toEqual([{ line: 3, field: 'unit_code', message: 'is outside the area you manage' }]);
    const other = await createUser(t, { email: 'khac@cdtg.test', role: Role.WardOfficer, unitCode: '20194' });
    expect((await other.gql(`query($id: UUID!) { directoryImport(id: $id) { id } }`, { id })).errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('bounds operations: depth, cost, page size', async () => {
    const deep = await t.gql(
      `{ groups { edges { node { unit { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } } }`,
    );
    expect(deep.errors![0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(deep.errors![0].message).toContain('levels deep');
    const costly = await t.gql(`{ a: groups(first: 100) { edges { node { members { member { history { group { members { member { fullName } } } } } } } } } }`);
    expect(costly.errors![0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(costly.errors![0].message).toContain('too expensive');
  });
});

describe('accounts: request limits per user and per address, request size', () => {
  let t: TestApp;
  beforeAll(async () => {
    // 30 a minute per user and 48 per address allow 5 and 8 in 10 seconds (a sixth), counted from the first request:
    // the sign-in and the requests below fall well within 10 seconds of it.
    t = await startTestApp({ worker: false, env: { RATE_LIMIT_PER_USER: '30', RATE_LIMIT_PER_ADDRESS: '48', MAX_REQUEST_BYTES: '4096' } });
  });
  afterAll(async () => t?.close());

  it('answers 429 with Retry-After past the per-user limit, and 413 past the size limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.gql(`{ skills { code } }`)).status);
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true); // the admin's own sign-in counted against the address only
    expect(statuses[5]).toBe(429);
    const limited = await t.gql(`{ version }`);
    expect(limited.errors![0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });

    const anonymous = await request(t.url).post('/graphql').send({ query: '{ version }' });
    expect(anonymous.status).toBe(429); // the address has used up its 8 as well
    expect(Number(anonymous.headers['retry-after'])).toBeGreaterThan(0);

    const big = await request(t.url)
      .post('/graphql')
      .send({ query: `{ version }`, variables: { pad: 'x'.repeat(5000) } });
    expect(big.status).toBe(413);
  });
});

async function anyGroupId(t: TestApp): Promise<string> {
  const [g] = await t.db.query<{ id: string }>(`SELECT id FROM volunteer_group ORDER BY name LIMIT 1`);
  return g.id;
}
