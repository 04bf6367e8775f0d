import { useState, type FormEvent } from 'react';
import { gql } from '../lib/api';
import { dayText, useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox, Notice } from '../lib/ui';
import { SERVICES } from '../lib/enum-names';

interface EntryRow {
  id: string;
  occurredOn: string;
  household: { maskedLabel: string };
  unit: { name: string };
  group: { name: string } | null;
  services: { service: string; outcome: string }[];
  volunteers: { fullName: string }[];
}
type Page = { assistEntries: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: EntryRow }[] } };
const ENTRIES = `query($filter: AssistEntryFilter, $after: String) { assistEntries(first: 50, after: $after, filter: $filter) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id occurredOn household { maskedLabel } unit { name } group { name } services { service outcome } volunteers { fullName } } } } }`;
const GROUPS = `query($filter: GroupFilter) { groups(first: 100, filter: $filter) { edges { node { id name } } } }`;

/**
 * The ward's unverified assistance entries, 50 a page, filtered by day, group, service and outcome: verify those
 * selected, or void one that is wrong (with the reason: it then counts nowhere).
 */
export function Verify({ unitCode }: { unitCode: string }) {
  const { t, tx } = useI18n();
  const [filter, setFilter] = useState<{ from: string; to: string; groupId: string; service: string; outcome: string }>({
    from: '',
    to: '',
    groupId: '',
    service: '',
    outcome: '',
  });
  // The cursors of the pages seen before this one (the first page has none), to go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const chosen = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== ''));
  const list = useQuery<Page>(ENTRIES, { filter: { unitCode, verified: false, status: 'VALID', ...chosen }, after });
  const groups = useQuery<{ groups: { edges: { node: { id: string; name: string } }[] } }>(GROUPS, { filter: { unitCode } });
  const [selected, setSelected] = useState<string[]>([]);
  const [voiding, setVoiding] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const rows = list.data?.assistEntries.edges.map((e) => e.node) ?? [];
  const pageInfo = list.data?.assistEntries.pageInfo;
  const setField = (key: keyof typeof filter, value: string) => {
    setFilter({ ...filter, [key]: value });
    setCursors([null]);
    setSelected([]);
  };
  const verify = async () => {
    setError(null);
    try {
      const data = await gql<{ verifyAssistEntries: { id: string }[] }>(`mutation($ids: [UUID!]!) { verifyAssistEntries(ids: $ids) { id verified } }`, {
        ids: selected,
      });
      setDone(t('officer.verified', { n: data.verifyAssistEntries.length }));
      setSelected([]);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="stack">
      <h3>
        {t('officer.entries')} {list.data && <span className="muted">({t('common.total', { n: list.data.assistEntries.totalCount })})</span>}
      </h3>
      <div className="row wrap filters">
        <label>
          {t('verify.from')}
          <input type="date" name="from" value={filter.from} onChange={(e) => setField('from', e.target.value)} />
        </label>
        <label>
          {t('verify.to')}
          <input type="date" name="to" value={filter.to} onChange={(e) => setField('to', e.target.value)} />
        </label>
        <label>
          {t('verify.group')}
          <select name="groupId" value={filter.groupId} onChange={(e) => setField('groupId', e.target.value)}>
            <option value="">{t('verify.all')}</option>
            {groups.data?.groups.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('verify.service')}
          <select name="service" value={filter.service} onChange={(e) => setField('service', e.target.value)}>
            <option value="">{t('verify.all')}</option>
            {SERVICES.map((s) => (
              <option key={s} value={s}>
                {tx(`service.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('verify.outcome')}
          <select name="outcome" value={filter.outcome} onChange={(e) => setField('outcome', e.target.value)}>
            <option value="">{t('verify.all')}</option>
            <option value="DONE">{t('lead.done')}</option>
            <option value="FOLLOW_UP">{t('lead.followUp')}</option>
          </select>
        </label>
      </div>
      <ErrorBox error={list.error ?? error} />
      {done && <Notice>{done}</Notice>}
      <div className="row">
        <label className="check">
          <input
            type="checkbox"
            checked={rows.length > 0 && rows.every((r) => selected.includes(r.id))}
            onChange={(e) => setSelected(e.target.checked ? rows.map((r) => r.id) : [])}
          />
          {t('officer.selectAll')}
        </label>
        <span className="spacer" />
        <button type="button" className="primary" disabled={selected.length === 0} onClick={() => void verify()}>
          {t('officer.verifySelected', { n: selected.length })}
        </button>
      </div>
      {list.data && rows.length === 0 && <p>{t('common.none')}</p>}
      {rows.length > 0 && (
        <table className="data" data-testid="verify-table">
          <thead>
            <tr>
              <th>
                <span className="visually-hidden">{t('verify.select')}</span>
              </th>
              <th>{t('verify.day')}</th>
              <th>{t('verify.household')}</th>
              <th>{t('verify.services')}</th>
              <th>{t('verify.who')}</th>
              <th>
                <span className="visually-hidden">{t('verify.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-entry-id={r.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={r.household.maskedLabel}
                    checked={selected.includes(r.id)}
                    onChange={(e) => setSelected(e.target.checked ? [...selected, r.id] : selected.filter((s) => s !== r.id))}
                  />
                </td>
                <td>{dayText(r.occurredOn)}</td>
                <td>
                  {r.household.maskedLabel}
                  <div className="muted small">{r.unit.name}</div>
                </td>
                <td>{r.services.map((s) => `${tx(`service.${s.service}`)} (${s.outcome === 'DONE' ? t('lead.done') : t('lead.followUp')})`).join(', ')}</td>
                <td>
                  {r.group?.name ?? ''}
                  <div className="muted small">{r.volunteers.map((v) => v.fullName).join(', ')}</div>
                </td>
                <td>
                  {voiding === r.id ? (
                    <VoidForm
                      entryId={r.id}
                      onCancel={() => setVoiding(null)}
                      onDone={() => {
                        setVoiding(null);
                        setDone(t('verify.voided'));
                        setSelected(selected.filter((s) => s !== r.id));
                        list.reload();
                      }}
                    />
                  ) : (
                    <button type="button" className="link danger" onClick={() => setVoiding(r.id)}>
                      {t('verify.void')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('verify.previous')}
        </button>
        <span className="spacer center muted">{t('verify.page', { n: cursors.length })}</span>
        <button type="button" disabled={!pageInfo?.hasNextPage} onClick={() => pageInfo?.endCursor && setCursors([...cursors, pageInfo.endCursor])}>
          {t('verify.next')}
        </button>
      </div>
    </div>
  );
}

/** Void a wrong entry, saying why: it stays in the record (and the audit log) but counts nowhere. */
function VoidForm({ entryId, onDone, onCancel }: { entryId: string; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await gql(`mutation($id: UUID!, $reason: String!) { voidAssistEntry(id: $id, reason: $reason) { id status } }`, { id: entryId, reason: reason.trim() });
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form className="stack" aria-label={t('verify.void')} onSubmit={submit}>
      <label>
        {t('verify.voidReason')}
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} autoFocus />
      </label>
      <ErrorBox error={error} />
      <div className="row">
        <button type="submit" className="danger">
          {t('verify.voidSubmit')}
        </button>
        <button type="button" className="link" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
