import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/processes';
import { Result } from './scenarios';

/** Seconds until `npm start`'s process (the compiled standalone app) answers /health/ready, then stops it. */
async function startOnce(dataDir: string, ports: { http: number; db: number }, env: Record<string, string>): Promise<number> {
  const started = Date.now();
  const child = spawn(process.execPath, ['dist/apps/standalone/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(ports.http), EMBEDDED_DATABASE_PORT: String(ports.db), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}): ${stderr.slice(-500)}`);
      if (Date.now() - started > 180_000) throw new Error('npm start did not become ready within 3 minutes');
      const ok = await fetch(`http://127.0.0.1:${ports.http}/health/ready`).then((r) => r.status === 200, () => false);
      if (ok) return (Date.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * 8: cold start of `npm start` with the embedded database (the build is done: `npm start` builds first, about a second):
 * a first start in an empty data directory (initdb, migrations, the demo city, its activity and rollups, accounts), then
 * a restart on the same data.
 */
export async function coldStartScenario(options: { demo: boolean }): Promise<Result[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdtg-cold-'));
  // mkdtemp makes the directory 0700; as root, embedded PostgreSQL runs as its own user, which must reach the files.
  chmodSync(dataDir, 0o755);
  const env: Record<string, string> = options.demo ? {} : { DEMO_CITY: 'false' };
  try {
    const ports = { http: await freePort(), db: await freePort() };
    const first = await startOnce(dataDir, ports, env);
    const again = await startOnce(dataDir, ports, env);
    return [
      { scenario: `8. cold start of npm start, embedded PostgreSQL, empty data directory${options.demo ? ' (demo city loaded)' : ' (no demo)'}`, unit: 's', ours: { value: first }, target: 'report', met: null },
      { scenario: '8b. restart on the same data', unit: 's', ours: { value: again }, target: 'report', met: null },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
