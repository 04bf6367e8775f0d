import { ApiError, gql, type FieldProblem } from '../lib/api';
import { changeSignal, tx } from './offline-store';

/**
 * Attendance written on the phone (IndexedDB), sent like assistance entries: each gets a client id when it is written;
 * the server stores a client id once (logAttendance with `clientId`: sent again, it changes nothing), so a lost answer
 * or a second tab is harmless. An attendance holds counts only, nothing that identifies a person.
 */

export interface AttendanceCounts {
  femaleUnder35: number;
  female35To59: number;
  female60Plus: number;
  maleUnder35: number;
  male35To59: number;
  male60Plus: number;
  total?: number;
  practicalSteps: { topic: string; completed: number }[];
}

export interface QueuedAttendance {
  clientId: string;
  groupId: string;
  sessionId: string;
  /** What the list shows while the session may be gone from the (cached) list of due sessions. */
  title: string;
  startsAt: string;
  input: AttendanceCounts;
  status: 'pending' | 'synced' | 'rejected';
  problems: FieldProblem[];
  lastError: string | null;
  /** The total the server stored. */
  total: number | null;
  createdAt: string;
}

const signal = changeSignal();
export const onAttendanceChange = signal.on;

async function readAll(): Promise<QueuedAttendance[]> {
  return ((await tx('attendance', 'readonly', (s) => s.getAll() as IDBRequest<QueuedAttendance[]>)) ?? []) as QueuedAttendance[];
}

async function putAll(items: QueuedAttendance[]): Promise<void> {
  await tx('attendance', 'readwrite', (s) => void items.forEach((i) => s.put(i)));
  signal.emit();
}

export async function listAttendance(groupId: string): Promise<QueuedAttendance[]> {
  return (await readAll()).filter((a) => a.groupId === groupId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Keeps an attendance on the phone; it replaces one of the same session not yet accepted by the server. */
export async function enqueueAttendance(
  groupId: string,
  session: { id: string; title: string; startsAt: string },
  input: AttendanceCounts,
): Promise<QueuedAttendance> {
  const replaced = (await readAll()).filter((a) => a.sessionId === session.id && a.status !== 'synced');
  if (replaced.length) await tx('attendance', 'readwrite', (s) => void replaced.forEach((a) => s.delete(a.clientId)));
  const item: QueuedAttendance = {
    clientId: crypto.randomUUID(),
    groupId,
    sessionId: session.id,
    title: session.title,
    startsAt: session.startsAt,
    input,
    status: 'pending',
    problems: [],
    lastError: null,
    total: null,
    createdAt: new Date().toISOString(),
  };
  await putAll([item]);
  return item;
}

export async function removeAttendance(clientIds: string[]): Promise<void> {
  await tx('attendance', 'readwrite', (s) => void clientIds.forEach((id) => s.delete(id)));
  signal.emit();
}

const LOG = `mutation($id: UUID!, $input: AttendanceInput!) { logAttendance(sessionId: $id, input: $input) { id attendance { total } } }`;
let running: Promise<void> | null = null;

/** Sends every pending attendance, oldest first (one run at a time in this tab). */
export function syncAttendance(): Promise<void> {
  running ??= doSync().finally(() => {
    running = null;
  });
  return running;
}

async function doSync(): Promise<void> {
  const pending = (await readAll()).filter((a) => a.status === 'pending').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const item of pending) {
    try {
      const answer = await gql<{ logAttendance: { attendance: { total: number } } }>(LOG, {
        id: item.sessionId,
        input: { ...item.input, clientId: item.clientId },
      });
      await putAll([{ ...item, status: 'synced', problems: [], lastError: null, total: answer.logAttendance.attendance.total }]);
    } catch (error) {
      if (error instanceof ApiError && ['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'].includes(error.code)) {
        // Refused: kept with its reasons, to correct or discard.
        const problems = error.fields.length ? error.fields : [{ path: [], message: error.message, reason: error.reason, params: error.params }];
        await putAll([{ ...item, status: 'rejected', problems, lastError: null }]);
        continue;
      }
      // Not reached (offline, server busy): it stays pending and goes again later.
      await putAll([{ ...item, lastError: error instanceof ApiError ? error.code : 'OFFLINE' }]);
      return;
    }
  }
}
