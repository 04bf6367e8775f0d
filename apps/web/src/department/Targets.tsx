import { useState, type FormEvent } from 'react';
import { gql } from '../lib/api';
import { useQuery, vietnamToday } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import type { ReasonParams } from '../lib/reasons';
import { ErrorBox, Notice, RowProblems } from '../lib/ui';
import { UnitChooser, type UnitChoice } from './UnitPicker';

export interface TargetMeasure {
  key: string;
  kind: 'PERCENT' | 'COUNT';
  headerVi: string;
  headerEn: string;
}
type TargetPeriod = 'MONTH' | 'QUARTER' | 'YEAR';
interface Target {
  unit: { id: string; code: string; name: string; validFrom: string | null; validTo: string | null };
  measure: string;
  kind: 'PERCENT' | 'COUNT';
  periodStart: string;
  periodEnd: string;
  value: number;
  updatedBy: string;
}
interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: { line: number; field: string | null; reason: string; params: ReasonParams | null }[];
}

export const MEASURES = `{ targetMeasures { key kind headerVi headerEn } }`;
const LIST = `query($unitCode: String!, $period: Period!, $periodStart: String!, $geographyAsOf: String) {
  targets(unitCode: $unitCode, period: $period, periodStart: $periodStart, geographyAsOf: $geographyAsOf) {
    unit { id code name }
    targets { unit { id code name validFrom validTo } measure kind periodStart periodEnd value updatedBy } } }`;
const SET = `mutation($input: SetTargetInput!) { setTarget(input: $input) { measure value } }`;
const IMPORT = `mutation($csv: String!) { importTargets(input: { csv: $csv }) { created updated unchanged errors { line field reason params } } }`;

/** A measure's name in the console's language (the measure registry's headers, as in the exports). */
export const measureName = (measures: TargetMeasure[] | undefined, key: string, language: string) => {
  const m = measures?.find((x) => x.key === key);
  return m ? (language === 'vi' ? m.headerVi : m.headerEn) : key;
};
export const fmtTarget = (n: number | null, kind: 'PERCENT' | 'COUNT') =>
  n === null ? '–' : `${n.toLocaleString('vi-VN', { maximumFractionDigits: kind === 'PERCENT' ? 1 : 0 })}${kind === 'PERCENT' ? ' %' : ''}`;
/** The department's targets (chỉ tiêu): the targets of a unit and the units under it for a period, set one, import CSV. */
export function Targets({ unit: { home, unitCode, setUnitCode } }: { unit: UnitChoice }) {
  const { t, language } = useI18n();
  const [period, setPeriod] = useState<TargetPeriod>('MONTH');
  const [day, setDay] = useState(vietnamToday());
  const measures = useQuery<{ targetMeasures: TargetMeasure[] }>(MEASURES, {});
  const list = useQuery<{ targets: { unit: { id: string; code: string; name: string }; targets: Target[] } }>(
    LIST,
    { unitCode, period, periodStart: day, geographyAsOf: day },
    !unitCode || !day,
  );
  const all = measures.data?.targetMeasures;
  const unit = list.data?.targets.unit;

  // Set one target of the chosen unit.
  const [measure, setMeasure] = useState('coverage');
  const [value, setValue] = useState('');
  const [saving, setSaving] = useState<{ busy: boolean; error: unknown; done: boolean }>({ busy: false, error: null, done: false });
  const kind = all?.find((m) => m.key === measure)?.kind ?? 'PERCENT';
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!unit) return;
    setSaving({ busy: true, error: null, done: false });
    try {
      await gql(SET, { input: { unitId: unit.id, measure, period, periodStart: day, value: value.trim() === '' ? null : Number(value.replace(',', '.')) } });
      setSaving({ busy: false, error: null, done: true });
      list.reload();
    } catch (error) {
      setSaving({ busy: false, error, done: false });
    }
  };

  // Import from CSV.
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<{ busy: boolean; error: unknown; result: ImportReport | null }>({ busy: false, error: null, result: null });
  const upload = async (event: FormEvent) => {
    event.preventDefault();
    setReport({ busy: true, error: null, result: null });
    try {
      const { importTargets } = await gql<{ importTargets: ImportReport }>(IMPORT, { csv });
      setReport({ busy: false, error: null, result: importTargets });
      list.reload();
    } catch (error) {
      setReport({ busy: false, error, result: null });
    }
  };

  return (
    <section className="targets stack">
      <h2>{t('targets.title')}</h2>
      <div className="controls card">
        <UnitChooser home={home} code={unitCode} asOf={day} onChange={setUnitCode} />
        <label>
          {t('dash.period')}
          <select name="target-period" value={period} onChange={(e) => setPeriod(e.target.value as TargetPeriod)}>
            {(['MONTH', 'QUARTER', 'YEAR'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`dash.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('targets.day')}
          <input type="date" name="target-day" value={day} onChange={(e) => setDay(e.target.value)} />
        </label>
      </div>
      {!unitCode && <Notice>{t('dash.unitRequired')}</Notice>}
      <ErrorBox error={list.error ?? measures.error} onRetry={list.reload} />
      {list.loading && !list.data && <p className="muted">{t('app.loading')}</p>}
      {list.data && (
        <div className="scroll">
          <table className="data" data-testid="targets-table">
            <thead>
              <tr>
                <th>{t('common.unit')}</th>
                <th>{t('targets.measure')}</th>
                <th>{t('targets.period')}</th>
                <th className="num">{t('targets.value')}</th>
                <th>{t('targets.updatedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.targets.targets.map((x) => (
                <tr key={`${x.unit.id}:${x.measure}`}>
                  <td>
                    {x.unit.name}
                    {x.unit.validTo && (
                      <span className="muted small"> ({t('targets.untilReform', { date: x.unit.validTo.split('-').reverse().join('/') })})</span>
                    )}
                  </td>
                  <td>{measureName(all, x.measure, language)}</td>
                  <td>
                    {x.periodStart.split('-').reverse().join('/')}–{x.periodEnd.split('-').reverse().join('/')}
                  </td>
                  <td className="num">{fmtTarget(x.value, x.kind)}</td>
                  <td className="muted small">{x.updatedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.targets.targets.length === 0 && <p className="muted">{t('targets.none')}</p>}
        </div>
      )}
      <div className="two-columns">
        <form className="card stack" aria-label={t('targets.set')} onSubmit={(e) => void save(e)}>
          <h3>{t('targets.set')}</h3>
          <p className="muted small">{t('targets.setFor', { unit: unit?.name ?? unitCode })}</p>
          <label>
            {t('targets.measure')}
            <select name="target-measure" value={measure} onChange={(e) => setMeasure(e.target.value)}>
              {all?.map((m) => (
                <option key={m.key} value={m.key}>
                  {language === 'vi' ? m.headerVi : m.headerEn}
                </option>
              ))}
            </select>
          </label>
          <label>
            {kind === 'PERCENT' ? t('targets.valuePercent') : t('targets.valueCount')}
            <input name="target-value" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
          <p className="muted small">{t('targets.emptyRemoves')}</p>
          <ErrorBox error={saving.error} />
          {saving.done && <Notice>{t('targets.saved')}</Notice>}
          <button type="submit" className="primary" disabled={saving.busy || !unit}>
            {t('targets.save')}
          </button>
        </form>
        <form className="card stack" aria-label={t('targets.import')} onSubmit={(e) => void upload(e)}>
          <h3>{t('targets.import')}</h3>
          <p className="muted mono small">mã đơn vị;chỉ số;kỳ;từ ngày;chỉ tiêu — unit_code,measure,period,period_start,target[,valid_on]</p>
          <label>
            {t('officer.importFile')}
            <input type="file" accept=".csv,text/csv" onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)} />
          </label>
          <label>
            {t('officer.importText')}
            <textarea name="target-csv" rows={5} className="mono" value={csv} onChange={(e) => setCsv(e.target.value)} />
          </label>
          <ErrorBox error={report.error} />
          <button type="submit" className="primary" disabled={!csv.trim() || report.busy}>
            {t('targets.importStart')}
          </button>
          {report.result && (
            <div className="stack" data-testid="targets-import-report">
              <p>{t('targets.imported', { created: report.result.created, updated: report.result.updated, unchanged: report.result.unchanged })}</p>
              {report.result.errors.length > 0 && <RowProblems rows={report.result.errors} />}
            </div>
          )}
        </form>
      </div>
    </section>
  );
}
