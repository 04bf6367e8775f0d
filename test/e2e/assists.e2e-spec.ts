import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { HouseholdRekeyService, householdHash, keyMaterial } from '@cdtg/assists';
import { AppConfig } from '@cdtg/config';
import { loadDemoCity } from '@cdtg/demo';
import { GqlResponse, startTestApp, TestApp } from '../support/app';
import { createUser, TestUser } from '../support/users';

const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created alreadyStored rejected entries { clientId outcome entryId problems { path message reason params } } } }`;

type LogResult = {
  logAssists: {
    created: number;
    alreadyStored: number;
    rejected: number;
    entries: {
      clientId: string;
      outcome: string;
      entryId: string | null;
      problems: { path: string[]; message: string; reason: string; params: Record<string, unknown> | null }[];
    }[];
  };
};

interface Place {
  groupId: string;
  memberId: string;
  /** The residential group the group serves, as in force today. */
  unitId: string;
}

describe('the household assistance log', () => {
  let t: TestApp;
  let a: Place;
  let b: Place;
  let lead: TestUser;
  let officer: TestUser;
  let otherUnitId: string;

  /** A group founded (before the 2025 reform) on residential group `code`, one of its members, and the unit today. */
  async function place(code: string): Promise<Place> {
    const [row] = await t.db.query<{ group_id: string; member_id: string }>(
      `SELECT g.id AS group_id, ms.member_id FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id JOIN membership ms ON ms.group_id = g.id AND ms.to_date IS NULL
        WHERE u.code = $1 ORDER BY ms.from_date, ms.member_id LIMIT 1`,
      [code],
    );
    const unit = await t.gql<{ unit: { id: string } }>(`query($c: String!) { unit(code: $c) { id } }`, { c: code });
    return { groupId: row.group_id, memberId: row.member_id, unitId: unit.data!.unit.id };
  }

  // A new household each time: a head name unique in its letters (a name's digits are not part of its key, so random
  // hex once made two households of one batch the same one now and then).
  let households = 0;
  const newHeadName = () => `Hộ thử ${(households++).toString(26).replace(/./g, (c) => String.fromCharCode(97 + parseInt(c, 26)))}`;
  const entry = (p: Place, overrides: Record<string, unknown> = {}) => ({
    clientId: randomUUID(),
    household: { address: `${Math.floor(Math.random() * 900) + 1} Lê Lợi, tổ 1`, headName: newHeadName() },
    unitId: p.unitId,
    services: [{ service: 'VNEID_ACCOUNT', outcome: 'DONE' }],
    volunteerIds: [p.memberId],
    occurredAt: '2026-11-20T09:30',
    ...overrides,
  });

  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: '' } });
    await loadDemoCity(t.app.get(DataSource));
    a = await place('20209-01');
    b = await place('20209-02');
    otherUnitId = (await place('20200-01')).unitId;
    lead = await createUser(t, { email: 'totruong.a@cdtg.test', role: Role.GroupLead, groupId: a.groupId });
    officer = await createUser(t, { email: 'canbo.thanhkhe@cdtg.test', role: Role.WardOfficer, unitCode: '20209' });
  }, 120_000);
  afterAll(async () => t?.close());

  it('stores a 500-entry batch once, however often and however concurrently it is sent', async () => {
    const entries = Array.from({ length: 500 }, (_, i) => entry(a, { household: { address: `${i + 1} Hùng Vương, tổ 1`, headName: `Trần Văn Lô ${i}` } }));
    const first = await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.logAssists).toMatchObject({ created: 500, alreadyStored: 0, rejected: 0 });
    const again = await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries } });
    expect(again.data!.logAssists).toMatchObject({ created: 0, alreadyStored: 500, rejected: 0 });
    expect(again.data!.logAssists.entries.map((e) => e.entryId)).toEqual(first.data!.logAssists.entries.map((e) => e.entryId));
    const ids = entries.map((e) => e.clientId);
    const [{ count }] = await t.db.query<{ count: string }>(`SELECT count(*) FROM assist_entry WHERE client_id = ANY($1)`, [ids]);
    expect(Number(count)).toBe(500);
    const [{ households }] = await t.db.query<{ households: string }>(
      `SELECT count(DISTINCT household_id) AS households FROM assist_entry WHERE client_id = ANY($1)`,
      [ids],
    );
    expect(Number(households)).toBe(500);

    // Two phones sending the same new batch at the same moment: each entry is stored once.
    const racing = Array.from({ length: 100 }, () => entry(a));
    const [x, y] = await Promise.all([0, 1].map(() => lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: racing } })));
    expect(x.data!.logAssists.created + y.data!.logAssists.created).toBe(100);
    expect(x.data!.logAssists.alreadyStored + y.data!.logAssists.alreadyStored).toBe(100);
    const [{ raced }] = await t.db.query<{ raced: string }>(`SELECT count(*) AS raced FROM assist_entry WHERE client_id = ANY($1)`, [
      racing.map((e) => e.clientId),
    ]);
    expect(Number(raced)).toBe(100);

    // The phone asks what is stored; every accepted write told the rollups which households to count.
    const asked = [...ids.slice(0, 3), randomUUID()];
    const known = await lead.gql<{ assistClientIds: string[] }>(`query($ids: [String!]!) { assistClientIds(clientIds: $ids) }`, { ids: asked });
    expect(known.data!.assistClientIds).toEqual(ids.slice(0, 3).sort());
    const events = await t.db.query<{ n: string }>(`SELECT sum(cardinality(households)) AS n FROM change_event`);
    expect(Number(events[0].n)).toBeGreaterThanOrEqual(600);
  });

  it('counts one household when two groups log it in one place with different spelling, diacritics and case; stores no clear identifier', async () => {
    // A second group serving the same residential group.
    const group = await t.gql<{ createGroup: { id: string } }>(
      `mutation($u: UUID!) { createGroup(input: { unitId: $u, name: "Tổ công nghệ số thứ hai" }) { id } }`,
      { u: a.unitId },
    );
    const member = await t.gql<{ createMember: { id: string } }>(
      `mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Lê Thị Hai", phone: "0905 777 001" }) { id } }`,
      { g: group.data!.createGroup.id },
    );
    const second: Place = { groupId: group.data!.createGroup.id, memberId: member.data!.createMember.id, unitId: a.unitId };
    const one = entry(a, { household: { address: 'Số 12 Lê Lợi, Tổ 5, P. Thanh Khê, TP Đà Nẵng', headName: 'ông Nguyễn Văn An' } });
    const now = new Date(Date.now() - 60_000).toISOString(); // the second group's member joined today
    const two = entry(second, { household: { address: '12  le loi - to 5', headName: 'NGUYEN VAN AN' }, occurredAt: now });
    const other = entry(second, { household: { address: '14 Lê Lợi, tổ 5', headName: 'Nguyễn Văn An' }, occurredAt: now });
    expect((await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [one] } })).data!.logAssists.created).toBe(1);
    expect((await officer.gql<LogResult>(LOG, { input: { groupId: second.groupId, entries: [two, other] } })).data!.logAssists.created).toBe(2);
    const rows = await t.db.query<{ client_id: string; household_id: string; masked_label: string }>(
      `SELECT e.client_id, e.household_id, h.masked_label FROM assist_entry e JOIN household h ON h.id = e.household_id WHERE e.client_id = ANY($1)`,
      [[one.clientId, two.clientId, other.clientId]],
    );
    const of = (id: string) => rows.find((r) => r.client_id === id)!;
    expect(of(one.clientId).household_id).toBe(of(two.clientId).household_id);
    expect(of(other.clientId).household_id).not.toBe(of(one.clientId).household_id);
    expect(of(one.clientId).masked_label).toBe('Ng… V… A…, tổ 1');
    // Neither the address nor the name is stored anywhere in clear.
    const dump = JSON.stringify(
      await t.db.query(`SELECT h.*, k.*, e.* FROM household h JOIN household_key k ON k.household_id = h.id JOIN assist_entry e ON e.household_id = h.id`),
    );
    expect(dump).not.toMatch(/l[eê] l[ợo]i|nguy[eễ]n v[aă]n an/i);
    const keyed = await t.db.query<{ hash: string }>(`SELECT hash FROM household_key WHERE household_id = $1`, [of(one.clientId).household_id]);
    expect(keyed).toHaveLength(1);
    expect(keyed[0].hash).toMatch(/^1\.[A-Za-z0-9_-]{43}$/);
  });

  it('keeps apart the same address and head name in two places, and keeps one household across the reform', async () => {
    const identity = { address: 'Tổ 5, P. Hòa Khánh Bắc', headName: 'Nguyễn Văn Bình' };
    const here = entry(a, { household: identity });
    const there = entry(b, { household: { address: 'Tổ 5, P. Hải Châu', headName: 'Nguyễn Văn Bình' } });
    // The same residential group before the reform (its old version, under the old ward): the same place.
    const [old] = await t.db.query<{ id: string }>(`SELECT unit_id AS id FROM volunteer_group WHERE id = $1`, [a.groupId]);
    const before = entry(a, { household: { address: 'tổ dân phố 5', headName: 'nguyen van binh' }, unitId: old.id, occurredAt: '2025-05-01T08:00' });
    expect((await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [here, before] } })).data!.logAssists.created).toBe(2);
    expect((await officer.gql<LogResult>(LOG, { input: { groupId: b.groupId, entries: [there] } })).data!.logAssists.created).toBe(1);
    const household = async (clientId: string) =>
      (
        await t.db.query<{ household_id: string; place_id: string }>(
          `SELECT e.household_id, h.place_id FROM assist_entry e JOIN household h ON h.id = e.household_id WHERE e.client_id = $1`,
          [clientId],
        )
      )[0];
    expect((await household(here.clientId)).household_id).toBe((await household(before.clientId)).household_id);
    expect((await household(here.clientId)).household_id).not.toBe((await household(there.clientId)).household_id);
    // The place is the residential group's earliest version.
    expect((await household(here.clientId)).place_id).toBe(old.id);
  });

  it('places households keyed before places counted: one household per place, entries moved, the rollups told to recount both', async () => {
    // As the earlier rule stored it: one household (no place) for the same address and name logged in two residential groups.
    const identity = { address: '33 Điện Biên Phủ', headName: 'Phan Văn Cũ' };
    const x = entry(a, { household: identity });
    const y = entry(b, { household: identity });
    await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [x] } });
    await officer.gql<LogResult>(LOG, { input: { groupId: b.groupId, entries: [y] } });
    const [hx] = await t.db.query<{ household_id: string }>(`SELECT household_id FROM assist_entry WHERE client_id = $1`, [x.clientId]);
    const [hy] = await t.db.query<{ household_id: string }>(`SELECT household_id FROM assist_entry WHERE client_id = $1`, [y.clientId]);
    const secret = t.app.get(AppConfig).householdSecrets[0];
    const unplaced = householdHash(keyMaterial(identity).material, secret, null);
    await t.db.query(`UPDATE assist_entry SET household_id = $1 WHERE household_id = $2`, [hx.household_id, hy.household_id]);
    await t.db.query(`DELETE FROM household_key WHERE household_id = ANY($1::uuid[])`, [[hx.household_id, hy.household_id]]);
    await t.db.query(`DELETE FROM household WHERE id = $1`, [hy.household_id]);
    await t.db.query(`INSERT INTO household_key (hash, household_id, key_version) VALUES ($1, $2, $3)`, [unplaced, hx.household_id, secret.version]);
    await t.db.query(`UPDATE household SET place_id = NULL WHERE id = $1`, [hx.household_id]);

    const rekey = t.app.get(HouseholdRekeyService);
    expect(await rekey.run()).toEqual({ placed: 1, split: 1 });
    expect(await rekey.run()).toEqual({ placed: 0, split: 0 });
    const households = await t.db.query<{ client_id: string; household_id: string; place_id: string }>(
      `SELECT e.client_id, e.household_id, h.place_id FROM assist_entry e JOIN household h ON h.id = e.household_id WHERE e.client_id = ANY($1)`,
      [[x.clientId, y.clientId]],
    );
    const [px, py] = [x, y].map((e) => households.find((h) => h.client_id === e.clientId)!);
    expect(px.household_id).toBe(hx.household_id);
    expect(py.household_id).not.toBe(px.household_id);
    expect(py.place_id).not.toBe(px.place_id);
    // The placed keys find them again: logging the household once more in each place adds no household.
    const again = [entry(a, { household: identity }), entry(b, { household: identity })];
    await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [again[0]] } });
    await officer.gql<LogResult>(LOG, { input: { groupId: b.groupId, entries: [again[1]] } });
    const found = await t.db.query<{ household_id: string }>(`SELECT household_id FROM assist_entry WHERE client_id = ANY($1) ORDER BY client_id = $2 DESC`, [
      again.map((e) => e.clientId),
      again[0].clientId,
    ]);
    expect(found.map((f) => f.household_id)).toEqual([px.household_id, py.household_id]);
    // The rollups were told to recount both.
    const told = await t.db.query(`SELECT 1 FROM change_event WHERE households @> $1::uuid[] AND cardinality(households) = 2`, [
      [px.household_id, py.household_id],
    ]);
    expect(told).toHaveLength(1);
  });

  it('rejects a bad entry alone, naming the field and the reason, and stores the rest', async () => {
    const good = entry(a);
    const idNumber = entry(a, { note: 'Đã xem CCCD 079 095 012 345 của chủ hộ' });
    const phone = entry(a, { note: 'Gọi lại số 0905.123.456' });
    const money = entry(a, { note: 'Thanh toán 1.500.000 đ qua ví điện tử' });
    const future = entry(a, { occurredAt: '2031-01-01T08:00' });
    const followUp = entry(a, { services: [{ service: 'VNEID_LEVEL_2', outcome: 'FOLLOW_UP' }] });
    const stranger = entry(a, { volunteerIds: [b.memberId] });
    const oldUnit = entry(a, { occurredAt: '2025-05-01T08:00' }); // the new residential group did not exist yet
    const res = await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [good, idNumber, phone, money, future, followUp, stranger, oldUnit] } });
    expect(res.errors).toBeUndefined();
    const out = res.data!.logAssists.entries;
    expect(out.map((e) => e.outcome)).toEqual(['CREATED', 'REJECTED', 'REJECTED', 'CREATED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED']);
    expect(out[1].problems).toEqual([
      { path: ['input', 'entries', '1', 'note'], message: expect.stringContaining('national ID number'), reason: 'HOLDS_ID_NUMBER', params: null },
    ]);
    expect(out[2].problems).toEqual([
      { path: ['input', 'entries', '2', 'note'], message: expect.stringContaining('phone number'), reason: 'HOLDS_PHONE_NUMBER', params: null },
    ]);
    expect(out[4].problems[0]).toMatchObject({ path: ['input', 'entries', '4', 'occurredAt'], message: 'is in the future', reason: 'IN_THE_FUTURE' });
    expect(out[5].problems[0]).toMatchObject({ path: ['input', 'entries', '5', 'services', '0', 'reason'], reason: 'FOLLOW_UP_NEEDS_REASON' });
    expect(out[6].problems[0]).toMatchObject({ path: ['input', 'entries', '6', 'volunteerIds', '0'], reason: 'NOT_A_GROUP_MEMBER', params: null });
    expect(out[7].problems[0]).toMatchObject({ path: ['input', 'entries', '7', 'unitId'], reason: 'UNIT_NOT_IN_FORCE', params: { day: '2025-05-01' } });
    expect(out[7].problems[0].params!.validFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/); // the client can say which unit to use
    const stored = await t.db.query(`SELECT 1 FROM assist_entry WHERE client_id = ANY($1)`, [[idNumber.clientId, phone.clientId, future.clientId]]);
    expect(stored).toHaveLength(0);
    // Structural limits refuse the whole request, naming the field.
    const tooMany = await lead.gql(LOG, { input: { groupId: a.groupId, entries: Array.from({ length: 501 }, () => entry(a)) } });
    expect(tooMany.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'TOO_MANY',
      fields: [{ path: ['input', 'entries'], reason: 'TOO_MANY' }],
    });
  });

  it("keeps a lead inside their group's area", async () => {
    const forOther = await lead.gql(LOG, { input: { groupId: b.groupId, entries: [entry(b)] } });
    expect(forOther.errors![0].extensions!.code).toBe('FORBIDDEN');
    const elsewhere = await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [entry(a, { unitId: otherUnitId })] } });
    expect(elsewhere.data!.logAssists.entries[0].problems).toEqual([
      { path: ['input', 'entries', '0', 'unitId'], message: "is outside the group's area", reason: 'OUTSIDE_GROUP_AREA', params: null },
    ]);
    // Before the reform the same group logged under the old residential group: that is its area too.
    const [old] = await t.db.query<{ id: string }>(`SELECT unit_id AS id FROM volunteer_group WHERE id = $1`, [a.groupId]);
    const before = await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [entry(a, { unitId: old.id, occurredAt: '2025-05-01T08:00' })] } });
    expect(before.data!.logAssists.created).toBe(1);
    // Another group's entries are not the lead's to read or correct.
    const theirs = await officer.gql<LogResult>(LOG, { input: { groupId: b.groupId, entries: [entry(b)] } });
    const id = theirs.data!.logAssists.entries[0].entryId!;
    expect((await lead.gql(`query($id: UUID!) { assistEntry(id: $id) { id } }`, { id })).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await lead.gql(`mutation($id: UUID!) { voidAssistEntry(id: $id, reason: "nhầm") { id } }`, { id })).errors![0].extensions!.code).toBe('FORBIDDEN');
    const listed = await lead.gql<{ assistEntries: { edges: { node: { id: string } }[] } }>(`{ assistEntries(first: 100) { edges { node { id } } } }`);
    expect(listed.data!.assistEntries.edges.map((e) => e.node.id)).not.toContain(id);
  });

  it('amends, verifies and voids entries with history; a lead cannot verify', async () => {
    const e = entry(a, { services: [{ service: 'PORTAL_ACCOUNT', outcome: 'FOLLOW_UP', reason: 'MISSING_DOCUMENTS' }] });
    const id = (await lead.gql<LogResult>(LOG, { input: { groupId: a.groupId, entries: [e] } })).data!.logAssists.entries[0].entryId!;
    const verify = `mutation($ids: [UUID!]!) { verifyAssistEntries(ids: $ids) { id verified } }`;
    expect((await lead.gql(verify, { ids: [id] })).errors![0].extensions!.code).toBe('FORBIDDEN');
    const verified = await officer.gql<{ verifyAssistEntries: { verified: boolean }[] }>(verify, { ids: [id] });
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyAssistEntries).toEqual([{ id, verified: true }]);

    const amended = await lead.gql<{ amendAssistEntry: { version: number; verified: boolean; services: { service: string; outcome: string }[] } }>(
      `mutation($id: UUID!) { amendAssistEntry(id: $id, input: { services: [{ service: PORTAL_ACCOUNT, outcome: DONE }], reason: "Đã bổ sung giấy tờ" }) { version verified services { service outcome } } }`,
      { id },
    );
    expect(amended.errors).toBeUndefined();
    expect(amended.data!.amendAssistEntry).toEqual({ version: 2, verified: false, services: [{ service: 'PORTAL_ACCOUNT', outcome: 'DONE' }] });
    const badAmend = await lead.gql(`mutation($id: UUID!) { amendAssistEntry(id: $id, input: { note: "CMND 201234567", reason: "ghi chú" }) { id } }`, { id });
    expect(badAmend.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'HOLDS_ID_NUMBER',
      fields: [{ path: ['input', 'note'], reason: 'HOLDS_ID_NUMBER' }],
    });

    const voided = await lead.gql<{ voidAssistEntry: { status: string; voidReason: string; history: { operation: string; actorLabel: string }[] } }>(
      `mutation($id: UUID!) { voidAssistEntry(id: $id, reason: "Ghi trùng với phiếu khác") { status voidReason history { operation actorLabel } } }`,
      { id },
    );
    expect(voided.data!.voidAssistEntry).toMatchObject({ status: 'VOIDED', voidReason: 'Ghi trùng với phiếu khác' });
    expect(voided.data!.voidAssistEntry.history.map((h) => h.operation)).toEqual(['assist.void', 'assist.amend', 'assist.verify']);
    const amendVoided = await lead.gql(`mutation($id: UUID!) { amendAssistEntry(id: $id, input: { note: "x", reason: "thử lại" }) { id } }`, { id });
    expect(amendVoided.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENTRY_VOIDED' });
    const listed = await officer.gql<{ assistEntries: { totalCount: number } }>(
      `{ assistEntries(first: 1, filter: { status: VOIDED, unitCode: "20209" }) { totalCount } }`,
    );
    expect(listed.data!.assistEntries.totalCount).toBe(1);
  });

  it('imports household counts with a report per row, refusing rows outside the officer’s ward', async () => {
    const csv = [
      'unit_code,as_of,households',
      '20209-01,2026-01-01,412',
      '20209-02,2026-01-01,388',
      '20200-01,2026-01-01,500',
      '20209-03,2026-13-01,10',
      '20209-04,2026-01-01,-5',
    ].join('\n');
    const res = await officer.gql<{
      importHouseholdCounts: { created: number; updated: number; unchanged: number; errors: { line: number; field: string; reason: string }[] };
    }>(`mutation($csv: String!) { importHouseholdCounts(input: { csv: $csv }) { created updated unchanged errors { line field message reason params } } }`, {
      csv,
    });
    expect(res.data!.importHouseholdCounts).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(res.data!.importHouseholdCounts.errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [4, 'unit_code', 'OUTSIDE_YOUR_AREA'],
      [5, 'as_of', 'CSV_BAD_DATE'],
      [6, 'households', 'OUT_OF_RANGE'],
    ]);
    const again = await officer.gql<{ importHouseholdCounts: { unchanged: number } }>(
      `mutation($csv: String!) { importHouseholdCounts(input: { csv: $csv }) { unchanged } }`,
      { csv },
    );
    expect(again.data!.importHouseholdCounts.unchanged).toBe(2);
    const counts = await officer.gql<{ householdCounts: { households: number; unit: { code: string } }[] }>(
      `{ householdCounts(unitCode: "20209") { households unit { code } } }`,
    );
    expect(counts.data!.householdCounts.map((c) => [c.unit.code, c.households]).sort()).toEqual([
      ['20209-01', 412],
      ['20209-02', 388],
    ]);
  });
  it("keeps a household on the group's follow-up worklist until a later entry by any group settles it", async () => {
    const FOLLOW_UPS = `query($g: UUID!, $first: Int, $after: String) { followUps(groupId: $g, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id waitingSince lastVisitOn household { kind maskedLabel } unit { id } services { service reason markedOn byOtherGroup } } } } }`;
    type FollowUps = {
      followUps: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: {
          node: {
            id: string;
            waitingSince: string;
            lastVisitOn: string;
            household: { kind: string; maskedLabel: string };
            unit: { id: string };
            services: { service: string; reason: string; markedOn: string; byOtherGroup: boolean }[];
          };
        }[];
      };
    };
    const logged = async (caller: TestUser, p: Place, entries: Record<string, unknown>[]) => {
      const res = await caller.gql<LogResult>(LOG, { input: { groupId: p.groupId, entries: entries.map((e) => entry(p, e)) } });
      expect(res.errors).toBeUndefined();
      expect(res.data!.logAssists.rejected).toBe(0);
      const ids = res.data!.logAssists.entries.map((e) => e.entryId!);
      const rows = await t.db.query<{ id: string; household_id: string }>(`SELECT id, household_id FROM assist_entry WHERE id = ANY($1)`, [ids]);
      return ids.map((id) => rows.find((r) => r.id === id)!.household_id);
    };
    const worklist = async (caller: TestUser, p: Place) => {
      const res = await caller.gql<FollowUps>(FOLLOW_UPS, { g: p.groupId, first: 100 });
      expect(res.errors).toBeUndefined();
      return res.data!.followUps;
    };
    const code = () => `4820${Math.floor(Math.random() * 1e9)}`;
    const [c1, c2, c3] = [code(), code(), code()];
    const followUp = (service: string, reason: string) => ({ service, outcome: 'FOLLOW_UP', reason });
    const done = (service: string) => ({ service, outcome: 'DONE' });
    // Group A marks three households; B had already helped the third one with that service, before A's visit.
    await logged(officer, b, [{ household: { code: c3 }, services: [done('VNEID_ACCOUNT')], occurredAt: '2026-10-01T08:00' }]);
    const [h1, h2, h3] = await logged(lead, a, [
      { household: { code: c1 }, services: [followUp('VNEID_ACCOUNT', 'NO_SMARTPHONE'), done('PORTAL_ACCOUNT')], occurredAt: '2026-10-05T09:00' },
      { household: { code: c2 }, services: [followUp('CASHLESS_PAYMENT', 'MISSING_DOCUMENTS')], occurredAt: '2026-10-03T09:00' },
      { household: { code: c3 }, services: [followUp('VNEID_ACCOUNT', 'NO_SIGNAL')], occurredAt: '2026-10-07T09:00' },
    ]);
    const [h4] = await logged(lead, a, [{ household: { code: code() }, services: [followUp('EHEALTH_RECORD', 'DECLINED')], occurredAt: '2026-10-02T09:00' }]);
    // A wrong entry, voided: it leaves nothing open.
    const [wrong] = await lead
      .gql<LogResult>(LOG, {
        input: { groupId: a.groupId, entries: [entry(a, { household: { code: code() }, services: [followUp('OTHER', 'OTHER')] })] },
      })
      .then((r) => r.data!.logAssists.entries);
    expect((await lead.gql(`mutation($id: UUID!) { voidAssistEntry(id: $id, reason: "ghi nhầm hộ") { id } }`, { id: wrong.entryId })).errors).toBeUndefined();

    let list = await worklist(lead, a);
    const mine = (l: FollowUps['followUps']) => l.edges.map((e) => e.node).filter((n) => [h1, h2, h3, h4].includes(n.id));
    // Longest waiting first; each with its open services and reasons; the done service is not listed.
    expect(mine(list).map((n) => [n.id, n.waitingSince, n.services.map((s) => `${s.service}:${s.reason}`).join()])).toEqual([
      [h4, '2026-10-02', 'EHEALTH_RECORD:DECLINED'],
      [h2, '2026-10-03', 'CASHLESS_PAYMENT:MISSING_DOCUMENTS'],
      [h1, '2026-10-05', 'VNEID_ACCOUNT:NO_SMARTPHONE'],
      [h3, '2026-10-07', 'VNEID_ACCOUNT:NO_SIGNAL'],
    ]);
    expect(mine(list).find((n) => n.id === h1)!.household).toEqual({ kind: 'CODE', maskedLabel: expect.stringMatching(/^Mã hộ …\d{3}\b/) });
    expect(list.edges.some((e) => e.node.services.length === 0)).toBe(false);

    // B visits the first household later and gets it done: it leaves A's list. B's visit to the second one leaves it
    // open with B's reason. A re-visit of the fourth that is dated before A's visit settles nothing.
    await logged(officer, b, [
      { household: { code: c1 }, services: [done('VNEID_ACCOUNT')], occurredAt: '2026-10-20T10:00' },
      { household: { code: c2 }, services: [followUp('CASHLESS_PAYMENT', 'NO_SIGNAL')], occurredAt: '2026-10-21T10:00' },
    ]);
    list = await worklist(lead, a);
    expect(mine(list).map((n) => n.id)).toEqual([h4, h3, h2]); // the re-marked one now waits from its latest visit
    expect(mine(list).find((n) => n.id === h2)).toMatchObject({
      waitingSince: '2026-10-21',
      lastVisitOn: '2026-10-21',
      services: [{ service: 'CASHLESS_PAYMENT', reason: 'NO_SIGNAL', markedOn: '2026-10-21', byOtherGroup: true }],
    });
    // B's own worklist holds only what B marked itself.
    const theirs = await worklist(officer, b);
    expect(theirs.edges.map((e) => e.node.id).filter((id) => [h1, h3, h4].includes(id))).toEqual([]);
    expect(theirs.edges.map((e) => e.node.id)).toContain(h2);

    // Voiding the settling entry reopens the household.
    const [settling] = await t.db.query<{ id: string }>(`SELECT id FROM assist_entry WHERE household_id = $1 AND group_id = $2`, [h1, b.groupId]);
    expect((await officer.gql(`mutation($id: UUID!) { voidAssistEntry(id: $id, reason: "nhầm hộ") { id } }`, { id: settling.id })).errors).toBeUndefined();
    expect(mine(await worklist(lead, a)).map((n) => n.id)).toEqual([h4, h1, h3, h2]);

    // Paging: one at a time, in the same order.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res: GqlResponse<FollowUps> = await lead.gql<FollowUps>(FOLLOW_UPS, { g: a.groupId, first: 1, after });
      seen.push(res.data!.followUps.edges[0].node.id);
      after = res.data!.followUps.pageInfo.hasNextPage ? res.data!.followUps.pageInfo.endCursor : null;
    } while (after);
    expect(seen.filter((id) => [h1, h2, h3, h4].includes(id))).toEqual([h4, h1, h3, h2]);
    // A lead reads only their own group's worklist.
    expect((await lead.gql(FOLLOW_UPS, { g: b.groupId })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
