import { Client } from 'pg';
import request from 'supertest';
import { argon2idHasher } from '@cdtg/accounts';
import { eventually } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { freePort, runNode, startNode } from '../support/processes';
import { TestSmtpServer } from '../support/smtp';
import { REDIS_URL } from '../support/test-env';

const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';

describe('processes: start-up refusals and API + worker as separate processes', () => {
  it('stops on a malformed DATABASE_URL with one line naming it', async () => {
    const result = await runNode(API, { DATABASE_URL: 'not-a-url' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('DATABASE_URL must be a PostgreSQL URL');
  });

  it('stops on a malformed SMTP_URL with one line naming it', async () => {
    const result = await runNode(WORKER, { DATABASE_URL: 'postgres://u@127.0.0.1:1/x', SMTP_URL: 'mail.example.vn:25' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('SMTP_URL must be an SMTP URL');
  });

  it('stops with one line when the database does not answer', async () => {
    const result = await runNode(API, { DATABASE_URL: 'postgres://cdtg:secret@127.0.0.1:1/cdtg' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('DATABASE_URL=postgres://cdtg:***@127.0.0.1:1/cdtg is not usable');
  });

  it('refuses every fallback in production', async () => {
    const result = await runNode('dist/apps/standalone/src/main.js', { NODE_ENV: 'production' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_URL is required.*REDIS_URL is required.*SMTP_URL is required/);
  });

  describe('with a database, Redis and SMTP', () => {
    let db: TestDatabase;
    let smtp: TestSmtpServer;
    beforeAll(async () => {
      db = await createTestDatabase();
      smtp = await new TestSmtpServer().start();
    });
    afterAll(async () => {
      await db?.drop();
      await smtp?.stop();
    });

    it('the API writes, the worker sends, and both shut down cleanly on SIGTERM', async () => {
      const env = { DATABASE_URL: db.url, REDIS_URL, SMTP_URL: smtp.url, QUEUE_PREFIX: `p${Date.now()}`, PORT: '0', LOG_LEVEL: 'info', HOST: '127.0.0.1' };
      const [apiPort, workerPort] = [await freePort(), await freePort()];
      const apiUrl = `http://127.0.0.1:${apiPort}`;
      const api = startNode(API, { ...env, PORT: String(apiPort) });
      const worker = startNode(WORKER, { ...env, WORKER_PORT: String(workerPort) });
      try {
        await eventually(async () => (await request(apiUrl).get('/health/ready')).status === 200, 20_000, 200);
        await eventually(async () => (await request(`http://127.0.0.1:${workerPort}`).get('/health/ready')).status === 200, 20_000, 200);
        const send = { query: 'mutation { sendTestEmail(input: { to: "lan@example.vn" }) { id } }' };
        const anonymous = await request(apiUrl).post('/graphql').send(send);
        expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        const token = await signInAsAdmin(db.url, apiUrl);
        const res = await request(apiUrl).post('/graphql').set('authorization', `Bearer ${token}`).send(send);
        expect(res.body.errors).toBeUndefined();
        await eventually(() => smtp.to('lan@example.vn').length === 1, 20_000);
        // Every log line is JSON.
        for (const line of api.output().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      } finally {
        expect(await api.stop()).toBe(0);
        expect(await worker.stop()).toBe(0);
      }
    });
  });
});

/** An administrator account written to the database, signed in over HTTP like any client. */
async function signInAsAdmin(databaseUrl: string, apiUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const hash = await argon2idHasher(8192).hash('quản-trị-thử-2026');
    const { rows } = await client.query(`INSERT INTO user_account (email, display_name, name_search, password_hash, status) VALUES ('admin@cdtg.test', 'Admin', 'admin', $1, 'active') RETURNING id`, [hash]);
    await client.query(`INSERT INTO role_grant (user_id, role) VALUES ($1, 'ADMIN')`, [rows[0].id]);
  } finally {
    await client.end();
  }
  const res = await request(apiUrl)
    .post('/graphql')
    .send({ query: 'mutation { signIn(input: { email: "admin@cdtg.test", password: "quản-trị-thử-2026" }) { accessToken } }' });
  return res.body.data.signIn.accessToken as string;
}
