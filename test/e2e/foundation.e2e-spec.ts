import request from 'supertest';
import { eventually, startTestApp, TestApp } from '../support/app';
import { TestSmtpServer } from '../support/smtp';
import { TcpProxy } from '../support/tcp-proxy';
import { REDIS_URL } from '../support/test-env';

const SEND = `mutation Send($input: SendTestEmailInput!) { sendTestEmail(input: $input) { id to status } }`;

describe('foundation: API over HTTP, outbox, worker, SMTP', () => {
  let smtp: TestSmtpServer;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    const redis = new URL(REDIS_URL);
    proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
    t = await startTestApp({ env: { REDIS_URL: proxy.url, SMTP_URL: smtp.url } });
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await smtp?.stop();
  });

  it('answers the version query and echoes a request id', async () => {
    const res = await request(t.url).post('/graphql').set('X-Request-Id', 'req-123').send({ query: '{ version }' });
    expect(res.status).toBe(200);
    expect(res.body.data.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(res.headers['x-request-id']).toBe('req-123');
  });

  it('serves liveness and readiness', async () => {
    expect((await request(t.url).get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await request(t.url).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: 'up' });
  });

  it('answers bad input with BAD_USER_INPUT naming the field', async () => {
    const res = await t.gql(SEND, { input: { to: 'khong-phai-email' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.fields).toEqual([
      { path: ['input', 'to'], reason: 'NOT_AN_EMAIL', message: 'must be an e-mail address, e.g. ten@example.vn' },
    ]);
    expect(await t.db.query('SELECT * FROM email_message')).toHaveLength(0);
  });

  it('answers an unknown enum value with a typed error, not a 500', async () => {
    const res = await t.gql(SEND, { input: { to: 'a@b.vn', language: 'fr' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps accepting writes while Redis is unreachable and delivers exactly one e-mail once it is back', async () => {
    await proxy.cut();
    const res = await t.gql<{ sendTestEmail: { id: string } }>(SEND, { input: { to: 'ngoc.anh@example.vn', language: 'VI' } });
    expect(res.errors).toBeUndefined();
    const id = res.data!.sendTestEmail.id;

    // While Redis is away the job waits in the outbox; nothing is sent and nothing is lost.
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.to('ngoc.anh@example.vn')).toHaveLength(0);
    const [row] = await t.db.query<{ status: string }>('SELECT status FROM outbox_message');
    expect(row.status).toBe('pending');

    await proxy.restore();
    const mails = await eventually(() => smtp.to('ngoc.anh@example.vn').length > 0 && smtp.to('ngoc.anh@example.vn'), 20_000);
    expect(mails[0].parsed.subject).toBe('Thư kiểm tra từ hệ thống cdtg');
    expect(mails[0].parsed.text).toContain('hệ thống gửi thư đang hoạt động');
    expect(mails[0].parsed.html).toContain('<html lang="vi">');
    expect(mails[0].parsed.messageId).toBe(`<${id}@cdtg>`);

    // Give a duplicate every chance to appear: there is none.
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.to('ngoc.anh@example.vn')).toHaveLength(1);
    const [email] = await t.db.query<{ status: string }>('SELECT status FROM email_message WHERE id = $1', [id]);
    expect(email.status).toBe('sent');
    expect(await t.db.query(`SELECT id FROM outbox_message WHERE status NOT IN ('dispatched', 'done')`)).toHaveLength(0);
  });

  it('writes English e-mails for English users', async () => {
    await t.gql(SEND, { input: { to: 'visitor@example.com', language: 'EN' } });
    const [mail] = await eventually(() => smtp.to('visitor@example.com').length > 0 && smtp.to('visitor@example.com'));
    expect(mail.parsed.subject).toBe('Test message from cdtg');
  });
});
