import { shortTime, useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox } from '../lib/ui';

const AGENDA = `query { myAgenda { calendarFeedUrl assignments { id role status session { title startsAt place } } } }`;
type AgendaData = {
  myAgenda: {
    calendarFeedUrl: string | null;
    assignments: { id: string; role: string; status: string; session: { title: string; startsAt: string; place: string } }[];
  };
};

/** A volunteer's own assignments for the next 30 days, and the calendar feed. */
export function Agenda() {
  const { t, tx } = useI18n();
  const agenda = useQuery<AgendaData>(AGENDA, {});
  const data = agenda.data?.myAgenda;
  return (
    <section className="stack">
      <h2>{t('agenda.title')}</h2>
      <ErrorBox error={agenda.error} onRetry={agenda.reload} />
      {data && data.assignments.length === 0 && <p>{t('agenda.none')}</p>}
      <ul className="plain">
        {data?.assignments.map((a) => (
          <li key={a.id} className="card">
            <strong>{a.session.title}</strong>
            <div className="muted">
              {shortTime(a.session.startsAt)} · {a.session.place} · {tx(`role.${a.role}`)} · {tx(`status.${a.status}`)}
            </div>
          </li>
        ))}
      </ul>
      {data?.calendarFeedUrl && <a href={data.calendarFeedUrl.replace(/^https?:/, 'webcal:')}>{t('agenda.feed')}</a>}
    </section>
  );
}
