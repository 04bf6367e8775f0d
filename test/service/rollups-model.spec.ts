import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ProjectorService, RebuildService } from '@cdtg/rollups';
import { addDays, systemClock } from '@cdtg/time';
import { startTestApp, TestApp } from '../support/app';

/**
 * A model-based test of the rollups: random sequences of what the field and the office do (log, re-send, amend the
 * household, verify, un-verify, void, a reorganisation of a residential group) with the projection run at random
 * moments, out of order and by two projectors at once. After each sequence every pending change is applied and the
 * incremental tables (facts, cells, mapped and tree cells) must equal a rebuild from the raw records.
 */

const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { entries { clientId entryId outcome } } }`;
const SERVICES = ['VNEID_ACCOUNT', 'VNEID_LEVEL_2', 'PORTAL_ACCOUNT', 'CASHLESS_PAYMENT'] as const;
const HOUSEHOLDS = ['12 Lê Lợi / Nguyễn Văn An', '14 Lê Lợi / Trần Thị Bình', '3 Hùng Vương / Lê Văn Cường', '7 Trần Phú / Phạm Thị Dung', 'code:HK480011'];

type Action =
  | { kind: 'log'; household: number; unit: number; service: number; followUp: boolean; daysAgo: number; volunteer: number; sessionFree?: true }
  | { kind: 'resend'; pick: number }
  | { kind: 'amend'; pick: number; household: number }
  | { kind: 'verify'; pick: number; verified: boolean }
  | { kind: 'void'; pick: number }
  | { kind: 'project'; order: number[]; together: boolean }
  | { kind: 'reorganise'; unit: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('log' as const),
      household: fc.nat(HOUSEHOLDS.length - 1),
      unit: fc.nat(5),
      service: fc.nat(SERVICES.length - 1),
      followUp: fc.boolean(),
      daysAgo: fc.nat(40),
      volunteer: fc.nat(1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resend' as const), pick: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('amend' as const), pick: fc.nat(1000), household: fc.nat(HOUSEHOLDS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('verify' as const), pick: fc.nat(1000), verified: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('project' as const), order: fc.array(fc.nat(1000), { maxLength: 4 }), together: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reorganise' as const), unit: fc.nat(5) }) },
);

describe('rollups, model-based: any sequence of writes and projections ends equal to the rebuild', () => {
  let t: TestApp;
  let groupId: string;
  let members: string[];
  /** The residential groups an entry may name (more appear with reorganisations), with their period. */
  const units: { code: string; id: string; from: string; to: string | null }[] = [];
  /** Entries stored so far (their batches, to re-send). */
  const sent: { clientId: string; entryId: string; input: Record<string, unknown> }[] = [];
  let reorganisations = 0;
  /** Corrections that went through (the others must be refusals the rules explain: a voided entry is CONFLICT). */
  const done = { amend: 0, verify: 0, void: 0 };
  const expectDone = (kind: keyof typeof done, res: { errors?: { extensions?: { code?: string } }[] }) => {
    const code = res.errors?.[0]?.extensions?.code;
    if (!code) done[kind]++;
    else expect(code).toBe('CONFLICT');
  };
  const today = systemClock.today(); // the rollups read the machine's clock (not the injected one yet)

  beforeAll(async () => {
    // No worker: the test decides when (and in which order) change events are applied.
    t = await startTestApp({ worker: false, env: { REDIS_URL: '' } });
    const csv = [
      'code,name,kind,type,parent_code,valid_from,valid_to',
      '97,Tỉnh Mô Hình,province,Tỉnh,,2020-01-01,',
      '97001,Phường Mô Hình,commune,Phường,97,2020-01-01,',
    ]
      .concat([1, 2, 3].map((n) => `97001-0${n},Tổ dân phố ${n},residential_group,Tổ dân phố,97001,2020-01-01,`))
      .join('\n');
    const imported = await t.gql<{ importUnits: { created: number } }>(`mutation($csv: String!) { importUnits(input: { csv: $csv }) { created } }`, { csv });
    expect(imported.data!.importUnits.created).toBe(5);
    for (const code of ['97001-01', '97001-02', '97001-03']) {
      const [u] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = $1`, [code]);
      units.push({ code, id: u.id, from: '2020-01-01', to: null });
    }
    const [commune] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '97001'`);
    const group = await t.gql<{ createGroup: { id: string } }>(`mutation($u: UUID!) { createGroup(input: { unitId: $u, name: "Tổ mô hình" }) { id } }`, {
      u: commune.id,
    });
    groupId = group.data!.createGroup.id;
    members = [];
    for (const [i, name] of ['Võ Văn Một', 'Đỗ Thị Hai'].entries()) {
      const m = await t.gql<{ createMember: { id: string } }>(
        `mutation($g: UUID!, $p: String!, $n: String!) { createMember(input: { groupId: $g, fullName: $n, phone: $p, joinedOn: "2024-01-01" }) { id } }`,
        {
          g: groupId,
          p: `0912 88${String(i).padStart(4, '0')}`,
          n: name,
        },
      );
      members.push(m.data!.createMember.id);
    }
  }, 60_000);
  afterAll(async () => t?.close());

  const identity = (k: number) => {
    const h = HOUSEHOLDS[k];
    if (h.startsWith('code:')) return { code: h.slice(5) };
    const [address, headName] = h.split(' / ');
    return { address, headName };
  };
  const pendingEvents = async () =>
    (await t.db.query<{ id: string }>(`SELECT id::text FROM change_event WHERE processed_at IS NULL ORDER BY id`)).map((r) => r.id);

  async function run(a: Action): Promise<void> {
    const projector = t.app.get(ProjectorService);
    switch (a.kind) {
      case 'log': {
        const unit = units[a.unit % units.length];
        const input = {
          clientId: randomUUID(),
          household: identity(a.household),
          unitId: unit.id,
          services: [{ service: SERVICES[a.service], outcome: a.followUp ? 'FOLLOW_UP' : 'DONE', ...(a.followUp ? { reason: 'MISSING_DOCUMENTS' } : {}) }],
          volunteerIds: [members[a.volunteer]],
          occurredAt: `${addDays(today, -a.daysAgo)}T09:00`,
        };
        const res = await t.gql<{ logAssists: { entries: { entryId: string | null; outcome: string }[] } }>(LOG, { input: { groupId, entries: [input] } });
        const [e] = res.data!.logAssists.entries;
        if (e.entryId) sent.push({ clientId: input.clientId, entryId: e.entryId, input });
        return;
      }
      case 'resend': {
        if (!sent.length) return;
        const again = sent[a.pick % sent.length];
        const res = await t.gql<{ logAssists: { entries: { outcome: string }[] } }>(LOG, { input: { groupId, entries: [again.input] } });
        expect(res.data!.logAssists.entries[0].outcome).toBe('ALREADY_STORED');
        return;
      }
      case 'amend':
        if (sent.length)
          expectDone(
            'amend',
            await t.gql(`mutation($id: UUID!, $h: HouseholdInput!) { amendAssistEntry(id: $id, input: { household: $h, reason: "sửa hộ" }) { id } }`, {
              id: sent[a.pick % sent.length].entryId,
              h: identity(a.household),
            }),
          );
        return;
      case 'verify':
        if (sent.length)
          expectDone(
            'verify',
            await t.gql(`mutation($ids: [UUID!]!, $v: Boolean!) { verifyAssistEntries(ids: $ids, verified: $v) { id } }`, {
              ids: [sent[a.pick % sent.length].entryId],
              v: a.verified,
            }),
          );
        return;
      case 'void':
        if (sent.length)
          expectDone(
            'void',
            await t.gql(`mutation($id: UUID!) { voidAssistEntry(id: $id, reason: "ghi nhầm") { id } }`, { id: sent[a.pick % sent.length].entryId }),
          );
        return;
      case 'project': {
        // Some pending events now, in another order than written; two projectors at once when asked.
        const pending = await pendingEvents();
        const chosen = [...new Set(a.order.map((i) => pending[i % Math.max(1, pending.length)]).filter(Boolean))];
        if (a.together && chosen.length > 1) await Promise.all(chosen.map((id) => projector.apply(id)));
        else for (const id of chosen) await projector.apply(id);
        return;
      }
      case 'reorganise': {
        // A residential group in force is renamed from two days ago: a new version, linked to the old one.
        const unit = units[a.unit % units.length];
        if (unit.to !== null || reorganisations >= 3) return;
        const day = addDays(today, -2);
        const end = addDays(day, -1);
        if (unit.from > end) return;
        const n = ++reorganisations;
        const csv = `code,name,kind,type,parent_code,valid_from,valid_to\n${unit.code},Tổ dân phố ${unit.code.slice(-2)},residential_group,Tổ dân phố,97001,${unit.from},${end}\n${unit.code},Tổ dân phố ${unit.code.slice(-2)} mới ${n},residential_group,Tổ dân phố,97001,${day},\n`;
        const units1 = await t.gql<{ importUnits: { errors: { message: string }[] } }>(
          `mutation($csv: String!) { importUnits(input: { csv: $csv }) { errors { message } } }`,
          { csv },
        );
        expect(units1.data!.importUnits.errors).toEqual([]);
        const reform = `effective_date,old_code,old_name,new_code,new_name,share\n${day},${unit.code},,${unit.code},,full\n`;
        const linked = await t.gql<{ importReorganisations: { errors: { message: string }[] } }>(
          `mutation($csv: String!) { importReorganisations(input: { csv: $csv }) { errors { message } } }`,
          { csv: reform },
        );
        expect(linked.data!.importReorganisations.errors).toEqual([]);
        unit.to = end;
        const [fresh] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = $1 AND valid_from = $2`, [unit.code, day]);
        units.push({ code: unit.code, id: fresh.id, from: day, to: null });
        return;
      }
    }
  }

  it('equals the rebuild after every random sequence (facts, cells, mapped and tree cells)', async () => {
    const rebuild = t.app.get(RebuildService);
    const projector = t.app.get(ProjectorService);
    let sequences = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 14 }), fc.boolean(), async (actions, concurrentDrain) => {
        for (const a of actions) await run(a);
        // Drain: every pending event, newest first or two at a time.
        const pending = (await pendingEvents()).reverse();
        if (concurrentDrain) await Promise.all(pending.map((id) => projector.apply(id)));
        else for (const id of pending) await projector.apply(id);
        expect(await pendingEvents()).toEqual([]);
        let report = await rebuild.run('verify');
        // A reorganisation moved the geography: that check refilled mapped and tree cells; the next compares them too.
        if (report.geography.moved) report = await rebuild.run('verify');
        expect(report.geography.moved).toBe(false);
        sequences++;
        if (!report.consistent) throw new Error(`after ${JSON.stringify(actions)}: ${JSON.stringify({ ...report, id: undefined }).slice(0, 1500)}`);
        expect(report.differences).toBe(0);
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 12), seed: Number(process.env.MODEL_SEED ?? 20261205), endOnFailure: true },
    );
    expect(sequences).toBeGreaterThan(0);
    // The sequences did write: entries, verified ones, voided ones, reorganisations.
    const [stats] = await t.db.query<{ entries: number; verified: number; voided: number }>(
      `SELECT count(*)::int AS entries, count(verified_at)::int AS verified, count(*) FILTER (WHERE status = 'voided')::int AS voided FROM assist_entry`,
    );
    expect(stats.entries).toBeGreaterThan(10);
    expect(stats.verified + stats.voided).toBeGreaterThan(0);
    expect(done.amend).toBeGreaterThan(0);
    expect(done.verify).toBeGreaterThan(0);
    expect(done.void).toBeGreaterThan(0);
    expect(reorganisations).toBeGreaterThan(0);
  }, 300_000);
});
