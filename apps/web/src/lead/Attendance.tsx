import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { gql } from '../lib/api';
import { describeProblems } from '../lib/errors';
import { shortTime, useOnline } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { reasonText } from '../lib/reasons';
import { ErrorBox, Notice } from '../lib/ui';
import {
  enqueueAttendance,
  listAttendance,
  onAttendanceChange,
  removeAttendance,
  syncAttendance,
  type AttendanceCounts,
  type QueuedAttendance,
} from './attendance-queue';

interface DueSession {
  id: string;
  title: string;
  startsAt: string;
  place: string;
  topics: { code: string; nameVi: string; nameEn: string }[];
}

const DUE = `query($groupId: UUID!) { sessions(first: 50, filter: { groupId: $groupId, attendanceDue: true }, sort: LATEST_FIRST) { edges { node { id title startsAt place topics { code nameVi nameEn } } } } }`;
const CELLS = ['femaleUnder35', 'female35To59', 'female60Plus', 'maleUnder35', 'male35To59', 'male60Plus'] as const;

const dueKey = (groupId: string) => `cdtg.lead.due.${groupId}`;
function cachedDue(groupId: string): DueSession[] | null {
  try {
    return JSON.parse(localStorage.getItem(dueKey(groupId)) ?? 'null') as DueSession[] | null;
  } catch {
    return null;
  }
}

/**
 * Sessions of the group that ended without attendance, and the six-cell attendance form. Works offline like the
 * assistance log: the sessions due are kept on the phone, and attendance is written to the phone and sent when there
 * is a connection (sent once: it carries a client id).
 */
export function Attendance({ groupId }: { groupId: string }) {
  const { t } = useI18n();
  const online = useOnline();
  const [due, setDue] = useState<DueSession[] | null>(() => cachedDue(groupId));
  const [dueError, setDueError] = useState<unknown>(null);
  const [queued, setQueued] = useState<QueuedAttendance[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const loadDue = useCallback(() => {
    if (!navigator.onLine) return;
    gql<{ sessions: { edges: { node: DueSession }[] } }>(DUE, { groupId }).then((data) => {
      const sessions = data.sessions.edges.map((e) => e.node);
      localStorage.setItem(dueKey(groupId), JSON.stringify(sessions));
      setDue(sessions);
      setDueError(null);
    }, setDueError);
  }, [groupId]);
  const refresh = useCallback(() => void listAttendance(groupId).then(setQueued), [groupId]);
  useEffect(() => {
    loadDue();
    refresh();
    window.addEventListener('online', loadDue);
    const off = onAttendanceChange(refresh);
    return () => {
      window.removeEventListener('online', loadDue);
      off();
    };
  }, [loadDue, refresh]);

  // A session whose attendance is on the phone (waiting, or sent) is not offered again; a refused one is, to correct.
  const onPhone = new Map([...queued].reverse().map((q) => [q.sessionId, q])); // the newest of each session
  const sessions = (due ?? []).filter((s) => !onPhone.has(s.id) || onPhone.get(s.id)!.status === 'rejected');
  return (
    <div className="stack">
      <h2>{t('lead.attendanceDue')}</h2>
      {!due && (dueError ? <ErrorBox error={dueError} onRetry={loadDue} /> : !online ? <Notice>{t('lead.setupOffline')}</Notice> : <p>{t('app.loading')}</p>)}
      {done && <Notice>{done}</Notice>}
      {due && sessions.length === 0 && <p>{t('lead.noDue')}</p>}
      {sessions.map((s) => (
        <div key={s.id} className="card">
          <button type="button" className="session-head" onClick={() => setOpen(open === s.id ? null : s.id)} aria-expanded={open === s.id}>
            <strong>{s.title}</strong>{' '}
            <span className="muted">
              {shortTime(s.startsAt)} · {s.place}
            </span>
          </button>
          {open === s.id && (
            <AttendanceForm
              session={s}
              initial={onPhone.get(s.id)?.input ?? null}
              onSaved={async (input) => {
                await enqueueAttendance(groupId, s, input);
                setDone(t(navigator.onLine ? 'lead.attendanceSending' : 'lead.attendanceSavedOffline'));
                setOpen(null);
                if (navigator.onLine) void syncAttendance();
              }}
            />
          )}
        </div>
      ))}
      {queued.length > 0 && (
        <section aria-labelledby="attendance-queue-title">
          <h2 id="attendance-queue-title">{t('lead.attendanceOnPhone')}</h2>
          <ul className="entries">
            {queued.map((q) => (
              <li key={q.clientId} className={`entry ${q.status}`} data-status={q.status} data-session={q.sessionId}>
                <div className="row">
                  <span className={`badge ${q.status}`}>{t(`lead.${q.status}`)}</span>
                  <span className="label">{q.title}</span>
                </div>
                <div className="muted">
                  {shortTime(q.startsAt)}
                  {q.status === 'synced' && q.total !== null ? ` · ${t('lead.attendanceSaved', { n: q.total })}` : ''}
                  {q.status === 'pending' && q.lastError ? ` · ${t('lead.waitingNetwork')}` : ''}
                </div>
                {q.status === 'rejected' && (
                  <ul className="problems">
                    {describeProblems(t, q.problems).map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
                {q.status !== 'pending' && (
                  <button type="button" className="link" onClick={() => void removeAttendance([q.clientId])}>
                    {t(q.status === 'synced' ? 'lead.clear' : 'lead.discard')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function AttendanceForm({
  session,
  initial,
  onSaved,
}: {
  session: DueSession;
  initial: AttendanceCounts | null;
  onSaved(input: AttendanceCounts): Promise<void>;
}) {
  const { t, language } = useI18n();
  const [cells, setCells] = useState<Record<string, string>>(() => (initial ? Object.fromEntries(CELLS.map((c) => [c, String(initial[c])])) : {}));
  const [total, setTotal] = useState(initial?.total !== undefined ? String(initial.total) : '');
  const [steps, setSteps] = useState<Record<string, string>>(() =>
    Object.fromEntries((initial?.practicalSteps ?? []).map((s) => [s.topic, String(s.completed)])),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : 0);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const counts = Object.fromEntries(CELLS.map((c) => [c, num(cells[c])])) as Record<(typeof CELLS)[number], number>;
    const sum = CELLS.reduce((n, c) => n + counts[c], 0);
    // The server's rules, checked here too so that a mistake is seen in the hall, not at the next sync.
    if (total && num(total) < sum) return setProblem(`${t('lead.totalOptional')}: ${reasonText('TOTAL_BELOW_COUNTED', { sum }, language)}`);
    const everyone = total ? num(total) : sum;
    const over = session.topics.find((tp) => num(steps[tp.code]) > everyone);
    if (over)
      return setProblem(
        `${t('lead.practical', { topic: language === 'vi' ? over.nameVi : over.nameEn })}: ${reasonText('MORE_THAN_PARTICIPANTS', { total: everyone }, language)}`,
      );
    setProblem(null);
    await onSaved({
      ...counts,
      ...(total ? { total: num(total) } : {}),
      practicalSteps: session.topics.filter((tp) => steps[tp.code]).map((tp) => ({ topic: tp.code, completed: num(steps[tp.code]) })),
    });
  };
  const bands = [
    ['Under35', t('lead.under35')],
    ['35To59', t('lead.from35to59')],
    ['60Plus', t('lead.age60')],
  ] as const;
  return (
    <form className="stack" onSubmit={submit}>
      <table className="cells">
        <thead>
          <tr>
            <th />
            {bands.map(([, label]) => (
              <th key={label}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(['female', 'male'] as const).map((g) => (
            <tr key={g}>
              <th>{t(`lead.${g}`)}</th>
              {bands.map(([band, label]) => (
                <td key={band}>
                  <input
                    type="number"
                    min={0}
                    inputMode="numeric"
                    aria-label={`${t(`lead.${g}`)} ${label}`}
                    value={cells[`${g}${band}`] ?? ''}
                    onChange={(e) => setCells({ ...cells, [`${g}${band}`]: e.target.value })}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <label>
        {t('lead.totalOptional')}
        <input type="number" min={0} inputMode="numeric" value={total} onChange={(e) => setTotal(e.target.value)} />
      </label>
      {session.topics.map((tp) => (
        <label key={tp.code}>
          {t('lead.practical', { topic: language === 'vi' ? tp.nameVi : tp.nameEn })}
          <input type="number" min={0} inputMode="numeric" value={steps[tp.code] ?? ''} onChange={(e) => setSteps({ ...steps, [tp.code]: e.target.value })} />
        </label>
      ))}
      {problem && (
        <div className="error" role="alert">
          {problem}
        </div>
      )}
      <button type="submit" className="primary big">
        {t('lead.logAttendance')}
      </button>
    </form>
  );
}
