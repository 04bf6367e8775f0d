import { sql } from 'kysely';
import { affected, all, anyOf, Executor, first } from '@cdtg/database';
import { db } from './db';

/** A status constant written into the statement, as the partial indexes on status are (not a parameter). */
const literal = (status: string) => sql.lit(status);

/** `= ANY(ids)` over bigint ids, one parameter however many ids (an empty list matches nothing). */

/** Every SQL statement about outbox rows (the relay, the workers, the schedules, the operators' commands). */

export async function insertOutboxRow(
  on: Executor,
  row: { jobName: string; payload: string; jobId?: string | null; aggregate: string | null; runAt?: Date | null },
): Promise<string> {
  const query = db
    .insertInto('outbox_message')
    .values({ job_name: row.jobName, payload: row.payload, job_id: row.jobId ?? null, aggregate: row.aggregate, run_at: row.runAt ?? sql<Date>`now()` })
    .returning('id');
  const [inserted] = await all(on, query);
  return inserted.id;
}

/** Wakes the relay (it LISTENs on `channel`) when the transaction commits. */
export async function notifyOutbox(on: Executor, channel: string): Promise<void> {
  await all(on, sql`SELECT pg_notify(${channel}, '')`);
}

/** Marks a job's rows that have not left the outbox cancelled; waits for a relay that is handing them over. */
export async function cancelPendingJob(on: Executor, jobId: string): Promise<void> {
  await affected(on, db.updateTable('outbox_message').set({ status: 'cancelled' }).where('job_id', '=', jobId).where('status', '=', literal('pending')));
}

export async function hasDispatchedJob(on: Executor, jobId: string): Promise<boolean> {
  const query = db
    .selectFrom('outbox_message')
    .select(sql<number>`1`.as('one'))
    .where('job_id', '=', jobId)
    .where('status', '=', literal('dispatched'))
    .limit(1);
  return (await first(on, query)) !== undefined;
}

/** Whether any row carries this job id. */
export async function hasJob(on: Executor, jobId: string): Promise<boolean> {
  return (
    (await first(
      on,
      db
        .selectFrom('outbox_message')
        .select(sql<number>`1`.as('one'))
        .where('job_id', '=', jobId),
    )) !== undefined
  );
}

/** Due pending rows and failed ones, as of `now`. */
export async function outboxBacklog(on: Executor, now: Date): Promise<{ pending: number; oldestSeconds: number | null; failed: number }> {
  const query = db
    .selectFrom('outbox_message')
    .select((eb) => [
      eb.cast<number>(eb.fn.countAll().filterWhere('status', '=', literal('pending')), 'integer').as('pending'),
      sql<number | null>`extract(epoch FROM ${now}::timestamptz - ${eb.fn.min('created_at').filterWhere('status', '=', literal('pending'))})::float`.as(
        'oldestSeconds',
      ),
      eb.cast<number>(eb.fn.countAll().filterWhere('status', '=', literal('failed')), 'integer').as('failed'),
    ])
    .where((eb) =>
      eb.or([eb.and([eb('status', '=', literal('pending')), eb('run_at', '<=', sql<Date>`${now}::timestamptz`)]), eb('status', '=', literal('failed'))]),
    );
  return (await first(on, query))!;
}

/** The relay's lock (transaction-scoped): false when another relay holds it. */
export async function tryRelayLock(on: Executor, key: number): Promise<boolean> {
  const row = await first(on, sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${key}) AS locked`);
  return row!.locked;
}

/** Every dispatched row back to pending, to be sent again; returns how many. */
export function resendDispatched(on: Executor): Promise<number> {
  return affected(
    on,
    db
      .updateTable('outbox_message')
      .set({ status: 'pending', available_at: sql<Date>`now()` })
      .where('status', '=', literal('dispatched')),
  );
}

/** The next due pending rows in id order, locked while they are handed over. `dueOnly`: their run_at has come too. */
export function lockDuePending(on: Executor, dueOnly: boolean, limit: number) {
  let query = db
    .selectFrom('outbox_message as m')
    .selectAll('m')
    .where('m.status', '=', literal('pending'))
    .where('m.available_at', '<=', sql<Date>`now()`);
  if (dueOnly) query = query.where('m.run_at', '<=', sql<Date>`now()`);
  return all(on, query.orderBy('m.id', 'asc').limit(limit).forUpdate());
}

/** Rows handed over: done at once (`done`, or a cancel row, which has no job of its own), else dispatched. */
export async function markHandedOver(on: Executor, ids: readonly string[], done: boolean, cancelJob: string): Promise<void> {
  await affected(
    on,
    db
      .updateTable('outbox_message')
      .set((eb) => ({
        status: eb
          .case()
          .when(eb.or([sql<boolean>`${done}`, eb('job_name', '=', cancelJob)]))
          .then('done')
          .else('dispatched')
          .end(),
        dispatched_at: sql<Date>`now()`,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', anyOf(ids, 'bigint')),
  );
}

/** The dispatched rows of a job older than a cancel row (`beforeId`), withdrawn for good. */
export async function cancelDispatchedBefore(on: Executor, jobId: string, beforeId: string, cancelJob: string): Promise<void> {
  await affected(
    on,
    db
      .updateTable('outbox_message')
      .set({ status: 'cancelled' })
      .where('job_id', '=', jobId)
      .where('status', '=', literal('dispatched'))
      .where('id', '<', beforeId)
      .where('job_name', '<>', cancelJob),
  );
}

/** A row the queue refused for now: `attempts` more attempts counted, available again after `delayMs`. */
export async function retryLater(on: Executor, id: string, attempts: number, error: string, delayMs: string): Promise<void> {
  await affected(
    on,
    db
      .updateTable('outbox_message')
      .set((eb) => ({
        attempts: eb('attempts', '+', attempts),
        last_error: error,
        available_at: sql<Date>`now() + (${delayMs} || ' milliseconds')::interval`,
      }))
      .where('id', '=', id),
  );
}

export async function markFailed(on: Executor, id: string, error: string): Promise<void> {
  await affected(
    on,
    db
      .updateTable('outbox_message')
      .set((eb) => ({ status: 'failed', attempts: eb('attempts', '+', 1), last_error: error }))
      .where('id', '=', id),
  );
}

/** Dispatched rows (not cancel rows) handed over more than `lockMs` ago and due, oldest first: to check against the queue. */
export function staleDispatched(on: Executor, cancelJob: string, lockMs: number, limit: number) {
  const query = db
    .selectFrom('outbox_message as m')
    .selectAll('m')
    .where('m.status', '=', literal('dispatched'))
    .where('m.job_name', '<>', cancelJob)
    .where('m.dispatched_at', '<', sql<Date>`now() - make_interval(secs => ${lockMs} / 1000.0)`)
    .where('m.run_at', '<=', sql<Date>`now()`)
    .orderBy('m.id', 'asc')
    .limit(limit);
  return all(on, query);
}

/** Dispatched rows whose job completed: done. */
export async function markDispatchedDone(on: Executor, ids: readonly string[]): Promise<void> {
  await affected(
    on,
    db.updateTable('outbox_message').set({ status: 'done' }).where('id', '=', anyOf(ids, 'bigint')).where('status', '=', literal('dispatched')),
  );
}

/** Dispatched rows whose job the queue no longer holds: pending again, to be sent again. */
export async function resendMissing(on: Executor, ids: readonly string[]): Promise<void> {
  await affected(
    on,
    db
      .updateTable('outbox_message')
      .set({ status: 'pending', available_at: sql<Date>`now()` })
      .where('id', '=', anyOf(ids, 'bigint'))
      .where('status', '=', literal('dispatched')),
  );
}

/** The dispatched row of a completed job (by row id or job id): done. */
export async function markJobDone(on: Executor, row: { id: string } | { jobId: string }): Promise<void> {
  const query = db.updateTable('outbox_message').set({ status: 'done' }).where('status', '=', literal('dispatched'));
  await affected(on, 'id' in row ? query.where('id', '=', row.id) : query.where('job_id', '=', row.jobId));
}

/** Rows the relay gave up on, in id order. */
export function failedRows(on: Executor) {
  return all(
    on,
    db.selectFrom('outbox_message').select(['id', 'job_name', 'attempts', 'last_error', 'created_at']).where('status', '=', literal('failed')).orderBy('id'),
  );
}

/** A failed row back to pending, its attempts reset. */
export async function retryFailed(on: Executor, id: string): Promise<void> {
  await affected(
    on,
    db
      .updateTable('outbox_message')
      .set({ status: 'pending', attempts: 0, available_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', literal('failed')),
  );
}

/** Up to `batch` done or cancelled rows created before `before`, oldest first; returns how many were deleted. */
export function deleteFinished(on: Executor, before: Date, batch: number): Promise<number> {
  const oldest = db
    .selectFrom('outbox_message')
    .select('id')
    .where('status', 'in', [literal('done'), literal('cancelled')])
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(batch);
  return affected(on, db.deleteFrom('outbox_message').where('id', 'in', oldest));
}

/** Holds a transaction-scoped advisory lock on a text key. */
export async function advisoryXactLock(on: Executor, key: string): Promise<void> {
  await all(on, sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`);
}
