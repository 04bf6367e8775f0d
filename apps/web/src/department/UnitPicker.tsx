import { useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox } from '../lib/ui';

type UnitRef = { code: string; name: string };
const UNIT = `query($code: String!, $asOf: String) {
  unit(code: $code, asOf: $asOf) { code name ancestors { code name } }
  unitChildren(code: $code, asOf: $asOf) { code name } }`;

/**
 * The unit a report is about, chosen by drilling down from the user's own unit (province → commune → residential
 * group) in the tree of the chosen day (today's, or the one before the 2025 reform), and back up by the breadcrumb.
 */
export function UnitPicker({ code, home, asOf, onChange }: { code: string; home: string; asOf: string; onChange(code: string): void }) {
  const { t } = useI18n();
  const data = useQuery<{ unit: UnitRef & { ancestors: UnitRef[] }; unitChildren: UnitRef[] }>(UNIT, { code, asOf }, !code);
  const unit = data.data?.unit;
  // From the user's own unit down: the units above it are outside their grant.
  const path = unit ? [...unit.ancestors, { code: unit.code, name: unit.name }] : [];
  const trail = path.slice(
    Math.max(
      0,
      path.findIndex((u) => u.code === home),
    ),
  );
  const children = data.data?.unitChildren ?? [];
  return (
    <div className="unit-picker stack">
      <nav aria-label={t('dash.unitPath')} className="row wrap breadcrumb">
        {trail.map((u, i) =>
          i === trail.length - 1 ? (
            <strong key={u.code} aria-current="page" data-testid="picked-unit">
              {u.name}
            </strong>
          ) : (
            <button key={u.code} type="button" className="link" onClick={() => onChange(u.code)}>
              {u.name} ›
            </button>
          ),
        )}
      </nav>
      <ErrorBox error={data.error} onRetry={data.reload} />
      {children.length > 0 && (
        <label>
          {t('dash.drillDown')}
          <select name="child" value="" onChange={(e) => e.target.value && onChange(e.target.value)}>
            <option value="">{t('dash.chooseChild', { n: children.length })}</option>
            {children.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

/** What the department's tabs are about: the user's own unit (none for an administrator) and the unit chosen, kept across tabs. */
export interface UnitChoice {
  home: string | null;
  unitCode: string;
  setUnitCode(code: string): void;
}

/**
 * The unit a department screen is about: the picker from the user's own unit, or, for an administrator, who has no unit
 * of their own, a code to start from.
 */
export function UnitChooser({ home, code, asOf, onChange }: { home: string | null; code: string; asOf: string; onChange(code: string): void }) {
  const { t } = useI18n();
  return (
    <>
      {!home && (
        <label>
          {t('dash.unitCode')}
          <input value={code} onChange={(e) => onChange(e.target.value.trim())} size={8} />
        </label>
      )}
      {code && <UnitPicker code={code} home={home ?? code} asOf={asOf} onChange={onChange} />}
    </>
  );
}
