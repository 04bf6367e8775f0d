import { useEffect, useRef, useState, type FormEvent } from 'react';
import { gql } from '../lib/api';
import { reasonOf } from '../lib/errors';
import { useQuery } from '../lib/hooks';
import { localPhone } from '../lib/phone';
import { useI18n } from '../lib/i18n';
import type { ReasonParams } from '../lib/reasons';
import type { Me } from '../lib/me';
import { ErrorBox, Notice, RowProblems, Tabs } from '../lib/ui';
import { Calendar } from './Calendar';
import { AddGroupForm, AddMemberForm, InviteForm } from './DirectoryForms';
import { MemberNotices } from './MemberNotices';
import { Verify } from './Verify';

type Tab = 'directory' | 'import' | 'calendar' | 'verify';

/** The ward officer's screens, limited to the ward of their grant (an admin types a unit code). */
export function OfficerHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const wards = me.grants.filter((g) => g.role === 'WARD_OFFICER' && g.unit).map((g) => g.unit!);
  const [unitCode, setUnitCode] = useState(wards[0]?.code ?? '');
  const [tab, setTab] = useState<Tab>('directory');
  return (
    <section className="officer stack">
      <div className="row wrap">
        {wards.length > 1 || wards.length === 0 ? (
          <label>
            {t('common.unit')}
            {wards.length ? (
              <select value={unitCode} onChange={(e) => setUnitCode(e.target.value)}>
                {wards.map((w) => (
                  <option key={w.id} value={w.code}>
                    {w.name}
                  </option>
                ))}
              </select>
            ) : (
              <input value={unitCode} onChange={(e) => setUnitCode(e.target.value.trim())} placeholder="20209" />
            )}
          </label>
        ) : (
          <h2>{wards[0].name}</h2>
        )}
      </div>
      <Tabs<Tab>
        current={tab}
        onChange={setTab}
        tabs={[
          { key: 'directory', label: t('officer.tabDirectory') },
          { key: 'import', label: t('officer.tabImport') },
          { key: 'calendar', label: t('officer.tabCalendar') },
          { key: 'verify', label: t('officer.tabVerify') },
        ]}
      />
      {unitCode && tab === 'directory' && <Directory unitCode={unitCode} />}
      {tab === 'import' && <ImportCsv />}
      {unitCode && tab === 'calendar' && <Calendar unitCode={unitCode} />}
      {unitCode && tab === 'verify' && <Verify unitCode={unitCode} />}
    </section>
  );
}

interface GroupRow {
  id: string;
  name: string;
  status: string;
  memberCount: number;
  warnings: string[];
  unit: { name: string };
}
interface MemberRow {
  id: string;
  fullName: string;
  phone: string;
  skills: string[];
  active: boolean;
  current: { role: string; group: { name: string } | null } | null;
}

const GROUPS = `query($filter: GroupFilter, $after: String) { groups(first: 25, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name status memberCount warnings unit { name } } } } }`;
const MEMBERS = `query($filter: MemberFilter, $after: String) { members(first: 25, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id fullName phone skills active current { role group { name } } } } } }`;
type Page<T> = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: T }[] };

/** A list with "load more": the first page follows the filter, further pages are appended. */
function usePaged<T>(query: string, field: string, filter: Record<string, unknown>) {
  const first = useQuery<Record<string, Page<T>>>(query, { filter });
  const [more, setMore] = useState<{ rows: T[]; page: Page<T> | null; error: unknown }>({ rows: [], page: null, error: null });
  useEffect(() => setMore({ rows: [], page: null, error: null }), [first.data]);
  const page = more.page ?? first.data?.[field] ?? null;
  const rows = [...(first.data?.[field]?.edges.map((e) => e.node) ?? []), ...more.rows];
  const loadMore = async () => {
    try {
      const data = await gql<Record<string, Page<T>>>(query, { filter, after: page?.pageInfo.endCursor });
      setMore((m) => ({ rows: [...m.rows, ...data[field].edges.map((e) => e.node)], page: data[field], error: null }));
    } catch (error) {
      setMore((m) => ({ ...m, error }));
    }
  };
  return {
    rows,
    total: first.data?.[field]?.totalCount ?? null,
    hasMore: !!page?.pageInfo.hasNextPage,
    loadMore,
    reload: first.reload,
    error: first.error ?? more.error,
    loading: first.loading,
  };
}

function Directory({ unitCode }: { unitCode: string }) {
  const { t, tx, language } = useI18n();
  // Skills by their names in the user's language, not their codes.
  const catalogue = useQuery<{ skills: { code: string; nameVi: string; nameEn: string }[] }>(`query { skills { code nameVi nameEn } }`, {});
  const skillName = (code: string) => {
    const skill = catalogue.data?.skills.find((s) => s.code === code);
    return skill ? (language === 'vi' ? skill.nameVi : skill.nameEn) : code;
  };
  const [groupSearch, setGroupSearch] = useState('');
  const [groupStatus, setGroupStatus] = useState('');
  const [memberSearch, setMemberSearch] = useState('');
  const [memberRole, setMemberRole] = useState('');
  const [memberActive, setMemberActive] = useState('true');
  const [groupId, setGroupId] = useState('');
  const groups = usePaged<GroupRow>(GROUPS, 'groups', {
    unitCode,
    ...(groupSearch ? { search: groupSearch } : {}),
    ...(groupStatus ? { status: groupStatus } : {}),
  });
  const members = usePaged<MemberRow>(MEMBERS, 'members', {
    unitCode,
    ...(memberSearch ? { search: memberSearch } : {}),
    ...(memberRole ? { role: memberRole } : {}),
    ...(memberActive ? { active: memberActive === 'true' } : {}),
    ...(groupId ? { groupId } : {}),
  });
  const [form, setForm] = useState<'group' | 'member' | 'invite' | null>(null);
  const [noticesOf, setNoticesOf] = useState<{ id: string; name: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const done = (message: string) => () => {
    setForm(null);
    setSaved(message);
    groups.reload();
    members.reload();
  };
  return (
    <div className="stack">
      <div className="row wrap">
        <button type="button" onClick={() => (setForm('group'), setSaved(null))}>
          {t('dir.addGroup')}
        </button>
        <button type="button" onClick={() => (setForm('member'), setSaved(null))}>
          {t('dir.addMember')}
        </button>
        <button type="button" onClick={() => (setForm('invite'), setSaved(null))}>
          {t('dir.invite')}
        </button>
      </div>
      {saved && <Notice>{saved}</Notice>}
      {form === 'group' && <AddGroupForm unitCode={unitCode} onDone={done(t('dir.added'))} onCancel={() => setForm(null)} />}
      {form === 'member' && <AddMemberForm unitCode={unitCode} onDone={done(t('dir.added'))} onCancel={() => setForm(null)} />}
      {form === 'invite' && <InviteForm unitCode={unitCode} onDone={done(t('dir.invited'))} onCancel={() => setForm(null)} />}
      <div className="two-columns">
        <section className="stack">
          <h3>
            {t('officer.groups')} {groups.total !== null && <span className="muted">({t('common.total', { n: groups.total })})</span>}
          </h3>
          <div className="row wrap filters">
            <input
              type="search"
              placeholder={t('common.search')}
              aria-label={`${t('officer.groups')}: ${t('common.search')}`}
              value={groupSearch}
              onChange={(e) => setGroupSearch(e.target.value)}
            />
            <select aria-label={t('common.status')} value={groupStatus} onChange={(e) => setGroupStatus(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {['ACTIVE', 'SUSPENDED', 'DISSOLVED'].map((s) => (
                <option key={s} value={s}>
                  {tx(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <ErrorBox error={groups.error} />
          <table className="data">
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th>{t('common.unit')}</th>
                <th>{t('officer.memberCount')}</th>
                <th>{t('officer.warnings')}</th>
              </tr>
            </thead>
            <tbody>
              {groups.rows.map((g) => (
                <tr key={g.id} className={g.id === groupId ? 'selected' : ''} onClick={() => setGroupId(g.id === groupId ? '' : g.id)}>
                  <td>
                    <button type="button" className="link">
                      {g.name}
                    </button>
                    {g.status !== 'ACTIVE' && <span className="badge">{tx(`status.${g.status}`)}</span>}
                  </td>
                  <td>{g.unit.name}</td>
                  <td className="num">{g.memberCount}</td>
                  <td>{g.warnings.map((w) => tx(`warning.${w}`)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {groups.hasMore && (
            <button type="button" onClick={() => void groups.loadMore()}>
              {t('common.loadMore')}
            </button>
          )}
        </section>
        <section className="stack">
          <h3>
            {t('officer.members')} {members.total !== null && <span className="muted">({t('common.total', { n: members.total })})</span>}
          </h3>
          <div className="row wrap filters">
            <input
              type="search"
              placeholder={t('common.search')}
              aria-label={`${t('officer.members')}: ${t('common.search')}`}
              value={memberSearch}
              onChange={(e) => setMemberSearch(e.target.value)}
            />
            <select aria-label={t('common.role')} value={memberRole} onChange={(e) => setMemberRole(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {['LEADER', 'DEPUTY', 'MEMBER'].map((r) => (
                <option key={r} value={r}>
                  {tx(`role.${r}`)}
                </option>
              ))}
            </select>
            <select aria-label={t('common.status')} value={memberActive} onChange={(e) => setMemberActive(e.target.value)}>
              <option value="">{t('common.all')}</option>
              <option value="true">{t('officer.onlyActive')}</option>
              <option value="false">{t('officer.left')}</option>
            </select>
          </div>
          <ErrorBox error={members.error} />
          <table className="data">
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th>{t('common.group')}</th>
                <th>{t('officer.phone')}</th>
                <th>{t('officer.skills')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {members.rows.map((m) => (
                <tr key={m.id}>
                  <td>{m.fullName}</td>
                  <td>
                    {m.current?.group?.name ?? '–'} {m.current && <span className="muted">({tx(`role.${m.current.role}`)})</span>}
                  </td>
                  <td className="nowrap">{localPhone(m.phone)}</td>
                  <td>{m.skills.map(skillName).join(', ')}</td>
                  <td>
                    <button type="button" aria-label={`${t('notices.open')}: ${m.fullName}`} onClick={() => setNoticesOf({ id: m.id, name: m.fullName })}>
                      {t('notices.open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {members.hasMore && (
            <button type="button" onClick={() => void members.loadMore()}>
              {t('common.loadMore')}
            </button>
          )}
          {noticesOf && <MemberNotices key={noticesOf.id} memberId={noticesOf.id} name={noticesOf.name} onClose={() => setNoticesOf(null)} />}
        </section>
      </div>
    </div>
  );
}

interface ImportState {
  id: string;
  status: string;
  processedRows: number;
  totalRows: number;
  created: number;
  updated: number;
  unchanged: number;
  failureReason: string | null;
  failureParams: ReasonParams | null;
  errors: { line: number; field: string | null; reason: string; params: ReasonParams | null }[];
}
const IMPORT_FIELDS = 'id status processedRows totalRows created updated unchanged failureReason failureParams errors { line field reason params }';

/** The text of a reason in the user's language (the server's English message is never shown). */
/** CSV import of groups or members: a queued job, polled until done, with every bad row shown. */
function ImportCsv() {
  const { t } = useI18n();
  const [kind, setKind] = useState<'GROUPS' | 'MEMBERS'>('MEMBERS');
  const [csv, setCsv] = useState('');
  const [state, setState] = useState<ImportState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const poll = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const data = await gql<{ directoryImport: ImportState }>(`query($id: UUID!) { directoryImport(id: $id) { ${IMPORT_FIELDS} } }`, { id });
        setState(data.directoryImport);
        if (data.directoryImport.status === 'QUEUED' || data.directoryImport.status === 'RUNNING') poll(id);
      } catch (e) {
        setError(e);
      }
    }, 800);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setState(null);
    try {
      const data = await gql<{ importDirectoryCsv: ImportState }>(
        `mutation($input: DirectoryImportInput!) { importDirectoryCsv(input: $input) { ${IMPORT_FIELDS} } }`,
        { input: { kind, csv } },
      );
      setState(data.importDirectoryCsv);
      poll(data.importDirectoryCsv.id);
    } catch (e) {
      setError(e);
    }
  };
  const allRefused = !!state && state.totalRows > 0 && state.created + state.updated + state.unchanged === 0 && state.errors.length > 0;
  return (
    <form className="stack card" onSubmit={submit}>
      <label>
        {t('officer.importKind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'GROUPS' | 'MEMBERS')}>
          <option value="MEMBERS">{t('officer.importMembers')}</option>
          <option value="GROUPS">{t('officer.importGroups')}</option>
        </select>
      </label>
      <p className="muted mono">
        {kind === 'GROUPS'
          ? 'unit_code,name,decision_number,decision_date,status'
          : 'unit_code,group_name,full_name,phone,email,gender,birth_year,affiliation,skills,role,joined_on'}
      </p>
      <label>
        {t('officer.importFile')}
        <input type="file" accept=".csv,text/csv" onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)} />
      </label>
      <label>
        {t('officer.importText')}
        <textarea rows={6} className="mono" value={csv} onChange={(e) => setCsv(e.target.value)} />
      </label>
      <ErrorBox error={error} />
      <button type="submit" className="primary" disabled={!csv.trim() || state?.status === 'RUNNING' || state?.status === 'QUEUED'}>
        {t('officer.importStart')}
      </button>
      {state && (
        <div className="stack" data-testid="import-report">
          <p>
            {t('officer.importProgress', {
              done: state.processedRows,
              total: state.totalRows,
              created: state.created,
              updated: state.updated,
              unchanged: state.unchanged,
            })}
          </p>
          {state.status === 'COMPLETED' &&
            // Every row refused: nothing was imported, which is no success to report.
            (allRefused ? (
              <div className="warning" role="status">
                {t('officer.importAllFailed')}
              </div>
            ) : (
              <Notice>{t('officer.importDone')}</Notice>
            ))}
          {state.failureReason && <div className="error">{t('officer.importFailed', { reason: reasonOf(t, state.failureReason, state.failureParams) })}</div>}
          {state.errors.length > 0 && (
            <>
              <h4>{t('officer.importErrors', { n: state.errors.length })}</h4>
              <RowProblems rows={state.errors} />
            </>
          )}
        </div>
      )}
    </form>
  );
}
