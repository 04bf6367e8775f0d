import { useState, type FormEvent, type ReactNode } from 'react';
import { gql } from './api';
import { useI18n } from './i18n';
import { ErrorBox } from './ui';

/** A form shell: fields, the error of the last attempt, and the submit and cancel buttons. */
export function FormShell({
  label,
  submit,
  busy,
  error,
  onSubmit,
  onCancel,
  children,
}: {
  label: string;
  submit: string;
  busy: boolean;
  error: unknown;
  onSubmit(): Promise<void>;
  onCancel(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const send = (event: FormEvent) => {
    event.preventDefault();
    void onSubmit();
  };
  return (
    <form className="card stack session-form" aria-label={label} onSubmit={send}>
      <h4>{label}</h4>
      {children}
      <ErrorBox error={error} />
      <div className="row wrap">
        <button type="submit" className="primary" disabled={busy}>
          {submit}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Runs a mutation for a form: busy while it runs, the error kept, `done` after success. */
export function useSubmit(done: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (query: string, variables: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await gql(query, variables);
      done();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** A labelled choice among named items (groups, units), the first chosen until another is. */
export function Choice({
  label,
  name,
  items,
  value,
  onChange,
}: {
  label: string;
  name: string;
  items: { id: string; name: string }[];
  value: string;
  onChange(id: string): void;
}) {
  return (
    <label>
      {label}
      <select name={name} value={value || items[0]?.id || ''} onChange={(e) => onChange(e.target.value)}>
        {items.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </select>
    </label>
  );
}
