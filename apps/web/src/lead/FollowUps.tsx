import { useCallback, useEffect, useState } from 'react';
import { gql } from '../lib/api';
import { dayText, useOnline } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox, Notice } from '../lib/ui';
import { onQueueChange } from './queue';

export interface FollowUp {
  id: string;
  waitingSince: string;
  lastVisitOn: string;
  household: { maskedLabel: string };
  unit: { id: string; name: string };
  services: { service: string; reason: string; markedOn: string; byOtherGroup: boolean }[];
}

/** What a revisit starts from: where the household lives and the services still open (the household is typed again). */
export interface Revisit {
  unitId: string;
  services: string[];
  label: string;
}

const FOLLOW_UPS = `query($g: UUID!, $after: String) { followUps(groupId: $g, first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id waitingSince lastVisitOn household { maskedLabel } unit { id name } services { service reason markedOn byOtherGroup } } } } }`;
type Answer = { followUps: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: FollowUp }[] } };

interface Cached {
  at: string;
  items: FollowUp[];
}

const cacheKey = (groupId: string) => `cdtg.lead.followUps.${groupId}`;

/** The worklist as last read, kept on the phone so it can be opened in the field without a connection. */
function cached(groupId: string): Cached | null {
  try {
    return JSON.parse(localStorage.getItem(cacheKey(groupId)) ?? 'null') as Cached | null;
  } catch {
    return null;
  }
}

async function load(groupId: string): Promise<Cached> {
  const items: FollowUp[] = [];
  let after: string | null = null;
  // A group's worklist is short (households waiting for a second visit); read it whole, 100 at a time, up to 500.
  for (let page = 0; page < 5; page++) {
    const answer: Answer = await gql<Answer>(FOLLOW_UPS, { g: groupId, after });
    items.push(...answer.followUps.edges.map((e) => e.node));
    if (!answer.followUps.pageInfo.hasNextPage) break;
    after = answer.followUps.pageInfo.endCursor;
  }
  const fresh = { at: new Date().toISOString(), items };
  localStorage.setItem(cacheKey(groupId), JSON.stringify(fresh));
  return fresh;
}

/**
 * "Cần quay lại": the households the group marked for a follow-up visit, with the services still open and why, until a
 * later entry (by any group, the same household) settles them. Longest untouched first.
 */
export function FollowUps({ groupId, onRevisit }: { groupId: string; onRevisit(revisit: Revisit): void }) {
  const { t, tx } = useI18n();
  const online = useOnline();
  const [list, setList] = useState<Cached | null>(() => cached(groupId));
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(() => {
    if (!navigator.onLine) return;
    setError(null);
    load(groupId).then(setList, setError);
  }, [groupId]);
  useEffect(() => {
    refresh();
    window.addEventListener('online', refresh);
    // An entry sent from the phone (a return visit) may settle a household: read the list again.
    const off = onQueueChange(refresh);
    return () => {
      window.removeEventListener('online', refresh);
      off();
    };
  }, [refresh]);

  return (
    <section className="stack" aria-labelledby="follow-ups-title">
      <div className="row">
        <h2 id="follow-ups-title">{t('lead.followUps')}</h2>
        <span className="spacer" />
        <button type="button" onClick={refresh} disabled={!online}>
          {t('lead.refresh')}
        </button>
      </div>
      <p className="muted">{t('lead.followUpsHint')}</p>
      {!online && list && <Notice>{t('lead.followUpsOffline', { time: new Date(list.at).toLocaleString('vi-VN') })}</Notice>}
      {!online && !list && <Notice>{t('lead.setupOffline')}</Notice>}
      <ErrorBox error={error} onRetry={refresh} />
      {list && list.items.length === 0 && <p data-testid="follow-ups-empty">{t('lead.noFollowUps')}</p>}
      <ul className="entries follow-ups">
        {list?.items.map((f) => (
          <li key={f.id} className="entry" data-household={f.id}>
            <div className="row">
              <span className="label">{f.household.maskedLabel}</span>
            </div>
            <div className="muted">
              {f.unit.name} · {t('lead.lastVisit', { day: dayText(f.lastVisitOn) })}
            </div>
            <ul className="open-services">
              {f.services.map((s) => (
                <li key={s.service}>
                  <strong>{tx(`service.${s.service}`)}</strong>: {tx(`reason.${s.reason}`)} ({dayText(s.markedOn)}
                  {s.byOtherGroup ? `, ${t('lead.byOtherGroup')}` : ''})
                </li>
              ))}
            </ul>
            <button type="button" onClick={() => onRevisit({ unitId: f.unit.id, services: f.services.map((s) => s.service), label: f.household.maskedLabel })}>
              {t('lead.revisit')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
