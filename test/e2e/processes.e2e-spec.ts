import { loadConfig } from '@cdtg/config';
import request from 'supertest';
import { eventually } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { API_MAIN as API, freePort, runNode, signInAsAdmin, startNode, WORKER_MAIN as WORKER } from '../support/processes';
import { TestSmtpServer } from '../support/smtp';
import { REDIS_URL } from '../support/test-env';

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

  it('stops in production on the published development AUTH_SECRET, with one line that shows no secret', async () => {
    const developmentSecret = loadConfig({}).authSecret;
    const result = await runNode(API, {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://cdtg:db-password-1@127.0.0.1:1/cdtg',
      REDIS_URL,
      SMTP_URL: 'smtp://127.0.0.1:1',
      AUTH_SECRET: developmentSecret,
      HOUSEHOLD_KEYS: '1:Qm7vX2pL9sK4tR8wN1cB6yH3jF0dG5aZ',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('AUTH_SECRET is or contains a published development key');
    expect(result.stderr).not.toContain('HOUSEHOLD_KEYS');
    for (const secret of [developmentSecret, 'db-password-1', 'Qm7vX2pL9sK4']) expect(result.stderr + result.stdout).not.toContain(secret);
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
