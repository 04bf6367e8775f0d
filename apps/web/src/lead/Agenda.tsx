import { useState, type FormEvent } from 'react';
import { renderSVG } from 'uqr';
import { gql } from '../lib/api';
import { shortTime, useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox, Notice } from '../lib/ui';

const AGENDA = `query { myAgenda { calendarFeedUrl assignments { id role status session { title startsAt endsAt place } } } }`;
const RESPOND = `mutation($input: AssignmentResponseInput!) { respondToAssignment(input: $input) { id status } }`;
type Assignment = { id: string; role: string; status: string; session: { title: string; startsAt: string; endsAt: string; place: string } };
type AgendaData = { myAgenda: { calendarFeedUrl: string | null; assignments: Assignment[] } };

/** A volunteer's own assignments for the next 30 days (accept or decline the pending ones), and the calendar feed. */
export function Agenda() {
  const { t } = useI18n();
  const agenda = useQuery<AgendaData>(AGENDA, {});
  const data = agenda.data?.myAgenda;
  // A declined session leaves the list (it holds pending and accepted ones): say so.
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section className="stack">
      <h2>{t('agenda.title')}</h2>
      <ErrorBox error={agenda.error} onRetry={agenda.reload} />
      {notice && <Notice>{notice}</Notice>}
      {data && data.assignments.length === 0 && <p>{t('agenda.none')}</p>}
      <ul className="plain stack">
        {data?.assignments.map((a) => (
          <AssignmentCard
            key={a.id}
            assignment={a}
            onChanged={(accepted) => {
              setNotice(t(accepted ? 'agenda.accepted' : 'agenda.declined', { title: a.session.title }));
              agenda.reload();
            }}
          />
        ))}
      </ul>
      {data?.calendarFeedUrl && <Feed url={data.calendarFeedUrl} />}
    </section>
  );
}

/** "05/12 08:00–10:00": the end's date only when the session ends on another day. */
function timeRange(startsAt: string, endsAt: string): string {
  const start = shortTime(startsAt);
  const end = shortTime(endsAt);
  return start.slice(0, 5) === end.slice(0, 5) ? `${start}–${end.slice(6)}` : `${start} – ${end}`;
}

function AssignmentCard({ assignment: a, onChanged }: { assignment: Assignment; onChanged(accepted: boolean): void }) {
  const { t, tx } = useI18n();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const respond = async (accept: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await gql(RESPOND, { input: { assignmentId: a.id, accept, ...(accept ? {} : { reason: reason.trim() }) } });
      onChanged(accept);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const decline = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) void respond(false);
  };
  return (
    <li className="card stack" data-assignment-id={a.id} data-status={a.status}>
      <strong>{a.session.title}</strong>
      <div className="muted">
        {timeRange(a.session.startsAt, a.session.endsAt)} · {a.session.place} · {tx(`role.${a.role}`)} · {tx(`status.${a.status}`)}
      </div>
      <ErrorBox error={error} />
      {a.status === 'PENDING' && !declining && (
        <div className="row wrap">
          <button type="button" className="primary" disabled={busy} onClick={() => void respond(true)}>
            {t('agenda.accept')}
          </button>
          <button type="button" disabled={busy} onClick={() => setDeclining(true)}>
            {t('agenda.decline')}
          </button>
        </div>
      )}
      {a.status === 'PENDING' && declining && (
        <form className="row wrap" onSubmit={decline}>
          <label>
            {t('agenda.declineReason')}
            <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} required autoFocus />
          </label>
          <button type="submit" disabled={busy || !reason.trim()}>
            {t('agenda.confirmDecline')}
          </button>
          <button type="button" className="link" onClick={() => setDeclining(false)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
    </li>
  );
}

/** The personal calendar feed: open it in the phone's calendar, copy the link, or scan it from another device. */
function Feed({ url }: { url: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(url);
    setCopied(true);
  };
  return (
    <section className="card stack" aria-labelledby="feed-title">
      <h3 id="feed-title">{t('agenda.feedTitle')}</h3>
      <p className="muted small">{t('agenda.feedHint')}</p>
      <input readOnly value={url} aria-label={t('agenda.feedTitle')} onFocus={(e) => e.target.select()} />
      <div className="row wrap">
        <a className="button" href={url.replace(/^https?:/, 'webcal:')}>
          {t('agenda.feed')}
        </a>
        <button type="button" onClick={() => void copy()}>
          {t('agenda.copy')}
        </button>
        <button type="button" aria-expanded={qr} onClick={() => setQr(!qr)}>
          {t('agenda.qr')}
        </button>
      </div>
      {copied && <Notice>{t('agenda.copied')}</Notice>}
      {/* The QR code is drawn here from the link (no request leaves the phone). */}
      {qr && <div className="qr" role="img" aria-label={t('agenda.qr')} dangerouslySetInnerHTML={{ __html: renderSVG(url, { border: 2 }) }} />}
    </section>
  );
}
