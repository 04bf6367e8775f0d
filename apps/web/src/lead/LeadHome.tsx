import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { gql } from '../lib/api';
import { describeProblems } from '../lib/errors';
import { useOnline, useSyncLoop, vietnamNowLocal } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import type { Me, Unit } from '../lib/me';
import { PlacePicker, type Place } from './PlacePicker';
// The server's detector itself (a pure module shared with the console): a note is checked as it is typed, offline too.
import { findPersonalNumbers } from '../../../../libs/text/src/personal-numbers';
import { reasonText } from '../lib/reasons';
import { REASONS, SERVICES } from '../lib/enum-names';
import { placesOf, type ChildUnit } from './places';
import { ErrorBox, Notice, Tabs } from '../lib/ui';
import { Attendance } from './Attendance';
import { syncAttendance } from './attendance-queue';
import { FollowUps, type Revisit } from './FollowUps';
import { enqueue, listEntries, onQueueChange, removeEntries, syncPending, type AssistInput, type QueuedEntry } from './queue';

interface Setup {
  groupId: string;
  groupName: string;
  /** The group's commune(s) in force and their residential groups, each with its former commune when it differs. */
  units: Place[];
  members: { id: string; fullName: string; role: string }[];
}

const GROUP = `query($id: UUID!) { group(id: $id) { id name unit { id code name validTo successors { unit { id code name validTo } } } members { role member { id fullName } } } }`;

/** The group, its members and the units its households live in (in force today), kept on the phone for offline use. */
async function loadSetup(groupId: string): Promise<Setup> {
  type G = {
    group: { id: string; name: string; unit: Unit & { successors: { unit: Unit }[] }; members: { role: string; member: { id: string; fullName: string } }[] };
  };
  const { group } = await gql<G>(GROUP, { id: groupId });
  const current = group.unit.validTo ? group.unit.successors.map((s) => s.unit).filter((u) => !u.validTo) : [group.unit];
  const codes = [...new Set(current.map((u) => u.code))];
  const vars = Object.fromEntries(codes.map((c, i) => [`c${i}`, c]));
  const child = `id code name predecessors { unit { code ancestors { code } parent { code name typeWord } } }`;
  const query = `query(${codes.map((_, i) => `$c${i}: String!`).join(', ')}) { ${codes.map((_, i) => `u${i}: unit(code: $c${i}) { id code name } k${i}: unitChildren(code: $c${i}) { ${child} }`).join(' ')} }`;
  const answer = codes.length ? await gql<Record<string, Unit | ChildUnit[]>>(query, vars) : {};
  const units = placesOf(
    group.unit,
    codes.map((_, i) => ({ commune: answer[`u${i}`] as Unit, children: (answer[`k${i}`] as ChildUnit[]) ?? [] })),
  );
  const setup: Setup = {
    groupId,
    groupName: group.name,
    units,
    members: group.members.map((m) => ({ id: m.member.id, fullName: m.member.fullName, role: m.role })),
  };
  localStorage.setItem(`cdtg.lead.${groupId}`, JSON.stringify(setup));
  return setup;
}

function cachedSetup(groupId: string): Setup | null {
  try {
    return JSON.parse(localStorage.getItem(`cdtg.lead.${groupId}`) ?? 'null') as Setup | null;
  } catch {
    return null;
  }
}

export function LeadHome({ me }: { me: Me }) {
  const { t } = useI18n();
  const groups = me.grants.filter((g) => g.role === 'GROUP_LEAD' && g.groupId).map((g) => ({ id: g.groupId!, name: g.group?.name ?? g.groupId! }));
  const [groupId, setGroupId] = useState(groups[0]?.id ?? '');
  const [tab, setTab] = useState<'assist' | 'followUps' | 'attendance'>('assist');
  const [revisit, setRevisit] = useState<Revisit | null>(null);
  // Whatever tab shows, what waits on the phone (entries, attendance) goes when it can.
  const sendWaiting = useCallback(() => {
    if (!navigator.onLine) return;
    void syncPending();
    void syncAttendance();
  }, []);
  useSyncLoop(sendWaiting);
  return (
    <section className="lead">
      {groups.length > 1 && (
        <label>
          {t('lead.chooseGroup')}
          <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <Tabs<'assist' | 'followUps' | 'attendance'>
        current={tab}
        onChange={(key) => {
          setRevisit(null); // a return visit is offered once, from the worklist
          setTab(key);
        }}
        tabs={[
          { key: 'assist', label: t('lead.tabAssist') },
          { key: 'followUps', label: t('lead.tabFollowUps') },
          { key: 'attendance', label: t('lead.tabAttendance') },
        ]}
      />
      {groupId && tab === 'assist' && <AssistLog key={groupId} groupId={groupId} revisit={revisit} />}
      {groupId && tab === 'followUps' && (
        <FollowUps
          groupId={groupId}
          onRevisit={(r) => {
            setRevisit(r);
            setTab('assist');
            window.scrollTo({ top: 0 });
          }}
        />
      )}
      {groupId && tab === 'attendance' && <Attendance groupId={groupId} />}
    </section>
  );
}

function AssistLog({ groupId, revisit }: { groupId: string; revisit: Revisit | null }) {
  const { t } = useI18n();
  const online = useOnline();
  const [setup, setSetup] = useState<Setup | null>(() => cachedSetup(groupId));
  const [setupError, setSetupError] = useState<unknown>(null);
  const [entries, setEntries] = useState<QueuedEntry[]>([]);
  const [syncing, setSyncing] = useState(false);
  const [syncError, setSyncError] = useState<unknown>(null);
  const [lastSync, setLastSync] = useState<string | null>(null);
  const [editing, setEditing] = useState<AssistInput | null>(null);

  useEffect(() => {
    loadSetup(groupId).then(setSetup, (e: unknown) => setSetupError(e));
  }, [groupId]);
  const refresh = useCallback(() => void listEntries(groupId).then(setEntries), [groupId]);
  useEffect(() => {
    refresh();
    return onQueueChange(refresh);
  }, [refresh]);

  const sync = useCallback(async () => {
    if (!navigator.onLine) return;
    setSyncing(true);
    const report = await syncPending();
    setSyncing(false);
    setSyncError(report.error);
    if (!report.error) setLastSync(new Date().toLocaleTimeString());
  }, []);
  // Send when the screen opens, when the connection returns, and every 20 seconds while something waits.
  useSyncLoop(sync);

  const counts = { pending: 0, synced: 0, rejected: 0 };
  for (const e of entries) counts[e.status]++;

  return (
    <div className="stack">
      {!setup && (setupError ? <ErrorBox error={setupError} /> : <p>{t('app.loading')}</p>)}
      {!setup && !online && <Notice>{t('lead.setupOffline')}</Notice>}
      {setup && (
        <AssistForm
          key={editing?.clientId ?? (revisit ? `revisit-${revisit.label}` : 'new')}
          setup={setup}
          initial={editing}
          revisit={editing ? null : revisit}
          onSaved={async (input, label) => {
            if (editing) await removeEntries([editing.clientId]);
            setEditing(null);
            await enqueue(groupId, input, label);
            void sync();
          }}
        />
      )}
      <section className="queue" aria-labelledby="queue-title">
        <div className="row">
          <h2 id="queue-title">{t('lead.queue')}</h2>
          <span className="spacer" />
          <button type="button" onClick={() => void sync()} disabled={!online || syncing || counts.pending === 0}>
            {syncing ? t('lead.syncing') : t('lead.syncNow')}
          </button>
        </div>
        <p className="counts" data-testid="queue-counts">
          {t('lead.counts', counts)}
        </p>
        {lastSync && <p className="muted">{t('lead.lastSync', { time: lastSync })}</p>}
        {syncError ? <ErrorBox error={syncError} /> : null}
        <ul className="entries">
          {entries.map((e) => (
            <li key={e.clientId} className={`entry ${e.status}`} data-status={e.status} data-client-id={e.clientId}>
              <div className="row">
                <span className={`badge ${e.status}`}>{t(`lead.${e.status}`)}</span>
                <span className="label">{e.label}</span>
              </div>
              <div className="muted">
                {new Date(e.createdAt).toLocaleString()}
                {e.status === 'pending' && e.lastError === 'OFFLINE' ? ` · ${t('lead.waitingNetwork')}` : ''}
              </div>
              {e.status === 'rejected' && (
                <>
                  <ul className="problems">
                    {describeProblems(t, e.problems).map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                  <div className="row">
                    {e.input && (
                      <button type="button" onClick={() => setEditing(e.input)}>
                        {t('lead.edit')}
                      </button>
                    )}
                    <button type="button" onClick={() => void removeEntries([e.clientId])}>
                      {t('lead.discard')}
                    </button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
        {counts.synced > 0 && (
          <button type="button" className="link" onClick={() => void removeEntries(entries.filter((e) => e.status === 'synced').map((e) => e.clientId))}>
            {t('lead.clearSynced')}
          </button>
        )}
      </section>
    </div>
  );
}

type ServiceState = Record<string, { on: boolean; outcome: 'DONE' | 'FOLLOW_UP'; reason: string }>;

function AssistForm({
  setup,
  initial,
  revisit,
  onSaved,
}: {
  setup: Setup;
  initial: AssistInput | null;
  /** A return visit from the follow-up worklist: its place and its open services are chosen (given as done). */
  revisit: Revisit | null;
  onSaved(input: Omit<AssistInput, 'clientId'>, label: string): Promise<void>;
}) {
  const { t, language } = useI18n();
  const stickyKey = `cdtg.lead.volunteers.${setup.groupId}`;
  const [code, setCode] = useState(initial?.household.code ?? '');
  const [address, setAddress] = useState(initial?.household.address ?? '');
  const [headName, setHeadName] = useState(initial?.household.headName ?? '');
  // The last place chosen on this phone for this group, while it is still one of the group's places.
  const placeKey = `cdtg.lead.place.${setup.groupId}`;
  const remembered = localStorage.getItem(placeKey);
  const known = (id: string | null | undefined) => (id && setup.units.some((u) => u.id === id) ? id : null);
  const [unitId, setUnitIdState] = useState(initial?.unitId ?? known(revisit?.unitId) ?? known(remembered) ?? setup.units[0]?.id ?? '');
  const setUnitId = (id: string) => {
    setUnitIdState(id);
    localStorage.setItem(placeKey, id);
  };
  const [services, setServices] = useState<ServiceState>(() =>
    Object.fromEntries(
      SERVICES.map((s) => {
        const given = initial?.services.find((x) => x.service === s);
        return [s, { on: !!given || !!revisit?.services.includes(s), outcome: given?.outcome ?? 'DONE', reason: given?.reason ?? '' }];
      }),
    ),
  );
  const [volunteers, setVolunteers] = useState<string[]>(
    () => initial?.volunteerIds ?? (JSON.parse(localStorage.getItem(stickyKey) ?? '[]') as string[]).filter((id) => setup.members.some((m) => m.id === id)),
  );
  const [occurredAt, setOccurredAt] = useState(initial?.occurredAt ?? vietnamNowLocal());
  const [note, setNote] = useState(initial?.note ?? '');
  // "Ghi chú: có vẻ chứa số căn cước…" while the note holds a citizen's ID or phone number (the server refuses it too).
  const found = findPersonalNumbers(note);
  const noteProblem = found.length
    ? `${t('field.note')}: ${reasonText(found[0] === 'national-id' ? 'HOLDS_ID_NUMBER' : 'HOLDS_PHONE_NUMBER', {}, language)}`
    : null;
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const online = useOnline();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const chosen = SERVICES.filter((s) => services[s].on);
    const household = code.trim() ? { code: code.trim() } : { address: address.trim(), headName: headName.trim() };
    const missing = noteProblem
      ? noteProblem
      : !code.trim() && !(address.trim() && headName.trim())
        ? t('lead.needHousehold')
        : chosen.length === 0
          ? t('lead.needService')
          : volunteers.length === 0
            ? t('lead.needVolunteer')
            : chosen.some((s) => services[s].outcome === 'FOLLOW_UP' && !services[s].reason)
              ? t('lead.needReason')
              : null;
    setProblem(missing);
    if (missing) return;
    localStorage.setItem(stickyKey, JSON.stringify(volunteers));
    const label = code.trim() ? `${t('lead.code')} ${code.trim()}` : `${headName.trim()}, ${address.trim()}`;
    await onSaved(
      {
        household,
        unitId,
        services: chosen.map((s) => ({
          service: s,
          outcome: services[s].outcome,
          ...(services[s].outcome === 'FOLLOW_UP' ? { reason: services[s].reason } : {}),
        })),
        volunteerIds: volunteers,
        occurredAt,
        ...(note.trim() ? { note: note.trim() } : {}),
      },
      label,
    );
    setCode('');
    setAddress('');
    setHeadName('');
    setNote('');
    setServices((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...v, on: false, outcome: 'DONE', reason: '' }])));
    setOccurredAt(vietnamNowLocal());
    setSaved(true);
    // The form is long on a phone: back to its top (the household fields) for the next one, with the notice in view.
    window.scrollTo({ top: 0, behavior: 'smooth' });
  };

  return (
    <form className="card stack assist-form" onSubmit={submit} aria-label={t('lead.tabAssist')}>
      <h2>{setup.groupName}</h2>
      {saved && <Notice>{t(online ? 'lead.savedSending' : 'lead.saved')}</Notice>}
      {revisit && !saved && <Notice>{t('lead.revisiting', { label: revisit.label })}</Notice>}
      <fieldset>
        <legend>{t('lead.household')}</legend>
        <p className="muted">{t('lead.householdHint')}</p>
        <label>
          {t('lead.address')}
          <input name="address" value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t('lead.headName')}
          <input name="headName" value={headName} onChange={(e) => setHeadName(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t('lead.code')}
          <input name="code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" inputMode="numeric" />
        </label>
      </fieldset>
      <label>
        {t('lead.unit')}
        <PlacePicker places={setup.units} value={unitId} onChange={setUnitId} />
      </label>
      <fieldset>
        <legend>{t('lead.services')}</legend>
        {SERVICES.map((s) => (
          <div key={s} className="service">
            <label className="check">
              <input
                type="checkbox"
                name={`service-${s}`}
                checked={services[s].on}
                onChange={(e) => setServices({ ...services, [s]: { ...services[s], on: e.target.checked } })}
              />
              {t(`service.${s}`)}
            </label>
            {services[s].on && (
              <div className="row wrap">
                <select
                  aria-label={`${t(`service.${s}`)}: ${t('common.status')}`}
                  value={services[s].outcome}
                  onChange={(e) => setServices({ ...services, [s]: { ...services[s], outcome: e.target.value as 'DONE' | 'FOLLOW_UP' } })}
                >
                  <option value="DONE">{t('lead.done')}</option>
                  <option value="FOLLOW_UP">{t('lead.followUp')}</option>
                </select>
                {services[s].outcome === 'FOLLOW_UP' && (
                  <select
                    aria-label={t('lead.reason')}
                    value={services[s].reason}
                    onChange={(e) => setServices({ ...services, [s]: { ...services[s], reason: e.target.value } })}
                  >
                    <option value="">{t('lead.reason')}…</option>
                    {REASONS.map((r) => (
                      <option key={r} value={r}>
                        {t(`reason.${r}`)}
                      </option>
                    ))}
                  </select>
                )}
              </div>
            )}
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('lead.volunteers')}</legend>
        {setup.members.map((m) => (
          <label key={m.id} className="check">
            <input
              type="checkbox"
              name="volunteer"
              value={m.id}
              checked={volunteers.includes(m.id)}
              onChange={(e) => setVolunteers(e.target.checked ? [...volunteers, m.id] : volunteers.filter((v) => v !== m.id))}
            />
            {m.fullName}
          </label>
        ))}
      </fieldset>
      <label>
        {t('lead.when')}
        <input type="datetime-local" name="occurredAt" value={occurredAt} onChange={(e) => setOccurredAt(e.target.value)} required />
      </label>
      <label>
        {t('lead.note')}
        <textarea name="note" value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={1000} aria-invalid={noteProblem !== null} />
      </label>
      {noteProblem && (
        <div className="error" role="alert" data-testid="note-problem">
          {noteProblem}
        </div>
      )}
      {problem && (
        <div className="error" role="alert">
          {problem}
        </div>
      )}
      {/* Always within reach of the thumb: the save button stays at the bottom of the screen while the form scrolls. */}
      <div className="sticky-actions">
        <button type="submit" className="primary big">
          {t('lead.submit')}
        </button>
      </div>
    </form>
  );
}
