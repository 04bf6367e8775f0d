import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { gql, sameOrigin } from '../lib/api';
import { describeError } from '../lib/errors';
import { dayText, useQuery, vietnamToday } from '../lib/hooks';
import { API_LANGUAGE, useI18n, type MessageKey, type Translate } from '../lib/i18n';
import { ErrorBox, Notice } from '../lib/ui';
import { fmtTarget, measureName, MEASURES, type TargetMeasure } from './Targets';
import { UnitChooser, type UnitChoice } from './UnitPicker';

interface Row {
  unit: { code: string; name: string };
  periodStart: string;
  periodEnd: string;
  households: number | null;
  householdsReached: number;
  householdsReachedToDate: number;
  coveragePercent: number | null;
  entries: number;
  sessionsHeld: number;
  activeVolunteers: number;
  followUpsOpen: number;
  apportioned: boolean;
  targets: Progress[];
}
interface Progress {
  measure: string;
  kind: 'PERCENT' | 'COUNT';
  target: number;
  actual: number | null;
  gap: number | null;
  behindPlan: boolean;
  carried: boolean;
}
interface Report {
  unit: { code: string; name: string };
  geographyAsOf: string;
  asOf: { at: string | null; pendingEvents: number };
  rows: Row[];
}

const ROW =
  'unit { code name } periodStart periodEnd households householdsReached householdsReachedToDate coveragePercent entries sessionsHeld activeVolunteers followUpsOpen apportioned targets { measure kind target actual gap behindPlan carried }';
const REPORT = `unit { code name } geographyAsOf asOf { at pendingEvents } rows { ${ROW} }`;
const ARGS = '$unitCode: String!, $from: String, $to: String, $geographyAsOf: String, $basis: CountBasis!';
// Three requests, so the table shows as soon as it is ready (a monthly series of a whole province takes longer).
const COVERAGE = `query(${ARGS}, $level: CoverageLevel!, $period: Period!) {
  coverage(unitCode: $unitCode, level: $level, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { ${REPORT} } }`;
const LOWEST = `query($unitCode: String!, $to: String, $geographyAsOf: String, $basis: CountBasis!, $level: CoverageLevel!) {
  lowestCoverage(unitCode: $unitCode, level: $level, first: 8, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { rows { ${ROW} } } }`;
const TREND = `query(${ARGS}, $period: Period!) {
  coverageTrend(unitCode: $unitCode, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { ${REPORT} } }`;

type Level = 'DISTRICT' | 'COMMUNE';
type Period = 'MONTH' | 'QUARTER' | 'YEAR' | 'CUMULATIVE';
type SortKey =
  | 'name'
  | 'households'
  | 'householdsReached'
  | 'householdsReachedToDate'
  | 'coveragePercent'
  | 'entries'
  | 'sessionsHeld'
  | 'activeVolunteers'
  | 'followUpsOpen';
export const BEFORE_REFORM = '2025-06-30';

/** The first day of the month `n` months before the month of `day`. */
function monthsBack(day: string, n: number): string {
  const [y, m] = day.split('-').map(Number);
  const index = y * 12 + (m - 1) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

const fmt = (n: number | null, digits = 0) => (n === null ? '–' : n.toLocaleString('vi-VN', { maximumFractionDigits: digits }));

/** "Tháng 3/2025", "Quý 2/2025", "Năm 2025", "Lũy kế đến 05/12/2026" (or the short form for a chart axis). */
function periodLabel(t: Translate, language: string, period: Period, start: string, end: string, short = false): string {
  const [y, m] = start.split('-').map(Number);
  const q = Math.floor((m - 1) / 3) + 1;
  const month = new Date(Date.UTC(y, m - 1, 1)).toLocaleString(language === 'vi' ? 'vi-VN' : 'en-GB', { month: 'long', timeZone: 'UTC' });
  const date = dayText(end);
  if (short && (period === 'MONTH' || period === 'QUARTER')) return t(`dash.short.${period}`, { m, q, y });
  return t(`dash.label.${period}`, { m, q, y, month, date });
}

/** The department's coverage dashboard: table, bar chart, trend, lowest units, exports. */
export function Dashboard({ unit: { home, unitCode, setUnitCode } }: { unit: UnitChoice }) {
  const { t, language } = useI18n();
  const [level, setLevel] = useState<Level>('COMMUNE');
  const [period, setPeriod] = useState<Period>('CUMULATIVE');
  const [from, setFrom] = useState(() => monthsBack(vietnamToday(), 5));
  const [to, setTo] = useState(vietnamToday());
  const [geography, setGeography] = useState<'after' | 'before'>('after');
  // The other tree has other units below the province: back to the user's own unit.
  const switchGeography = (g: 'after' | 'before') => {
    setGeography(g);
    if (home) setUnitCode(home);
  };
  const [basis, setBasis] = useState<'ALL' | 'VERIFIED'>('ALL');
  const [shown, setShown] = useState<string>('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'coveragePercent', desc: false });

  const args = { unitCode, from, to, geographyAsOf: geography === 'before' ? BEFORE_REFORM : to, basis };
  const data = useQuery<{ coverage: Report }>(COVERAGE, { ...args, level, period }, !unitCode);
  const measures = useQuery<{ targetMeasures: TargetMeasure[] }>(MEASURES, {}).data?.targetMeasures;
  const report = data.data?.coverage;
  const periods = useMemo(() => [...new Set(report?.rows.map((r) => r.periodStart) ?? [])].sort(), [report]);
  const current = periods.includes(shown) ? shown : periods[periods.length - 1];
  // The displayed period's end (within the range): the lowest units are those of the table's period, to that day.
  const currentEnd = report?.rows.find((r) => r.periodStart === current)?.periodEnd;
  const lowestTo = currentEnd && currentEnd < to ? currentEnd : to;
  // One request at a time (table, then lowest, then trend): rollup queries are heavy; the table matters most.
  const lowest = useQuery<{ lowestCoverage: { rows: Row[] } }>(
    LOWEST,
    { unitCode, to: lowestTo, geographyAsOf: args.geographyAsOf, basis, level },
    !unitCode || data.loading || !report,
  );
  // The trend by month over ranges up to a year, by quarter beyond.
  const trendPeriod = from < monthsBack(to, 11) ? 'QUARTER' : 'MONTH';
  const trendData = useQuery<{ coverageTrend: Report }>(TREND, { ...args, period: trendPeriod }, !unitCode || data.loading || lowest.loading);
  const today = vietnamToday();
  const label = (start: string, end: string, short = false) => periodLabel(t, language, period, start, end, short);
  const rows = useMemo(() => {
    const list = (report?.rows ?? []).filter((r) => r.periodStart === current);
    const value = (r: Row) => (sort.key === 'name' ? r.unit.name : r[sort.key]);
    return [...list].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === y) return a.unit.name.localeCompare(b.unit.name, 'vi');
      if (x === null) return 1;
      if (y === null) return -1;
      const order = typeof x === 'string' ? x.localeCompare(y as string, 'vi') : (x as number) - (y as number);
      return sort.desc ? -order : order;
    });
  }, [report, current, sort]);

  const columns: { key: SortKey; label: MessageKey }[] = [
    { key: 'name', label: 'common.unit' },
    { key: 'households', label: 'dash.households' },
    { key: 'householdsReached', label: 'dash.reached' },
    { key: 'householdsReachedToDate', label: 'dash.reachedToDate' },
    { key: 'coveragePercent', label: 'dash.coverage' },
    { key: 'entries', label: 'dash.entries' },
    { key: 'sessionsHeld', label: 'dash.sessions' },
    { key: 'activeVolunteers', label: 'dash.volunteers' },
    { key: 'followUpsOpen', label: 'dash.followUps' },
  ];
  const shortName = (name: string) => name.replace(/^(Phường|Xã|Quận|Huyện|Thị xã|Thành phố|Đặc khu) /, '');
  const chart = rows.filter((r) => r.coveragePercent !== null).map((r) => ({ name: shortName(r.unit.name), coverage: Number(r.coveragePercent!.toFixed(1)) }));
  // Units without a household count have no rate: named under the chart rather than left out silently.
  const noDenominator = rows.filter((r) => r.coveragePercent === null).map((r) => shortName(r.unit.name));
  const trend = (trendData.data?.coverageTrend.rows ?? []).map((r) => {
    const partial = r.periodEnd > today;
    const name = periodLabel(t, language, trendPeriod, r.periodStart, r.periodEnd, true);
    return {
      period: partial ? `${name}*` : name,
      coverage: r.coveragePercent === null ? null : Number(r.coveragePercent.toFixed(2)),
      reached: r.householdsReached,
      partial,
    };
  });
  const decimal = (value: unknown) => (typeof value === 'number' ? fmt(value, 1) : String(value ?? ''));

  return (
    <section className="dashboard stack">
      <h2>{t('dash.title')}</h2>
      <div className="controls card">
        <UnitChooser home={home} code={unitCode} asOf={args.geographyAsOf} onChange={setUnitCode} />
        <label>
          {t('dash.level')}
          <select name="level" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
            <option value="COMMUNE">{t('dash.levelCommune')}</option>
            <option value="DISTRICT">{t('dash.levelDistrict')}</option>
          </select>
        </label>
        <label>
          {t('dash.period')}
          <select name="period" value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            {(['MONTH', 'QUARTER', 'YEAR', 'CUMULATIVE'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`dash.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('common.from')}
          <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('common.to')}
          <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <fieldset className="radios">
          <legend>{t('dash.geography')}</legend>
          <label className="check">
            <input type="radio" name="geography" value="after" checked={geography === 'after'} onChange={() => switchGeography('after')} />
            {t('dash.geoAfter')}
          </label>
          <label className="check">
            <input type="radio" name="geography" value="before" checked={geography === 'before'} onChange={() => switchGeography('before')} />
            {t('dash.geoBefore')}
          </label>
        </fieldset>
        <label>
          {t('dash.basis')}
          <select name="basis" value={basis} onChange={(e) => setBasis(e.target.value as 'ALL' | 'VERIFIED')}>
            <option value="ALL">{t('dash.basisAll')}</option>
            <option value="VERIFIED">{t('dash.basisVerified')}</option>
          </select>
        </label>
      </div>
      {!unitCode && <Notice>{t('dash.unitRequired')}</Notice>}
      <ErrorBox error={data.error} onRetry={data.reload} />
      {data.loading && !report && <p className="muted">{t('app.loading')}</p>}
      {report && (
        <>
          <div className="row wrap">
            <strong data-testid="report-unit">
              {report.unit.name} · {dayText(report.geographyAsOf)}
            </strong>
            {periods.length > 1 && (
              <label className="inline">
                {t('dash.showPeriod')}
                <select name="shown" value={current} onChange={(e) => setShown(e.target.value)}>
                  {periods.map((p) => (
                    <option key={p} value={p}>
                      {label(p, report.rows.find((r) => r.periodStart === p)!.periodEnd)}
                      {report.rows.find((r) => r.periodStart === p)!.periodEnd > today ? ` ${t('dash.partial')}` : ''}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <span className="spacer" />
            <ExportButtons args={{ ...args, level, period, language: API_LANGUAGE[language] }} />
          </div>
          <p className="muted small">
            {t('dash.freshness', {
              at: report.asOf.at ? new Date(report.asOf.at).toLocaleString(language === 'vi' ? 'vi-VN' : 'en-GB') : '–',
              pending: report.asOf.pendingEvents,
            })}
          </p>
          {level === 'DISTRICT' && geography === 'after' && report.rows.length === 0 && <Notice>{t('dash.noDistricts')}</Notice>}
          <div className="charts">
            <figure className="card chart">
              <figcaption>{t('dash.chart')}</figcaption>
              <ResponsiveContainer width="100%" height={280}>
                <BarChart data={chart} margin={{ top: 8, right: 8, bottom: 56, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="name" angle={-50} textAnchor="end" interval={0} height={70} tick={{ fontSize: 10 }} />
                  <YAxis unit="%" width={52} tickFormatter={decimal} />
                  <Tooltip formatter={decimal} />
                  <Bar dataKey="coverage" name={t('dash.coverage')} fill="#b91c1c" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
              {noDenominator.length > 0 && (
                <p className="muted small" data-testid="no-denominator">
                  {t('dash.noDenominator', { units: noDenominator.join(', ') })}
                </p>
              )}
            </figure>
            <figure className="card chart">
              <figcaption>{t('dash.trend', { unit: trendData.data?.coverageTrend.unit.name ?? report.unit.name })}</figcaption>
              <ErrorBox error={trendData.error} onRetry={trendData.reload} />
              {trendData.loading && <p className="muted">{t('app.loading')}</p>}
              <ResponsiveContainer width="100%" height={280}>
                <LineChart data={trend} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="period" tick={{ fontSize: 11 }} />
                  <YAxis yAxisId="pct" unit="%" width={52} tickFormatter={decimal} />
                  <YAxis yAxisId="n" orientation="right" width={60} tickFormatter={decimal} />
                  <Tooltip formatter={decimal} />
                  <Legend />
                  <Line yAxisId="pct" type="monotone" dataKey="coverage" name={t('dash.coverage')} stroke="#b91c1c" isAnimationActive={false} connectNulls />
                  <Line yAxisId="n" type="monotone" dataKey="reached" name={t('dash.reached')} stroke="#1d4ed8" isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
              {trend.some((p) => p.partial) && <p className="muted small">{t('dash.partialNote')}</p>}
            </figure>
          </div>
          <div className="two-columns wide-first">
            <div className="scroll">
              <table className="data sortable" data-testid="coverage-table">
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th
                        key={c.key}
                        className={c.key === 'name' ? undefined : 'num'}
                        aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                      >
                        <button
                          type="button"
                          className="link"
                          onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : c.key !== 'name' && c.key !== 'coveragePercent' })}
                        >
                          {t(c.label)} {sort.key === c.key ? (sort.desc ? '▼' : '▲') : ''}
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <Fragment key={r.unit.code}>
                      <tr>
                        <td>
                          {r.unit.name}
                          {r.apportioned && (
                            <span className="muted small" title={t('dash.apportioned')}>
                              {' '}
                              *
                            </span>
                          )}
                        </td>
                        <td className="num">{fmt(r.households)}</td>
                        <td className="num">{fmt(r.householdsReached, 1)}</td>
                        <td className="num">{fmt(r.householdsReachedToDate, 1)}</td>
                        <td className="num">{r.coveragePercent === null ? <span className="muted">{t('dash.unknown')}</span> : fmt(r.coveragePercent, 1)}</td>
                        <td className="num">{fmt(r.entries, 1)}</td>
                        <td className="num">{fmt(r.sessionsHeld, 1)}</td>
                        <td className="num">{fmt(r.activeVolunteers, 1)}</td>
                        <td className="num">{fmt(r.followUpsOpen, 1)}</td>
                      </tr>
                      {r.targets.length > 0 && (
                        // Progress against the unit's targets, under its figures: target, actual, what is still to do, behind plan flagged.
                        <tr className="progress-row">
                          <td colSpan={columns.length} className="progress">
                            <span className="muted small">{t('targets.progress')}: </span>
                            {r.targets.map((p) => (
                              <span key={p.measure} className={p.behindPlan ? 'target behind' : 'target'} data-testid="target-progress">
                                {measureName(measures, p.measure, language)}{' '}
                                {t('targets.progressLine', {
                                  actual: fmtTarget(p.actual, p.kind),
                                  target: fmtTarget(p.target, p.kind),
                                  gap: fmtTarget(p.gap, p.kind),
                                })}
                                {p.carried && (
                                  <span className="muted" title={t('targets.carried')}>
                                    {' '}
                                    †
                                  </span>
                                )}
                                {p.behindPlan && <strong className="badge behind">{t('targets.behind')}</strong>}
                              </span>
                            ))}
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
            <aside className="card">
              <h3>{currentEnd ? t('dash.lowestOf', { period: label(current, currentEnd) }) : t('dash.lowest')}</h3>
              <ErrorBox error={lowest.error} onRetry={lowest.reload} />
              <ol className="lowest">
                {lowest.data?.lowestCoverage.rows.map((r) => (
                  <li key={r.unit.code}>
                    {r.unit.name}: <strong>{r.coveragePercent === null ? t('dash.unknown') : `${fmt(r.coveragePercent, 1)} %`}</strong>
                  </li>
                ))}
              </ol>
            </aside>
          </div>
        </>
      )}
    </section>
  );
}

/** CSV/XLSX: a queued export, polled until its signed link is ready, then downloaded by the browser. */
function ExportButtons({ args }: { args: Record<string, unknown> }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ busy: boolean; message: string | null; failed: boolean }>({ busy: false, message: null, failed: false });
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);
  const run = async (format: 'CSV' | 'XLSX') => {
    setState({ busy: true, message: t('dash.exporting'), failed: false });
    try {
      const started = await gql<{ exportCoverage: { id: string } }>(
        `mutation($unitCode: String!, $level: CoverageLevel!, $period: Period!, $from: String, $to: String, $geographyAsOf: String, $basis: CountBasis!, $format: ExportFormat!, $language: Language!) {
          exportCoverage(unitCode: $unitCode, level: $level, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis, format: $format, language: $language) { id } }`,
        { ...args, format },
      );
      for (let i = 0; i < 120 && alive.current; i++) {
        await new Promise((r) => setTimeout(r, i < 10 ? 300 : 1000));
        const { coverageExport: e } = await gql<{
          coverageExport: { status: string; downloadUrl: string | null; filename: string | null; rows: number | null; failure: string | null };
        }>(`query($id: UUID!) { coverageExport(id: $id) { status downloadUrl filename rows failure } }`, { id: started.exportCoverage.id });
        if (e.status === 'FAILED') return setState({ busy: false, message: t('dash.exportFailed', { reason: e.failure ?? '' }), failed: true });
        if (e.status === 'READY' && e.downloadUrl) {
          const link = document.createElement('a');
          link.href = sameOrigin(e.downloadUrl);
          link.download = e.filename ?? '';
          document.body.appendChild(link);
          link.click();
          link.remove();
          return setState({ busy: false, message: t('dash.exportReady', { file: e.filename ?? '', rows: e.rows ?? 0 }), failed: false });
        }
      }
    } catch (error) {
      setState({ busy: false, message: describeError(t, error), failed: true });
    }
  };
  return (
    <div className="row wrap exports">
      <button type="button" onClick={() => void run('CSV')} disabled={state.busy}>
        {t('dash.exportCsv')}
      </button>
      <button type="button" className="primary" onClick={() => void run('XLSX')} disabled={state.busy}>
        {t('dash.exportXlsx')}
      </button>
      {state.message && (
        <span className={state.failed ? 'error' : 'muted'} role="status">
          {state.message}
        </span>
      )}
    </div>
  );
}
