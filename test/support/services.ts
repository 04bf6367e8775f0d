import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { redisAnswers } from '../../libs/queue/src/redis-connection';
import { eventually } from './app';
import { freePort } from './processes';

/**
 * A Redis server of our own (loopback, no persistence: a restart loses every key, as a crashed cache would), for
 * tests that stop it. The shared Redis is never touched.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  port = 0;

  async start(): Promise<this> {
    this.port ||= await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'warning'],
      {
        stdio: 'ignore',
      },
    );
    this.child = child;
    await eventually(() => redisAnswers(this.url, 300), 10_000, 50);
    return this;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the server (SIGKILL by default): its data is gone. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL tool as the `postgres` OS user when we are root (the server refuses to run as root). */
function pgTool(tool: string, args: string[]): Promise<void> {
  const [command, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', `${PG_BIN}/${tool}`, ...args]] : [`${PG_BIN}/${tool}`, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`))));
  });
}

/**
 * A PostgreSQL server of our own (the machine's PostgreSQL binaries, initdb/pg_ctl, data in a temporary directory,
 * loopback only), for tests that stop and restart it. The shared server is never touched.
 */
export class PrivatePostgres {
  private dir = '';
  private up = false;
  port = 0;

  async start(): Promise<this> {
    if (!this.dir) {
      // As root the server runs as `postgres`: every parent directory must be traversable, the data directory its own.
      const parent = mkdtempSync(join(tmpdir(), 'cdtg-pg-'));
      chmodSync(parent, 0o777);
      this.dir = join(parent, 'data');
      this.port = await freePort();
      await pgTool('initdb', ['-D', this.dir, '-A', 'trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C.UTF-8', '-N']);
    }
    const options = `-p ${this.port} -k ${join(this.dir, '..')} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=60`;
    await pgTool('pg_ctl', ['-D', this.dir, '-o', options, '-l', join(this.dir, '..', 'server.log'), '-w', '-t', '60', 'start']);
    this.up = true;
    return this;
  }

  /** The URL of database `name` (created by `createDatabase`). */
  url(name = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    return this.url(name);
  }

  /** Stops the server (fast shutdown: open connections are cut, as in a restart by an operator). */
  async stop(): Promise<void> {
    if (!this.up) return;
    this.up = false;
    await pgTool('pg_ctl', ['-D', this.dir, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    if (this.dir) rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }
}
