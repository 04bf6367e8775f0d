import { BeforeApplicationShutdown, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { createRedisConnection, OutboxService } from '@cdtg/queue';
import { latestRollupCheck } from '@cdtg/rollups';

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  shuttingDown: boolean;
  database: 'up' | 'down';
  redis: 'up' | 'down' | 'not-configured';
  outbox: { pending: number; oldestSeconds: number | null; failed: number } | null;
  /**
   * The latest rollup check or repair (for monitoring: `consistent: false` with `repaired: false` means the rollups
   * differ from a recount and nobody has repaired them yet). Never affects readiness; null before the first check.
   */
  rollupCheck: { id: string; at: Date; mode: 'verify' | 'repair'; consistent: boolean; repaired: boolean; differences: number } | null;
}

/** Checks the services a process depends on. Which ones gate readiness is the caller's choice. */
@Injectable()
export class HealthService implements OnModuleInit, BeforeApplicationShutdown, OnModuleDestroy {
  private redis?: IORedis;
  private shuttingDown = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    if (this.config.REDIS_URL) this.redis = createRedisConnection(this.config.REDIS_URL, 'producer', 'cdtg-health');
  }

  beforeApplicationShutdown(): void {
    // Load balancers stop routing here while in-flight requests finish.
    this.shuttingDown = true;
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  async readiness(requireRedis: boolean): Promise<ReadinessReport> {
    const [database, redis, outbox, rollupCheck] = await Promise.all([this.database(), this.redisState(), this.backlog(), this.rollupCheck()]);
    const ready = !this.shuttingDown && database === 'up' && (!requireRedis || redis !== 'down');
    return { status: ready ? 'ready' : 'not-ready', shuttingDown: this.shuttingDown, database, redis, outbox, rollupCheck };
  }

  private async database(): Promise<'up' | 'down'> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 2000);
      return 'up';
    } catch {
      return 'down';
    }
  }

  private async redisState(): Promise<ReadinessReport['redis']> {
    if (!this.redis) return 'not-configured';
    try {
      return (await withTimeout(this.redis.ping(), 1000)) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  private async backlog(): Promise<ReadinessReport['outbox']> {
    try {
      return await withTimeout(this.outbox.backlog(this.dataSource.manager), 2000);
    } catch {
      return null;
    }
  }

  private async rollupCheck(): Promise<ReadinessReport['rollupCheck']> {
    try {
      const check = await withTimeout(latestRollupCheck(this.dataSource), 2000);
      return (
        check && {
          id: check.id,
          at: check.finishedAt,
          mode: check.mode,
          consistent: check.consistent,
          repaired: check.repaired,
          differences: check.differences,
        }
      );
    } catch {
      return null;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
