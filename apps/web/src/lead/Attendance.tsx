import { useState, type FormEvent } from 'react';
import { gql } from '../lib/api';
import { shortTime, useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox, Notice } from '../lib/ui';

interface DueSession {
  id: string;
  title: string;
  startsAt: string;
  place: string;
  topics: { code: string; nameVi: string; nameEn: string }[];
}

const DUE = `query($groupId: UUID!) { sessions(first: 50, filter: { groupId: $groupId, attendanceDue: true }, sort: LATEST_FIRST) { edges { node { id title startsAt place topics { code nameVi nameEn } } } } }`;
const CELLS = ['femaleUnder35', 'female35To59', 'female60Plus', 'maleUnder35', 'male35To59', 'male60Plus'] as const;

/** Sessions of the group that ended without attendance, and the six-cell attendance form. */
export function Attendance({ groupId }: { groupId: string }) {
  const { t } = useI18n();
  const due = useQuery<{ sessions: { edges: { node: DueSession }[] } }>(DUE, { groupId });
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const sessions = due.data?.sessions.edges.map((e) => e.node) ?? [];
  return (
    <div className="stack">
      <h2>{t('lead.attendanceDue')}</h2>
      <ErrorBox error={due.error} onRetry={due.reload} />
      {done && <Notice>{done}</Notice>}
      {due.data && sessions.length === 0 && <p>{t('lead.noDue')}</p>}
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
              onSaved={(n) => {
                setDone(t('lead.attendanceSaved', { n }));
                setOpen(null);
                due.reload();
              }}
            />
          )}
        </div>
      ))}
    </div>
  );
}

function AttendanceForm({ session, onSaved }: { session: DueSession; onSaved(total: number): void }) {
  const { t, language } = useI18n();
  const [cells, setCells] = useState<Record<string, string>>({});
  const [total, setTotal] = useState('');
  const [steps, setSteps] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : 0);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const input = {
      ...Object.fromEntries(CELLS.map((c) => [c, num(cells[c])])),
      ...(total ? { total: num(total) } : {}),
      practicalSteps: session.topics.filter((tp) => steps[tp.code]).map((tp) => ({ topic: tp.code, completed: num(steps[tp.code]) })),
    };
    try {
      const data = await gql<{ logAttendance: { attendance: { total: number } } }>(
        `mutation($id: UUID!, $input: AttendanceInput!) { logAttendance(sessionId: $id, input: $input) { status attendance { total } } }`,
        { id: session.id, input },
      );
      onSaved(data.logAttendance.attendance.total);
    } catch (e) {
      setError(e);
    }
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
      <ErrorBox error={error} />
      <button type="submit" className="primary big">
        {t('lead.logAttendance')}
      </button>
    </form>
  );
}
