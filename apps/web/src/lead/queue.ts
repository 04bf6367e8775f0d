import { ApiError, gql, type FieldProblem } from '../lib/api';
import { currentServiceNames } from '../lib/enum-names';
import { changeSignal, tx } from './offline-store';

/**
 * The phone's queue of assistance entries (IndexedDB). Each entry gets its client id when it is written; sync sends
 * the pending ones through logAssists (re-sending is harmless: the server answers ALREADY_STORED for a known id) and
 * keeps each answer: synced (with the stored entry's id) or rejected (with every problem). Once an entry is synced
 * its household details are dropped from the phone; only a short label stays (the household code or the head's initials).
 */

export interface AssistInput {
  clientId: string;
  household: { code?: string; address?: string; headName?: string };
  unitId: string;
  services: { service: string; outcome: 'DONE' | 'FOLLOW_UP'; reason?: string }[];
  volunteerIds: string[];
  occurredAt: string;
  note?: string;
}

export type QueueStatus = 'pending' | 'synced' | 'rejected';

export interface QueuedEntry {
  clientId: string;
  groupId: string;
  /** Kept until the server has it (needed to send it, or to correct a rejected one). */
  input: AssistInput | null;
  /** What the queue shows: the household's head and address while the entry is on the phone, `syncedLabel` after. */
  label: string;
  /** The label kept once the server has the entry: the household code, or the head's initials (no name, no address). */
  syncedLabel?: string;
  status: QueueStatus;
  problems: FieldProblem[];
  /** Why the last attempt did not reach the server, when it did not. */
  lastError: string | null;
  entryId: string | null;
  createdAt: string;
  syncedAt: string | null;
}

const signal = changeSignal();
export const onQueueChange = signal.on;
const changed = signal.emit;

/** A household's label with nothing that identifies it: its code, or the initials of its head ("Nguyễn Văn An" → "N.V.A."). */
export function shortLabel(household: AssistInput['household']): string {
  if (household.code?.trim()) return household.code.trim();
  return initials(household.headName ?? '');
}

const initials = (name: string) =>
  name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${word[0].toLocaleUpperCase('vi')}.`)
    .join('');

/**
 * Every entry on the phone; those written before the API renamed its enum values get the new names, and synced
 * entries written before labels were shortened ("head, address") keep only the head's initials.
 */
async function readAll(): Promise<QueuedEntry[]> {
  const all = ((await tx('assists', 'readonly', (s) => s.getAll() as IDBRequest<QueuedEntry[]>)) ?? []) as QueuedEntry[];
  const stale = all.filter((e) => e.status === 'synced' && e.syncedLabel === undefined && e.label.includes(','));
  if (stale.length) await putAll(stale.map((e) => ({ ...e, label: initials(e.label.split(',')[0]), syncedLabel: '' })));
  const fixed = new Map(stale.map((e) => [e.clientId, initials(e.label.split(',')[0])]));
  return all.map((e) => {
    const entry = fixed.has(e.clientId) ? { ...e, label: fixed.get(e.clientId)!, syncedLabel: '' } : e;
    return entry.input ? { ...entry, input: { ...entry.input, services: currentServiceNames(entry.input.services) } } : entry;
  });
}

export async function listEntries(groupId: string): Promise<QueuedEntry[]> {
  const all = await readAll();
  return all.filter((e) => e.groupId === groupId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

async function putAll(entries: QueuedEntry[]): Promise<void> {
  await tx('assists', 'readwrite', (s) => void entries.forEach((e) => s.put(e)));
}

/** Stores an entry on the phone (a fresh client id) and returns it. */
export async function enqueue(groupId: string, input: Omit<AssistInput, 'clientId'>, label: string): Promise<QueuedEntry> {
  const entry: QueuedEntry = {
    clientId: crypto.randomUUID(),
    groupId,
    input: null,
    label,
    syncedLabel: shortLabel(input.household),
    status: 'pending',
    problems: [],
    lastError: null,
    entryId: null,
    createdAt: new Date().toISOString(),
    syncedAt: null,
  };
  entry.input = { ...input, clientId: entry.clientId };
  await putAll([entry]);
  changed();
  return entry;
}

export async function removeEntries(clientIds: string[]): Promise<void> {
  await tx('assists', 'readwrite', (s) => void clientIds.forEach((id) => s.delete(id)));
  changed();
}

const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created alreadyStored rejected entries { clientId outcome entryId problems { path message reason params } } } }`;
type LogResult = {
  logAssists: { entries: { clientId: string; outcome: 'CREATED' | 'ALREADY_STORED' | 'REJECTED'; entryId: string | null; problems: FieldProblem[] }[] };
};
const BATCH = 100;

let running: Promise<SyncReport> | null = null;

export interface SyncReport {
  sent: number;
  synced: number;
  rejected: number;
  /** Set when the server could not be reached or refused the whole batch. */
  error: unknown;
}

/** Sends every pending entry (one sync at a time in this tab; other tabs are harmless: the server dedupes). */
export function syncPending(): Promise<SyncReport> {
  running ??= doSync().finally(() => {
    running = null;
  });
  return running;
}

async function doSync(): Promise<SyncReport> {
  const report: SyncReport = { sent: 0, synced: 0, rejected: 0, error: null };
  const all = await readAll();
  const pending = all.filter((e) => e.status === 'pending' && e.input).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const byGroup = new Map<string, QueuedEntry[]>();
  for (const entry of pending) byGroup.set(entry.groupId, [...(byGroup.get(entry.groupId) ?? []), entry]);
  for (const [groupId, entries] of byGroup) {
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      report.sent += batch.length;
      let answer: LogResult;
      try {
        answer = await gql<LogResult>(LOG, { input: { groupId, entries: batch.map((e) => e.input) } });
      } catch (error) {
        report.error = error;
        if (!(error instanceof ApiError) || !['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT'].includes(error.code)) {
          // Not reached (offline, server busy): everything stays pending and goes again later.
          await putAll(batch.map((e) => ({ ...e, lastError: error instanceof ApiError ? error.code : 'ERROR' })));
          changed();
          return report;
        }
        // Refused as a whole: the entries a problem names are rejected with it (the others go again at the next
        // sync); with no entry named (e.g. no longer the group's lead), every entry of the batch carries the reason.
        const named = new Map<number, FieldProblem[]>();
        for (const p of error.fields) {
          const index = p.path[0] === 'input' && p.path[1] === 'entries' ? Number(p.path[2]) : NaN;
          if (Number.isInteger(index)) named.set(index, [...(named.get(index) ?? []), p]);
        }
        const whole: FieldProblem[] = [{ path: [], message: error.message, reason: error.reason, params: error.params }];
        await putAll(
          batch.flatMap((e, index): QueuedEntry[] =>
            named.size === 0
              ? [{ ...e, status: 'rejected', problems: error.fields.length ? error.fields : whole, lastError: null }]
              : named.has(index)
                ? [{ ...e, status: 'rejected', problems: named.get(index)!, lastError: null }]
                : [],
          ),
        );
        report.rejected += named.size || batch.length;
        changed();
        continue;
      }
      const results = new Map(answer.logAssists.entries.map((r) => [r.clientId, r]));
      const now = new Date().toISOString();
      await putAll(
        batch.map((e): QueuedEntry => {
          const r = results.get(e.clientId);
          if (!r) return e;
          if (r.outcome === 'REJECTED') {
            report.rejected++;
            return { ...e, status: 'rejected', problems: r.problems, lastError: null };
          }
          report.synced++;
          // The server has it: the household's details leave the phone (the input and the label naming head and address).
          const label = e.syncedLabel ?? shortLabel(e.input!.household);
          return { ...e, status: 'synced', input: null, label, syncedLabel: '', entryId: r.entryId, problems: [], lastError: null, syncedAt: now };
        }),
      );
      changed();
    }
  }
  return report;
}
