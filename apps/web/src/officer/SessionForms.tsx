import { useState } from 'react';
import { Choice, FormShell, useSubmit } from '../lib/forms';
import { useQuery } from '../lib/hooks';
import { useI18n } from '../lib/i18n';
import { ErrorBox } from '../lib/ui';

export const AUDIENCES = ['RESIDENTS', 'ELDERLY', 'STUDENTS', 'WORKERS', 'FARMERS', 'SMALL_TRADERS', 'PEOPLE_WITH_DISABILITIES'] as const;

type Topic = { code: string; nameVi: string; nameEn: string };
type Place = { id: string; name: string };
type Group = { id: string; name: string };

/** What the forms need of a session being changed. */
export interface SessionDetails {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string;
  topics: string[];
  capacity: number;
  trainerSlots: number;
  audience: string[];
  notes: string | null;
}

const SETUP = `query($code: String!, $filter: GroupFilter) {
  trainingTopics { code nameVi nameEn }
  unit(code: $code) { id name }
  unitChildren(code: $code) { id name kind }
  groups(first: 100, filter: $filter) { edges { node { id name } } } }`;
type Setup = {
  trainingTopics: Topic[];
  unit: Place;
  unitChildren: (Place & { kind: string })[];
  groups: { edges: { node: Group }[] };
};

/** "2026-12-05T01:00:00.000Z" → "2026-12-05T08:00" (Vietnam time, for a datetime-local field). */
export const vietnamLocal = (iso: string) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 16);

function TopicsAndAudience({
  topics,
  chosen,
  onTopics,
  audience,
  onAudience,
}: {
  topics: Topic[];
  chosen: string[];
  onTopics(v: string[]): void;
  audience: string[];
  onAudience(v: string[]): void;
}) {
  const { t, tx, language } = useI18n();
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));
  return (
    <>
      <fieldset>
        <legend>{t('session.topics')}</legend>
        {topics.map((topic) => (
          <label key={topic.code} className="check">
            <input
              type="checkbox"
              name="topic"
              value={topic.code}
              checked={chosen.includes(topic.code)}
              onChange={(e) => onTopics(toggle(chosen, topic.code, e.target.checked))}
            />
            {language === 'vi' ? topic.nameVi : topic.nameEn}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('session.audience')}</legend>
        {AUDIENCES.map((a) => (
          <label key={a} className="check">
            <input
              type="checkbox"
              name="audience"
              value={a}
              checked={audience.includes(a)}
              onChange={(e) => onAudience(toggle(audience, a, e.target.checked))}
            />
            {tx(`audience.${a}`)}
          </label>
        ))}
      </fieldset>
    </>
  );
}

/** How many seats and trainers a session has. */
function SizeFields(p: { capacity: number; trainerSlots: number; onCapacity(n: number): void; onTrainerSlots(n: number): void }) {
  const { t } = useI18n();
  return (
    <div className="row wrap">
      <label>
        {t('session.capacity')}
        <input type="number" name="capacity" min={1} max={10000} value={p.capacity} onChange={(e) => p.onCapacity(Number(e.target.value))} />
      </label>
      <label>
        {t('session.trainerSlots')}
        <input type="number" name="trainerSlots" min={1} max={20} value={p.trainerSlots} onChange={(e) => p.onTrainerSlots(Number(e.target.value))} />
      </label>
    </div>
  );
}

/** Plan a session in the ward: which group, where, when, what and for whom. */
export function PlanSessionForm({ unitCode, onDone, onCancel }: { unitCode: string; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const setup = useQuery<Setup>(SETUP, { code: unitCode, filter: { unitCode, status: 'ACTIVE' } });
  const [groupId, setGroupId] = useState('');
  const [unitId, setUnitId] = useState('');
  const [title, setTitle] = useState('');
  const [day, setDay] = useState('');
  const [from, setFrom] = useState('08:00');
  const [to, setTo] = useState('10:00');
  const [place, setPlace] = useState('');
  const [capacity, setCapacity] = useState(30);
  const [trainerSlots, setTrainerSlots] = useState(1);
  const [topics, setTopics] = useState<string[]>([]);
  const [audience, setAudience] = useState<string[]>(['RESIDENTS']);
  const [notes, setNotes] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  if (!setup.data) return <ErrorBox error={setup.error} onRetry={setup.reload} />;
  const data = setup.data;
  const places = [data.unit, ...data.unitChildren];
  const groups = data.groups.edges.map((e) => e.node);
  const submit = () =>
    run(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
      input: {
        groupId: groupId || groups[0]?.id,
        unitId: unitId || places[0].id,
        title: title.trim(),
        topics,
        audience,
        startsAt: `${day}T${from}`,
        endsAt: `${day}T${to}`,
        place: place.trim(),
        capacity,
        trainerSlots,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      },
    });
  return (
    <FormShell label={t('session.plan')} submit={t('session.planSubmit')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <Choice label={t('session.group')} name="groupId" items={groups} value={groupId} onChange={setGroupId} />
      <label>
        {t('session.title')}
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} required minLength={3} maxLength={200} />
      </label>
      <div className="row wrap">
        <label>
          {t('session.day')}
          <input type="date" name="day" value={day} onChange={(e) => setDay(e.target.value)} required />
        </label>
        <label>
          {t('session.from')}
          <input type="time" name="from" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label>
          {t('session.to')}
          <input type="time" name="to" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
      </div>
      <Choice label={t('session.unit')} name="unitId" items={places} value={unitId} onChange={setUnitId} />
      <label>
        {t('session.place')}
        <input name="place" value={place} onChange={(e) => setPlace(e.target.value)} required maxLength={300} placeholder={t('session.placeHint')} />
      </label>
      <SizeFields capacity={capacity} trainerSlots={trainerSlots} onCapacity={setCapacity} onTrainerSlots={setTrainerSlots} />
      <TopicsAndAudience topics={data.trainingTopics} chosen={topics} onTopics={setTopics} audience={audience} onAudience={setAudience} />
      <label>
        {t('session.notes')}
        <textarea name="notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} />
      </label>
    </FormShell>
  );
}

/** Change what a planned session is about (its title, topics, audience, size, notes). */
export function EditSessionForm({ session, onDone, onCancel }: { session: SessionDetails; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const setup = useQuery<{ trainingTopics: Topic[] }>(`query { trainingTopics { code nameVi nameEn } }`, {});
  const [title, setTitle] = useState(session.title);
  const [topics, setTopics] = useState(session.topics);
  const [audience, setAudience] = useState(session.audience);
  const [capacity, setCapacity] = useState(session.capacity);
  const [trainerSlots, setTrainerSlots] = useState(session.trainerSlots);
  const [notes, setNotes] = useState(session.notes ?? '');
  const { busy, error, run } = useSubmit(onDone);
  const submit = () =>
    run(`mutation($id: UUID!, $input: UpdateSessionDetailsInput!) { updateSessionDetails(id: $id, input: $input) { id } }`, {
      id: session.id,
      input: { title: title.trim(), topics, audience, capacity, trainerSlots, notes: notes.trim() || null },
    });
  return (
    <FormShell label={t('session.edit')} submit={t('common.save')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <label>
        {t('session.title')}
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} required minLength={3} maxLength={200} />
      </label>
      <SizeFields capacity={capacity} trainerSlots={trainerSlots} onCapacity={setCapacity} onTrainerSlots={setTrainerSlots} />
      {setup.data && <TopicsAndAudience topics={setup.data.trainingTopics} chosen={topics} onTopics={setTopics} audience={audience} onAudience={setAudience} />}
      <label>
        {t('session.notes')}
        <textarea name="notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} />
      </label>
    </FormShell>
  );
}

/** Move a planned session to another time or place; the assigned members are told (with the reason). */
export function RescheduleForm({ session, onDone, onCancel }: { session: SessionDetails; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [startsAt, setStartsAt] = useState(vietnamLocal(session.startsAt));
  const [endsAt, setEndsAt] = useState(vietnamLocal(session.endsAt));
  const [place, setPlace] = useState(session.place);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  const submit = () =>
    run(`mutation($id: UUID!, $input: RescheduleSessionInput!) { rescheduleSession(id: $id, input: $input) { id } }`, {
      id: session.id,
      input: { startsAt, endsAt, place: place.trim(), reason: reason.trim() },
    });
  return (
    <FormShell label={t('session.reschedule')} submit={t('session.rescheduleSubmit')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <div className="row wrap">
        <label>
          {t('session.startsAt')}
          <input type="datetime-local" name="startsAt" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />
        </label>
        <label>
          {t('session.endsAt')}
          <input type="datetime-local" name="endsAt" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} required />
        </label>
      </div>
      <label>
        {t('session.place')}
        <input name="place" value={place} onChange={(e) => setPlace(e.target.value)} required maxLength={300} />
      </label>
      <label>
        {t('session.reason')}
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />
      </label>
    </FormShell>
  );
}

/** Cancel a planned session, saying why; the assigned members are told. */
export function CancelSessionForm({ session, onDone, onCancel }: { session: SessionDetails; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  const submit = () =>
    run(`mutation($id: UUID!, $reason: String!) { cancelSession(id: $id, reason: $reason) { id } }`, { id: session.id, reason: reason.trim() });
  return (
    <FormShell label={t('session.cancel')} submit={t('session.cancelSubmit')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <label>
        {t('session.reason')}
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />
      </label>
    </FormShell>
  );
}

/** Record a member's answer given by phone or in person (accepted, or declined with the reason they gave). */
export function AnswerForm({ assignmentId, name, onDone, onCancel }: { assignmentId: string; name: string; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [accept, setAccept] = useState(true);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  const submit = () =>
    run(`mutation($input: AssignmentResponseInput!) { recordAssignmentResponse(input: $input) { id status } }`, {
      input: { assignmentId, accept, ...(accept ? {} : { reason: reason.trim() }) },
    });
  return (
    <FormShell label={t('session.answerOf', { name })} submit={t('common.save')} busy={busy} error={error} onSubmit={submit} onCancel={onCancel}>
      <label className="check">
        <input type="radio" name="answer" checked={accept} onChange={() => setAccept(true)} />
        {t('session.answerAccepted')}
      </label>
      <label className="check">
        <input type="radio" name="answer" checked={!accept} onChange={() => setAccept(false)} />
        {t('session.answerDeclined')}
      </label>
      {!accept && (
        <label>
          {t('session.declineReason')}
          <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />
        </label>
      )}
    </FormShell>
  );
}
