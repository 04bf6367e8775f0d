import { loadConfig } from '@cdtg/config';
import { QueueAdmin } from '@cdtg/queue';
import { DataSource } from 'typeorm';
import { eventually, startTestApp, TestApp } from '../support/app';
import { TestSmtpServer } from '../support/smtp';
import { REDIS_URL } from '../support/test-env';

describe('failed jobs: exponential retries, a failed set an operator can see and retry', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let admin: QueueAdmin;
  let port: number;

  beforeAll(async () => {
    // Reserve a port for the SMTP server, then take the server away: every delivery fails.
    smtp = await new TestSmtpServer().start();
    port = smtp.port;
    await smtp.stop();
    t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' } });
    admin = new QueueAdmin(loadConfig({}, { REDIS_URL, QUEUE_PREFIX: t.queuePrefix }), t.app.get(DataSource));
  });

  afterAll(async () => {
    await admin?.close();
    await t?.close();
    await smtp?.stop().catch(() => undefined);
  });

  it('retries, lands in the failed set, and is delivered once when an operator retries it', async () => {
    const res = await t.gql<{ sendTestEmail: { id: string } }>(`mutation { sendTestEmail(input: { to: "hoa@example.vn" }) { id } }`);
    const id = res.data!.sendTestEmail.id;

    const failed = await eventually(async () => {
      const jobs = await admin.failed();
      return jobs.length === 1 && jobs;
    });
    expect(failed[0]).toMatchObject({ source: 'bullmq', queue: 'mail', name: 'mail.send', attempts: 3 });
    const [email] = await t.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM email_message WHERE id = $1', [id]);
    expect(email).toMatchObject({ status: 'queued', attempts: 3 });

    smtp = await new TestSmtpServer().start(port);
    expect(await admin.retry({ queue: 'mail', id: failed[0].id })).toBe(1);
    await eventually(() => smtp.to('hoa@example.vn').length === 1);
    expect(await admin.failed()).toEqual([]);
  });
});
