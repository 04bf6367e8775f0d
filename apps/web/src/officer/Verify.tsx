import { useState } from 'react';
import { gql } from '../lib/api';
import { useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox, Notice } from '../lib/ui';

interface EntryRow {
  id: string;
  occurredOn: string;
  household: { maskedLabel: string };
  unit: { name: string };
  group: { name: string } | null;
  services: { service: string; outcome: string }[];
  volunteers: { fullName: string }[];
}
const ENTRIES = `query($filter: AssistEntryFilter) { assistEntries(first: 50, filter: $filter) { totalCount edges { node { id occurredOn household { maskedLabel } unit { name } group { name } services { service outcome } volunteers { fullName } } } } }`;

/** The ward's unverified assistance entries; verify one, some or all shown. */
export function Verify({ unitCode }: { unitCode: string }) {
  const { t, tx } = useI18n();
  const list = useQuery<{ assistEntries: { totalCount: number; edges: { node: EntryRow }[] } }>(ENTRIES, {
    filter: { unitCode, verified: false, status: 'VALID' },
  });
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const rows = list.data?.assistEntries.edges.map((e) => e.node) ?? [];
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
      <ErrorBox error={list.error ?? error} />
      {done && <Notice>{done}</Notice>}
      <div className="row">
        <label className="check">
          <input
            type="checkbox"
            checked={rows.length > 0 && selected.length === rows.length}
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
      <table className="data">
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={r.household.maskedLabel}
                  checked={selected.includes(r.id)}
                  onChange={(e) => setSelected(e.target.checked ? [...selected, r.id] : selected.filter((s) => s !== r.id))}
                />
              </td>
              <td>{r.occurredOn.split('-').reverse().join('/')}</td>
              <td>
                {r.household.maskedLabel}
                <div className="muted small">{r.unit.name}</div>
              </td>
              <td>{r.services.map((s) => `${tx(`service.${s.service}`)} (${s.outcome === 'DONE' ? t('lead.done') : t('lead.followUp')})`).join(', ')}</td>
              <td>
                {r.group?.name ?? ''}
                <div className="muted small">{r.volunteers.map((v) => v.fullName).join(', ')}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
