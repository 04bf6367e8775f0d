import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { all, Executor, first } from '@cdtg/database';
import { db } from './db';
import { RollupCheck, RollupCheckOrigin } from './rollup-check.entity';

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

/** The summary columns of a stored check, named as RollupCheckSummary. */
function summaries() {
  return db
    .selectFrom('rollup_check')
    .select((eb) => [
      sql<string>`${eb.ref('id')}::text`.as('id'),
      'mode',
      'origin',
      'started_at as startedAt',
      'finished_at as finishedAt',
      'consistent',
      'repaired',
      'differences',
    ])
    .$narrowType<{ mode: RollupCheck['mode']; origin: RollupCheckOrigin }>();
}

/** The latest stored check or repair (for health endpoints and operators), or null before the first. */
export async function latestRollupCheck(on: Executor): Promise<RollupCheckSummary | null> {
  return (await first(on, summaries().orderBy('id', 'desc').limit(1))) ?? null;
}

/** The stored outcomes of rollup checks and repairs (rollup_check). */
@Injectable()
export class RollupCheckRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(check: Omit<RollupCheck, 'id'>): Promise<string> {
    const row = await first(
      this.dataSource,
      db
        .insertInto('rollup_check')
        .values({
          mode: check.mode,
          origin: check.origin,
          started_at: check.startedAt,
          finished_at: check.finishedAt,
          consistent: check.consistent,
          repaired: check.repaired,
          differences: check.differences,
          report: JSON.stringify(check.report),
        })
        .returning((eb) => sql<string>`${eb.ref('id')}::text`.as('id')),
    );
    return row!.id;
  }

  /** The latest `limit` checks and repairs, newest first. */
  async latest(limit = 1): Promise<RollupCheckSummary[]> {
    return all(this.dataSource, summaries().orderBy('id', 'desc').limit(limit));
  }

  /** One stored check or repair with its full report. */
  async get(id: string): Promise<RollupCheck | null> {
    const row = await first(this.dataSource, summaries().select('report').where('id', '=', id).$narrowType<{ report: Record<string, unknown> }>());
    return row ?? null;
  }

  /** The checks as of `asOf` (the latest one finished by then, and those of the 7 days before), or null before the first. */
  async digest(asOf: Date): Promise<RollupCheckDigest | null> {
    const latest = summaries().where('finished_at', '<=', asOf).orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(1);
    const row = await first(
      this.dataSource,
      db
        .selectFrom('rollup_check')
        .select((eb) => [
          // As JSON: its times come back as text.
          sql<
            (Omit<RollupCheckSummary, 'startedAt' | 'finishedAt'> & { startedAt: string; finishedAt: string }) | null
          >`(SELECT to_jsonb(x) FROM ${latest} x)`.as('latest'),
          sql<number>`count(*)::int`.as('runs'),
          sql<number>`count(*) FILTER (WHERE NOT ${eb.ref('consistent')})::int`.as('withDifferences'),
          sql<number>`count(*) FILTER (WHERE ${eb.ref('repaired')})::int`.as('repairs'),
        ])
        .where('finished_at', '<=', asOf)
        .where('finished_at', '>', sql<Date>`${asOf}::timestamptz - interval '7 days'`),
    );
    if (!row?.latest) return null;
    return {
      latest: { ...row.latest, startedAt: new Date(row.latest.startedAt), finishedAt: new Date(row.latest.finishedAt) },
      runs: row.runs,
      withDifferences: row.withDifferences,
      repairs: row.repairs,
    };
  }
}
