import { useState } from 'react';
import { gql } from '../lib/api';
import { describeError } from '../lib/errors';
import { dayText, useQuery, vietnamToday } from '../lib/hooks';
import { API_LANGUAGE, useI18n } from '../lib/i18n';
import { ErrorBox } from '../lib/ui';
import { AnswerForm, CancelSessionForm, EditSessionForm, PlanSessionForm, RescheduleForm, type SessionDetails } from './SessionForms';

interface SessionRow {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string;
  status: string;
  groupName: string;
  trainerSlots: number;
  capacity: number;
  audience: string[];
  notes: string | null;
  topics: { code: string }[];
  assignments: { id: string; memberName: string; role: string; status: string; reason: string | null }[];
}

const SESSIONS = `query($filter: SessionFilter) { sessions(first: 100, filter: $filter) { edges { node { id title startsAt endsAt place status groupName trainerSlots capacity audience notes topics { code } assignments { id memberName role status reason } } } } }`;

function monday(offsetWeeks: number): string {
  const today = new Date(`${vietnamToday()}T00:00:00Z`);
  const back = (today.getUTCDay() + 6) % 7;
  return new Date(today.getTime() + (offsetWeeks * 7 - back) * 86400_000).toISOString().slice(0, 10);
}
const plusDays = (day: string, n: number) => new Date(new Date(`${day}T00:00:00Z`).getTime() + n * 86400_000).toISOString().slice(0, 10);

/** Two weeks of the ward's sessions by day; a session opens its assignments and the ranked suggestions. */
export function Calendar({ unitCode }: { unitCode: string }) {
  const { t, tx } = useI18n();
  const [week, setWeek] = useState(0);
  const from = monday(week);
  const to = plusDays(from, 13);
  const list = useQuery<{ sessions: { edges: { node: SessionRow }[] } }>(SESSIONS, { filter: { unitCode, from, to } });
  const [open, setOpen] = useState<string | null>(null);
  const [planning, setPlanning] = useState(false);
  const sessions = list.data?.sessions.edges.map((e) => e.node) ?? [];
  const days = [...new Set(sessions.map((s) => s.startsAt.slice(0, 10)))];
  return (
    <div className="stack calendar">
      {planning ? (
        <PlanSessionForm
          unitCode={unitCode}
          onCancel={() => setPlanning(false)}
          onDone={() => {
            setPlanning(false);
            list.reload();
          }}
        />
      ) : (
        <button type="button" className="primary" onClick={() => setPlanning(true)}>
          {t('session.plan')}
        </button>
      )}
      <div className="row">
        <button type="button" onClick={() => setWeek(week - 1)}>
          {t('officer.prev')}
        </button>
        <strong className="spacer center">
          {t('officer.week', { from: dayText(from) })} – {dayText(to)}
        </strong>
        <button type="button" onClick={() => setWeek(week + 1)}>
          {t('officer.next')}
        </button>
      </div>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.data && sessions.length === 0 && <p>{t('officer.noSessions')}</p>}
      {days.map((day) => (
        <div key={day} className="day">
          <h3>{dayText(day)}</h3>
          {sessions
            .filter((s) => s.startsAt.startsWith(day))
            .map((s) => (
              <div key={s.id} className="card session" data-session-id={s.id}>
                <button type="button" className="session-head" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>
                  <span className="time">
                    {s.startsAt.slice(11, 16)}–{s.endsAt.slice(11, 16)}
                  </span>
                  <strong>{s.title}</strong>
                  <span className={`badge ${s.status.toLowerCase()}`}>{tx(`status.${s.status}`)}</span>
                  <span className="muted">
                    {s.groupName} · {s.place} · {s.assignments.filter((a) => a.status === 'PENDING' || a.status === 'ACCEPTED').length}{' '}
                    {t('officer.assignments').toLowerCase()}
                  </span>
                </button>
                {open === s.id && <SessionPanel session={s} unitCode={unitCode} onChanged={list.reload} />}
              </div>
            ))}
        </div>
      ))}
    </div>
  );
}

interface Suggestion {
  score: number;
  explanation: string;
  member: { id: string; fullName: string; current: { group: { name: string } | null } | null };
}

const ROLES = ['TRAINER', 'ASSISTANT', 'SUPPORTER'] as const;

function SessionPanel({ session, unitCode, onChanged }: { session: SessionRow; unitCode: string; onChanged(): void }) {
  const { t, tx, language } = useI18n();
  const suggestions = useQuery<{ sessionSuggestions: Suggestion[] }>(
    `query($id: UUID!, $lang: Language!) { sessionSuggestions(sessionId: $id, first: 8) { score explanation(language: $lang) member { id fullName current { group { name } } } } }`,
    { id: session.id, lang: API_LANGUAGE[language], n: session.assignments.length },
    session.status !== 'PLANNED',
  );
  const [role, setRole] = useState<(typeof ROLES)[number]>('ASSISTANT');
  const [search, setSearch] = useState('');
  const found = useQuery<{ members: { edges: { node: { id: string; fullName: string; current: { group: { name: string } | null } | null } }[] } }>(
    `query($filter: MemberFilter) { members(first: 8, filter: $filter) { edges { node { id fullName current { group { name } } } } } }`,
    { filter: { unitCode, search, active: true } },
    search.trim().length < 2,
  );
  /** The form open on this session: its details, a new time, cancelling it, or a member's answer (an assignment id). */
  const [form, setForm] = useState<'edit' | 'reschedule' | 'cancel' | { answer: string; name: string } | null>(null);
  const details: SessionDetails = { ...session, topics: session.topics.map((x) => x.code) };
  const closeForm = () => {
    setForm(null);
    onChanged();
  };
  /** Per member: the answer of the last assignment attempt, shown on that member's row. */
  const [results, setResults] = useState<Record<string, { ok: boolean; text: string }>>({});
  const [error, setError] = useState<unknown>(null);

  const assign = async (memberId: string, name: string) => {
    try {
      await gql(`mutation($input: AssignMemberInput!) { assignMember(input: $input) { id status } }`, { input: { sessionId: session.id, memberId, role } });
      setResults((r) => ({ ...r, [memberId]: { ok: true, text: t('officer.assigned', { name }) } }));
      onChanged();
    } catch (e) {
      setResults((r) => ({ ...r, [memberId]: { ok: false, text: describeError(t, e) } }));
    }
  };
  const withdraw = async (id: string) => {
    setError(null);
    try {
      await gql(`mutation($id: UUID!) { withdrawAssignment(id: $id) { id } }`, { id });
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const candidate = (m: { id: string; fullName: string; current: { group: { name: string } | null } | null }, extra?: React.ReactNode) => (
    <li key={m.id} className="candidate" data-member-id={m.id}>
      <div className="row wrap">
        <span className="grow">
          <strong>{m.fullName}</strong> <span className="muted">{m.current?.group?.name ?? ''}</span>
        </span>
        <button type="button" className="primary" onClick={() => void assign(m.id, m.fullName)}>
          {t('officer.assign')}
        </button>
      </div>
      {extra}
      {results[m.id] && (
        <div className={results[m.id].ok ? 'notice' : 'error'} role={results[m.id].ok ? 'status' : 'alert'}>
          {results[m.id].text}
        </div>
      )}
    </li>
  );

  return (
    <div className="panel stack">
      {session.status === 'PLANNED' && form === null && (
        <div className="row wrap">
          <button type="button" onClick={() => setForm('edit')}>
            {t('session.edit')}
          </button>
          <button type="button" onClick={() => setForm('reschedule')}>
            {t('session.reschedule')}
          </button>
          <button type="button" className="danger" onClick={() => setForm('cancel')}>
            {t('session.cancel')}
          </button>
        </div>
      )}
      {form === 'edit' && <EditSessionForm session={details} onDone={closeForm} onCancel={() => setForm(null)} />}
      {form === 'reschedule' && <RescheduleForm session={details} onDone={closeForm} onCancel={() => setForm(null)} />}
      {form === 'cancel' && <CancelSessionForm session={details} onDone={closeForm} onCancel={() => setForm(null)} />}
      {form !== null && typeof form === 'object' && (
        <AnswerForm assignmentId={form.answer} name={form.name} onDone={closeForm} onCancel={() => setForm(null)} />
      )}
      <h4>{t('officer.assignments')}</h4>
      {session.assignments.length === 0 && <p className="muted">{t('officer.noAssignments')}</p>}
      <ul className="plain assignments">
        {session.assignments.map((a) => (
          <li key={a.id} className="row wrap">
            <span className="grow">
              {a.memberName} · {tx(`role.${a.role}`)} · <span className={`badge ${a.status.toLowerCase()}`}>{tx(`status.${a.status}`)}</span>
              {a.reason ? <span className="muted"> ({a.reason})</span> : null}
            </span>
            {session.status === 'PLANNED' && a.status === 'PENDING' && (
              <button type="button" className="link" onClick={() => setForm({ answer: a.id, name: a.memberName })}>
                {t('session.recordAnswer')}
              </button>
            )}
            {session.status === 'PLANNED' && (a.status === 'PENDING' || a.status === 'ACCEPTED') && (
              <button type="button" className="link" onClick={() => void withdraw(a.id)}>
                {t('officer.withdraw')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorBox error={error} />
      {session.status === 'PLANNED' && (
        <>
          <label>
            {t('common.role')}
            <select name="role" value={role} onChange={(e) => setRole(e.target.value as (typeof ROLES)[number])}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {tx(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <h4>{t('officer.suggestions')}</h4>
          <ErrorBox error={suggestions.error} />
          {suggestions.data && suggestions.data.sessionSuggestions.length === 0 && <p className="muted">{t('officer.noSuggestions')}</p>}
          <ul className="plain suggestions">
            {suggestions.data?.sessionSuggestions.map((s) =>
              candidate(
                s.member,
                <div className="muted small">
                  <span className="score">
                    {t('officer.score')} {Math.round(s.score)}/100
                  </span>{' '}
                  · {s.explanation}
                </div>,
              ),
            )}
          </ul>
          <label>
            {t('officer.searchMember')}
            <input type="search" name="member-search" value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
          <ErrorBox error={found.error} />
          <ul className="plain search-results">{search.trim().length >= 2 && found.data?.members.edges.map((e) => candidate(e.node))}</ul>
        </>
      )}
    </div>
  );
}
