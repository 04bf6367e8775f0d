import { ChildProcess, spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled entry point (dist/, built by `pretest`) with exactly the given environment. */
export function runNode(script: string, env: Record<string, string>, timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running entry point; `output` accumulates stdout and stderr. */
export function startNode(
  script: string,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; stop(signal?: NodeJS.Signals): Promise<number | null> } {
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A TCP port that was free a moment ago (for child processes that need a fixed port). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The compiled entry points (built by `pretest`). */
export const API_MAIN = 'dist/apps/api/src/main.js';
export const WORKER_MAIN = 'dist/apps/worker/src/main.js';

/** Resolves once GET `url`/health/ready answers 200. */
export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An administrator account written to the database, signed in over HTTP like any client; returns its access token. */
export async function signInAsAdmin(databaseUrl: string, apiUrl: string, email = 'admin@cdtg.test'): Promise<string> {
  const { Client } = await import('pg');
  const { argon2idHasher } = await import('@cdtg/accounts');
  const password = 'quản-trị-thử-2026';
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const hash = await argon2idHasher(8192).hash(password);
    const { rows } = await client.query(
      `INSERT INTO user_account (email, display_name, name_search, password_hash, status) VALUES ($1, 'Admin', 'admin', $2, 'active') RETURNING id`,
      [email, hash],
    );
    await client.query(`INSERT INTO role_grant (user_id, role) VALUES ($1, 'ADMIN')`, [rows[0].id]);
  } finally {
    await client.end();
  }
  const res = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { accessToken } }',
      variables: { e: email, p: password },
    }),
  });
  const body = (await res.json()) as { data?: { signIn: { accessToken: string } }; errors?: unknown };
  if (!body.data) throw new Error(`admin sign-in failed: ${JSON.stringify(body.errors)}`);
  return body.data.signIn.accessToken;
}
