import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  GraphQLArgument,
  GraphQLEnumType,
  GraphQLField,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  isCompositeType,
} from 'graphql';
import { Role } from '@cdtg/access';
import type { TestApp } from '../support/app';
import { createUser } from '../support/users';

/** Text that breaks naive code: Vietnamese, emoji, control characters, bidi overrides, formulas, SQL, odd dates, 100 KB. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  'Nguyễn Thị Hồng Nhung',
  'Phường Hải Châu, TP Đà Nẵng',
  'Ủy ban nhân dân xã Hòa Vang – tổ 5/12 «ấp»',
  '👨‍👩‍👧‍👦🇻🇳🙏',
  '\u0000',
  'tổ\u00005',
  '\t\r\n\u0007\u001b[31m',
  '\u202eevil\u202c',
  '\ud800',
  "'; DROP TABLE member; --",
  "=cmd|' /C calc'!A0",
  '+84 905 123 456',
  '079095012345',
  '0000-00-00',
  '2026-02-30',
  '9999-12-31',
  '-271821-04-20',
  '+275760-09-13T00:00:00Z',
  '2026-11-20T25:61',
  '1e400',
  'NaN',
  'null',
  'x'.repeat(100_000),
  'Ư'.repeat(50_000),
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.uuid() },
);
const hostileInt = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1, 500, 501, 2_147_483_647, -2_147_483_648));
/** Values of another type than the one declared: GraphQL must refuse them before any resolver runs. */
const wrongType = fc.oneof(fc.constantFrom(2 ** 53 + 2, 1e308, -1e308, 3.5, true, {}, [], [null], { $where: '1' }), fc.string({ maxLength: 5 }), fc.integer());

/** A value for a GraphQL input type: mostly well-typed but hostile, sometimes null, sometimes of another type. */
export function valueOf(type: GraphQLInputType, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const nonNull = type instanceof GraphQLNonNull;
  const inner = (nonNull ? type.ofType : type) as GraphQLInputType;
  const typed = typedValue(inner, ids, depth);
  return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: wrongType });
}

function typedValue(type: GraphQLInputType, ids: string[], depth: number): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLList) return fc.array(valueOf(type.ofType as GraphQLInputType, ids, depth + 1), { maxLength: depth > 1 ? 1 : 3 });
  if (type instanceof GraphQLEnumType)
    return fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) },
      { weight: 1, arbitrary: fc.constantFrom('UNKNOWN_VALUE', 'vi ', '') },
    );
  if (type instanceof GraphQLInputObjectType) {
    if (depth > 4) return fc.constant({});
    const fields = Object.values(type.getFields());
    const shape = Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, ids, depth + 1)]));
    const required = fields.filter((f) => f.type instanceof GraphQLNonNull).map((f) => f.name);
    // Required fields present most of the time (otherwise GraphQL refuses it up front and nothing deeper is exercised).
    return fc.oneof({ weight: 6, arbitrary: fc.record(shape, { requiredKeys: required }) }, { weight: 1, arbitrary: fc.record(shape, { requiredKeys: [] }) });
  }
  const scalar = (type as GraphQLScalarType).name;
  switch (scalar) {
    case 'String':
      return hostileString;
    case 'UUID':
      // Known ids in the spellings PostgreSQL accepts too (upper case, no dashes, braces): the scalar makes them one.
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ids) },
        { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => id.toUpperCase()) },
        { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => `{${id.replace(/-/g, '')}}`) },
        { weight: 1, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: hostileString },
      );
    case 'Int':
      return hostileInt;
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true }), hostileInt);
    case 'Boolean':
      return fc.boolean();
    default:
      // DateTime, JSON and other custom scalars: anything.
      return fc.oneof(
        hostileString,
        hostileInt,
        fc.constant({ a: [1, '\u0000'] }),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      );
  }
}

/** The fuzzer's app: fuzzed signIn calls fail from this address, so sign-in limits must not lock the fuzzer out. */
export const FUZZ_ENV = { SIGNIN_MAX_FAILURES_PER_ADDRESS: '1000', SIGNIN_MAX_FAILURES_PER_ACCOUNT: '1000' };

/** Tables whose row counts must not change when a mutation answers with an error (nothing half-written). */
const TABLES = [
  'admin_unit',
  'reorganisation',
  'reorganisation_link',
  'volunteer_group',
  'member',
  'membership',
  'skill',
  'directory_import',
  'user_account',
  'role_grant',
  'household',
  'household_key',
  'household_count',
  'assist_entry',
  'training_session',
  'session_assignment',
  'training_topic',
  'email_message',
  'outbox_message',
  'change_event',
  'audit_event',
  'coverage_export',
  'member_notice_preference',
  'notice',
  'notice_attempt',
  'notice_consent',
];

async function countRows(t: TestApp): Promise<Record<string, number>> {
  const [row] = await t.db.query<Record<string, number>>(`SELECT ${TABLES.map((name) => `(SELECT count(*)::int FROM ${name}) AS ${name}`).join(', ')}`);
  return row;
}

export interface FuzzReport {
  mutations: number;
  calls: number;
  successes: number;
  /** Answers by extensions.code (or HTTP status for answers without one). */
  codes: Record<string, number>;
}

/**
 * Every mutation of the schema, read from schema.graphql (a service test keeps it equal to the running schema): a new
 * mutation cannot escape the fuzzer.
 */
export function mutationFields(): GraphQLField<unknown, unknown>[] {
  const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));
  return Object.values(schema.getMutationType()!.getFields());
}

function documentFor(field: GraphQLField<unknown, unknown>): string {
  const typeName = (arg: GraphQLArgument) => String(arg.type);
  const variables = field.args.map((a) => `$${a.name}: ${typeName(a)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `mutation Fuzz${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

/**
 * Calls every mutation `runs` times with generated arguments as an administrator and checks each answer: a success
 * or a typed GraphQL error, never an internal error or an HTTP 5xx; and an answer that is an error wrote nothing.
 * With a worker running, pass `settle` (wait for the queue to drain): no job may change row counts behind its back.
 */
export async function fuzzMutations(
  t: TestApp,
  ids: string[],
  runs: number,
  seed?: number,
  options: { settle?: () => Promise<void> } = {},
): Promise<FuzzReport> {
  // With a worker running, jobs write rows too: the counts are taken once the queue has settled.
  const rowCounts = async (app: TestApp) => {
    await options.settle?.();
    return countRows(app);
  };
  const fields = mutationFields();
  const report: FuzzReport = { mutations: fields.length, calls: 0, successes: 0, codes: {} };
  let n = 0;
  let admin = await createUser(t, { email: `fuzz.${n++}@cdtg.test`, role: Role.Admin });
  for (const field of fields) {
    const document = documentFor(field);
    const args = fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueOf(a.type, ids)])), { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(args, async (variables) => {
        let before = await rowCounts(t);
        let res = await admin.gql<Record<string, unknown>>(document, variables);
        if (res.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && field.name !== 'signOut') {
          // An earlier call (signOut, changePassword, a disabled account…) ended the session: sign in again and repeat.
          admin = await createUser(t, { email: `fuzz.${n++}@cdtg.test`, role: Role.Admin });
          before = await rowCounts(t);
          res = await admin.gql<Record<string, unknown>>(document, variables);
        }
        report.calls++;
        const code = res.errors?.[0]?.extensions?.code ?? (res.errors ? `HTTP_${res.status}` : 'OK');
        report.codes[code] = (report.codes[code] ?? 0) + 1;
        const where = `${field.name}(${JSON.stringify(variables).slice(0, 300)})`;
        if (res.status >= 500) throw new Error(`HTTP ${res.status} from ${where}`);
        const internal = res.errors?.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || !e.extensions?.code);
        if (internal) throw new Error(`untyped or internal error from ${where}: ${internal.message}`);
        if (res.errors) {
          const after = await rowCounts(t);
          const changed = TABLES.filter((name) => before[name] !== after[name]);
          if (changed.length) throw new Error(`${where} answered ${code} but changed ${changed.join(', ')}`);
        } else report.successes++;
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
  }
  return report;
}

/** A few real objects (a unit, a group, a member, an entry, a session, a user) so generated ids sometimes hit. */
export async function fuzzFixture(t: TestApp): Promise<string[]> {
  await t.gql(`mutation($csv: String!) { importUnits(input: { csv: $csv }) { created } }`, {
    csv: 'code,name,kind,type,parent_code,valid_from,valid_to\n98,Tỉnh Thử Mờ,province,Tỉnh,,2025-07-01,\n98001,Phường Thử Mờ,commune,Phường,98,2025-07-01,\n',
  });
  const [unit] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '98001'`);
  const group = await t.gql<{ createGroup: { id: string } }>(`mutation($u: UUID!) { createGroup(input: { unitId: $u, name: "Tổ Thử Mờ" }) { id } }`, {
    u: unit.id,
  });
  const groupId = group.data!.createGroup.id;
  const member = await t.gql<{ createMember: { id: string } }>(
    `mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Phạm Văn Mờ", phone: "0912 700 001", joinedOn: "2026-01-05", role: LEADER }) { id } }`,
    { g: groupId },
  );
  const memberId = member.data!.createMember.id;
  await t.gql(`mutation($input: LogAssistsInput!) { logAssists(input: $input) { created } }`, {
    input: {
      groupId,
      entries: [
        {
          clientId: 'fuzz-fixture-1',
          household: { code: 'HK-0001' },
          unitId: unit.id,
          services: [{ service: 'VNEID_ACCOUNT', outcome: 'DONE' }],
          volunteerIds: [memberId],
          occurredAt: '2026-11-02T09:00',
        },
      ],
    },
  });
  const start = new Date(Date.now() + 5 * 86_400_000);
  await t.gql(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
    input: {
      groupId,
      unitId: unit.id,
      title: 'Buổi thử mờ',
      topics: ['vneid'],
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3600_000).toISOString(),
      place: 'Nhà văn hóa',
      capacity: 20,
      trainerSlots: 2,
    },
  });
  const rows = await t.db.query<{ id: string }>(
    `SELECT id::text FROM admin_unit WHERE code LIKE '98%' UNION ALL SELECT id::text FROM volunteer_group UNION ALL SELECT id::text FROM member
     UNION ALL SELECT id::text FROM assist_entry UNION ALL SELECT id::text FROM training_session UNION ALL SELECT id::text FROM user_account`,
  );
  return rows.map((r) => r.id);
}
