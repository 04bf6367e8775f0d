import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadDemoCity } from '@cdtg/demo';
import { startTestApp, TestApp } from '../support/app';

/**
 * Issue 18, from outside: every error answered outside GraphQL (a body too large or not JSON, an unknown route, a
 * REST refusal, a URI that does not decode) is JSON in the GraphQL error shape in every mode, never Express's HTML
 * page with a stack trace and the server's paths; production gives no "Did you mean …?" hints; and an operation
 * that asks for an expensive field hundreds of times under aliases is refused before anything runs.
 */

type ErrorBody = { errors?: { message: string; extensions?: { code?: string; reason?: string } }[] };

/** The answer is a GraphQL-shaped JSON error with this status and code, and tells nothing about the server. */
function expectJsonError(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.text) as ErrorBody;
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]).toMatchObject({ message: expect.any(String), extensions: { code } });
  expectNothingLeaks(res.text);
}

function expectNothingLeaks(text: string): void {
  expect(text).not.toContain('<html');
  expect(text).not.toMatch(/\bat [\w.<>$]+ \(|\n\s+at /); // stack lines
  expect(text).not.toContain('/work');
  expect(text).not.toContain('node_modules');
  expect(text).not.toMatch(/stack/i);
}

const TREND = `coverageTrend(unitCode: "48", period: MONTH, from: "2025-07-01", to: "2025-09-30") { source rows { periodStart householdsReached } }`;
const EXPORT = `exportCoverage(unitCode: "48", level: COMMUNE, period: CUMULATIVE, format: CSV) { id status }`;
const aliased = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join('\n');

describe('security over HTTP: errors outside GraphQL, query cost (test mode)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ worker: false, env: { MAX_REQUEST_BYTES: String(1_000_000) } });
    await loadDemoCity(t.app.get(DataSource));
  });
  afterAll(async () => t?.close());

  it('answers a body above MAX_REQUEST_BYTES with 413 JSON, not an HTML stack trace', async () => {
    const res = await request(t.url)
      .post('/graphql')
      .send({ query: '{ version }', variables: { pad: 'x'.repeat(1_100_000) } });
    expectJsonError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect((JSON.parse(res.text) as ErrorBody).errors![0].message).toContain('1000000 bytes');
  });

  it('answers malformed JSON with 400 BAD_USER_INPUT, without echoing the body', async () => {
    const res = await request(t.url).post('/graphql').set('content-type', 'application/json').send('{"query": "{ version }", <secret>');
    expectJsonError(res, 400, 'BAD_USER_INPUT');
    expect(res.text).not.toContain('<secret>');
  });

  it('answers Express-level refusals as JSON: unsupported charset or encoding, unknown routes, URIs that do not decode', async () => {
    expectJsonError(
      await request(t.url).post('/graphql').set('content-type', 'application/json; charset=klingon-1').send('{"query":"{ version }"}'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectJsonError(
      await request(t.url).post('/graphql').set({ 'content-type': 'application/json', 'content-encoding': 'bogus' }).send('{}'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectJsonError(await request(t.url).post('/no-such-route').send({ a: 1 }), 404, 'NOT_FOUND');
    expectJsonError(await request(t.url).patch('/calendar/x.ics').send({}), 404, 'NOT_FOUND');
    expectJsonError(await request(t.url).get('/exports/%E0%A4%A'), 400, 'BAD_USER_INPUT');
  });

  it("keeps the REST controllers' deliberate refusals: their status and message", async () => {
    const feed = await request(t.url).get(`/calendar/${randomUUID()}.ics?sig=wrong`);
    expectJsonError(feed, 404, 'NOT_FOUND');
    expect((JSON.parse(feed.text) as ErrorBody).errors![0].message).toBe('No such calendar');
    const file = await request(t.url).get(`/exports/${randomUUID()}?expires=1&sig=wrong`);
    expectJsonError(file, 404, 'NOT_FOUND');
    expect((JSON.parse(file.text) as ErrorBody).errors![0].message).toBe('No such export, or the link has expired');
  });

  it('passes one coverageTrend and one exportCoverage', async () => {
    const trend = await t.gql<{ coverageTrend: { source: string; rows: unknown[] } }>(`{ ${TREND} }`);
    expect(trend.errors).toBeUndefined();
    expect(trend.data!.coverageTrend.rows).toHaveLength(3);
    const exported = await t.gql<{ exportCoverage: { status: string } }>(`mutation { ${EXPORT} }`);
    expect(exported.errors).toBeUndefined();
    expect(exported.data!.exportCoverage.status).toBe('QUEUED');
  });

  it('refuses 1,000 aliased coverageTrend before running any', async () => {
    const res = await t.gql(`{ ${aliased(1000, TREND)} }`);
    expect(res.status).toBe(400);
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', reason: 'TOO_MANY_ALIASES' });
    expect(res.errors![0].message).toContain('coverageTrend');
  });

  it('refuses 2,000 aliased exportCoverage: no export is created, no job queued', async () => {
    const count = async () =>
      (await t.db.query<{ n: string }>(`SELECT (SELECT count(*) FROM coverage_export) + (SELECT count(*) FROM outbox_message) AS n`))[0].n;
    const before = await count();
    const res = await t.gql(`mutation { ${aliased(2000, EXPORT)} }`);
    expect(res.status).toBe(400);
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    expect(res.errors![0].message).toContain('exportCoverage');
    expect(await count()).toBe(before);
  });

  it('refuses a handful of aliases of an expensive field spread over fragments', async () => {
    const res = await t.gql(
      `query { a0: ${TREND} ...F ... on Query { a1: ${TREND} a2: ${TREND} } } fragment F on Query { b0: ${TREND} b1: ${TREND} b2: ${TREND} }`,
    );
    expect(res.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    expect(res.errors![0].message).toContain('Query.coverageTrend 6 times');
  });
});

describe('security over HTTP in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    const secret = () => randomBytes(32).toString('hex');
    t = await startTestApp({
      worker: false,
      env: { NODE_ENV: 'production', AUTH_SECRET: secret(), HOUSEHOLD_KEYS: `1:${secret()}`, SMTP_URL: 'smtp://127.0.0.1:2525', MAX_REQUEST_BYTES: '4096' },
    });
  });
  afterAll(async () => t?.close());

  it('gives no "Did you mean" suggestions, in validation or in variables', async () => {
    const field = await t.anonymous(`{ mee { id } }`);
    expect(field.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(field.errors![0].message).toContain('Cannot query field "mee"');
    const variable = await t.anonymous(`query($p: Period!) { coverageTrend(unitCode: "48", period: $p) { source } }`, { p: 'MONT' });
    expect(variable.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const argument = await t.anonymous(`{ coverageTrend(unitCode: "48", perod: MONTH) { source } }`);
    for (const res of [field, variable, argument]) expect(JSON.stringify(res.errors)).not.toContain('Did you mean');
  });

  it('answers errors outside GraphQL as JSON, as in the other modes', async () => {
    expectJsonError(
      await request(t.url)
        .post('/graphql')
        .send({ query: '{ version }', variables: { pad: 'x'.repeat(5000) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectJsonError(await request(t.url).post('/graphql').set('content-type', 'application/json').send('{"query": '), 400, 'BAD_USER_INPUT');
    expectJsonError(await request(t.url).put('/health/ready').send({}), 404, 'NOT_FOUND');
    expect((await request(t.url).get('/health/live')).body).toEqual({ status: 'ok' });
  });
});
