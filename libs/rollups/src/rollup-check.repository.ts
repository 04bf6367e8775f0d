import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RollupCheck } from './rollup-check.entity';

/** A stored check or repair without its full report. */
export type RollupCheckSummary = Omit<RollupCheck, 'report'>;

/** What the weekly digest says about the checks: the latest one up to the digest, and the checks of the week before it. */
export interface RollupCheckDigest {
  latest: RollupCheckSummary;
  /** Checks and repairs that finished in the 7 days up to the digest. */
  runs: number;
  /** Of those, the ones that found differences. */
  withDifferences: number;
  /** Of those, the repairs. */
  repairs: number;
}

const SUMMARY = `id::text AS id, mode, origin, started_at AS "startedAt", finished_at AS "finishedAt", consistent, repaired, differences`;

/** The latest stored check or repair (for health endpoints and operators), or null before the first. */
export async function latestRollupCheck(db: DataSource | EntityManager): Promise<RollupCheckSummary | null> {
  const [row] = (await db.query(`SELECT ${SUMMARY} FROM rollup_check ORDER BY id DESC LIMIT 1`)) as RollupCheckSummary[];
  return row ?? null;
}

/** The stored outcomes of rollup checks and repairs (rollup_check). */
@Injectable()
export class RollupCheckRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(check: Omit<RollupCheck, 'id'>): Promise<string> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO rollup_check (mode, origin, started_at, finished_at, consistent, repaired, differences, report)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text AS id`,
      [check.mode, check.origin, check.startedAt, check.finishedAt, check.consistent, check.repaired, check.differences, JSON.stringify(check.report)],
    )) as { id: string }[];
    return row.id;
  }

  /** The latest `limit` checks and repairs, newest first. */
  async latest(limit = 1): Promise<RollupCheckSummary[]> {
    return (await this.dataSource.query(`SELECT ${SUMMARY} FROM rollup_check ORDER BY id DESC LIMIT $1`, [limit])) as RollupCheckSummary[];
  }

  /** One stored check or repair with its full report. */
  async get(id: string): Promise<RollupCheck | null> {
    const [row] = (await this.dataSource.query(`SELECT ${SUMMARY}, report FROM rollup_check WHERE id = $1`, [id])) as RollupCheck[];
    return row ?? null;
  }

  /** The checks as of `asOf` (the latest one finished by then, and those of the 7 days before), or null before the first. */
  async digest(asOf: Date): Promise<RollupCheckDigest | null> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT to_jsonb(x) FROM (SELECT ${SUMMARY} FROM rollup_check WHERE finished_at <= $1 ORDER BY finished_at DESC, id DESC LIMIT 1) x) AS latest,
              count(*)::int AS runs, count(*) FILTER (WHERE NOT consistent)::int AS "withDifferences", count(*) FILTER (WHERE repaired)::int AS repairs
         FROM rollup_check WHERE finished_at <= $1 AND finished_at > $1::timestamptz - interval '7 days'`,
      [asOf],
    )) as {
      latest: (Omit<RollupCheckSummary, 'startedAt' | 'finishedAt'> & { startedAt: string; finishedAt: string }) | null;
      runs: number;
      withDifferences: number;
      repairs: number;
    }[];
    if (!row.latest) return null;
    return {
      latest: { ...row.latest, startedAt: new Date(row.latest.startedAt), finishedAt: new Date(row.latest.finishedAt) },
      runs: row.runs,
      withDifferences: row.withDifferences,
      repairs: row.repairs,
    };
  }
}
