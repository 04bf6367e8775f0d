import type { KeyboardEvent, ReactNode } from 'react';
import { describeError, reasonOf } from './errors';
import type { ReasonParams } from './reasons';
import { useI18n } from './i18n';

/** An API error in plain words, announced to screen readers. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {describeError(t, error)}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="notice" role="status">
      {children}
    </div>
  );
}

/**
 * Tabs as the WAI-ARIA pattern has them: one tab stop (the current tab), the arrow keys move to the previous or next
 * tab and open it, Home and End to the first and last.
 */
export function Tabs<K extends string>({ tabs, current, onChange }: { tabs: { key: K; label: string }[]; current: K; onChange(key: K): void }) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((tab) => tab.key === current);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = (to + tabs.length) % tabs.length;
    onChange(tabs[next].key);
    (event.currentTarget.children[next] as HTMLElement | undefined)?.focus();
  };
  return (
    <div className="tabs" role="tablist" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.key}
          type="button"
          role="tab"
          aria-selected={tab.key === current}
          tabIndex={tab.key === current ? 0 : -1}
          className={tab.key === current ? 'tab active' : 'tab'}
          onClick={() => onChange(tab.key)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

/** The problems of an import's rows (line, column, reason), in the user's language. */
export function RowProblems({ rows }: { rows: { line: number; field?: string | null; reason: string; params: ReasonParams | null }[] }) {
  const { t } = useI18n();
  return (
    <table className="data">
      <thead>
        <tr>
          <th>{t('officer.importLine')}</th>
          <th>{t('officer.importField')}</th>
          <th>{t('officer.importMessage')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e, i) => (
          <tr key={i}>
            <td className="num">{e.line}</td>
            <td>{e.field ?? ''}</td>
            <td>{reasonOf(t, e.reason, e.params)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
