import { useState } from 'react';
import { Choice, FormShell, useSubmit } from '../lib/forms';
import { useQuery } from '../lib/hooks';
import { API_LANGUAGE, useI18n } from '../lib/i18n';
import { ErrorBox } from '../lib/ui';

type Named = { id: string; name: string };

/** The ward's units (itself and its residential groups) and active groups, for the forms below. */
const PLACES = `query($code: String!, $filter: GroupFilter) {
  unit(code: $code) { id name } unitChildren(code: $code) { id name }
  groups(first: 100, filter: $filter) { edges { node { id name } } } }`;
type Places = { unit: Named; unitChildren: Named[]; groups: { edges: { node: Named }[] } };
const usePlaces = (unitCode: string) => useQuery<Places>(PLACES, { code: unitCode, filter: { unitCode, status: 'ACTIVE' } });

/** Found a group in the ward: its name, where it works, and the decision that founded it. */
export function AddGroupForm({ unitCode, onDone, onCancel }: { unitCode: string; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const places = usePlaces(unitCode);
  const [name, setName] = useState('');
  const [unitId, setUnitId] = useState('');
  const [decisionNumber, setDecisionNumber] = useState('');
  const [decisionDate, setDecisionDate] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  if (!places.data) return <ErrorBox error={places.error} onRetry={places.reload} />;
  const units = [places.data.unit, ...places.data.unitChildren];
  const submit = () =>
    run(`mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`, {
      input: {
        name: name.trim(),
        unitId: unitId || units[0].id,
        ...(decisionNumber.trim() ? { decisionNumber: decisionNumber.trim() } : {}),
        ...(decisionDate ? { decisionDate } : {}),
      },
    });
  return (
    <FormShell label={t('dir.addGroup')} submit={t('dir.addGroup')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <label>
        {t('dir.groupName')}
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder={t('dir.groupNameHint')} />
      </label>
      <Choice label={t('dir.worksIn')} name="unitId" items={units} value={unitId} onChange={setUnitId} />
      <div className="row wrap">
        <label>
          {t('dir.decisionNumber')}
          <input name="decisionNumber" value={decisionNumber} onChange={(e) => setDecisionNumber(e.target.value)} maxLength={100} />
        </label>
        <label>
          {t('dir.decisionDate')}
          <input type="date" name="decisionDate" value={decisionDate} onChange={(e) => setDecisionDate(e.target.value)} />
        </label>
      </div>
    </FormShell>
  );
}

const MEMBER_ROLES = ['MEMBER', 'DEPUTY', 'LEADER'] as const;

/** Add a member to one of the ward's groups: name, phone, role in the group, skills. */
export function AddMemberForm({ unitCode, onDone, onCancel }: { unitCode: string; onDone(): void; onCancel(): void }) {
  const { t, tx, language } = useI18n();
  const places = usePlaces(unitCode);
  const skills = useQuery<{ skills: { code: string; nameVi: string; nameEn: string }[] }>(`query { skills { code nameVi nameEn } }`, {});
  const [groupId, setGroupId] = useState('');
  const [fullName, setFullName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<(typeof MEMBER_ROLES)[number]>('MEMBER');
  const [chosen, setChosen] = useState<string[]>([]);
  const { busy, error, run } = useSubmit(onDone);
  if (!places.data) return <ErrorBox error={places.error} onRetry={places.reload} />;
  const groups = places.data.groups.edges.map((e) => e.node);
  const submit = () =>
    run(`mutation($input: CreateMemberInput!) { createMember(input: $input) { id } }`, {
      input: {
        groupId: groupId || groups[0]?.id,
        fullName: fullName.trim(),
        phone: phone.trim(),
        role,
        skills: chosen,
        ...(email.trim() ? { email: email.trim() } : {}),
      },
    });
  return (
    <FormShell label={t('dir.addMember')} submit={t('dir.addMember')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <Choice label={t('common.group')} name="groupId" items={groups} value={groupId} onChange={setGroupId} />
      <label>
        {t('dir.fullName')}
        <input name="fullName" value={fullName} onChange={(e) => setFullName(e.target.value)} required maxLength={120} />
      </label>
      <div className="row wrap">
        <label>
          {t('officer.phone')}
          <input name="phone" type="tel" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required placeholder="0905 123 456" />
        </label>
        <label>
          {t('dir.email')}
          <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('common.role')}
          <select name="role" value={role} onChange={(e) => setRole(e.target.value as (typeof MEMBER_ROLES)[number])}>
            {MEMBER_ROLES.map((r) => (
              <option key={r} value={r}>
                {tx(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset>
        <legend>{t('officer.skills')}</legend>
        {skills.data?.skills.map((s) => (
          <label key={s.code} className="check">
            <input
              type="checkbox"
              name="skill"
              value={s.code}
              checked={chosen.includes(s.code)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, s.code] : chosen.filter((c) => c !== s.code))}
            />
            {language === 'vi' ? s.nameVi : s.nameEn}
          </label>
        ))}
      </fieldset>
    </FormShell>
  );
}

const INVITED_ROLES = ['GROUP_LEAD', 'VOLUNTEER', 'WARD_OFFICER'] as const;

/** Invite someone to the console by e-mail: a group's lead or volunteer, or another officer of the ward. */
export function InviteForm({ unitCode, onDone, onCancel }: { unitCode: string; onDone(): void; onCancel(): void }) {
  const { t, tx, language } = useI18n();
  const places = usePlaces(unitCode);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<(typeof INVITED_ROLES)[number]>('GROUP_LEAD');
  const [groupId, setGroupId] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  if (!places.data) return <ErrorBox error={places.error} onRetry={places.reload} />;
  const groups = places.data.groups.edges.map((e) => e.node);
  const grant = role === 'WARD_OFFICER' ? { role, unitCode } : { role, groupId: groupId || groups[0]?.id };
  const submit = () =>
    run(`mutation($input: InviteUserInput!) { inviteUser(input: $input) { id } }`, {
      input: { email: email.trim(), displayName: displayName.trim(), language: API_LANGUAGE[language], grants: [grant] },
    });
  return (
    <FormShell label={t('dir.invite')} submit={t('dir.inviteSubmit')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <div className="row wrap">
        <label>
          {t('dir.email')}
          <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          {t('dir.displayName')}
          <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} required maxLength={120} />
        </label>
      </div>
      <label>
        {t('common.role')}
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as (typeof INVITED_ROLES)[number])}>
          {INVITED_ROLES.map((r) => (
            <option key={r} value={r}>
              {tx(`grant.${r}`)}
            </option>
          ))}
        </select>
      </label>
      {role !== 'WARD_OFFICER' && <Choice label={t('common.group')} name="groupId" items={groups} value={groupId} onChange={setGroupId} />}
    </FormShell>
  );
}
