import { Actor } from '@cdtg/access';
import { UsersService } from '@cdtg/accounts';
import { AssistCorrectionService, checkEntry, EntryContext } from '@cdtg/assists';
import { DirectoryService } from '@cdtg/directory';
import { DomainError, ErrorCode, Reason } from '@cdtg/errors';
import { AssignmentService, AttendanceService, SessionService } from '@cdtg/sessions';
import { TestClock, vietnamDate } from '@cdtg/time';

/**
 * Every free-text field that may hold a citizen's data refuses a national ID or phone number, naming the field, before
 * anything is read or written: the list in libs/text/src/personal-data.ts, called one by one. The services get
 * stand-ins that fail the test if reached (the database included), so a field whose check is missing or comes too late
 * fails here. (Through GraphQL, with the database: test/e2e/personal-data.e2e-spec.ts.)
 */

/** A dependency the check must come before: any use of it fails the test. */
const unreachable = <T>(name: string): T =>
  new Proxy(
    {},
    {
      get: (_, property) => {
        if (property === 'then') return undefined;
        throw new Error(`${name}.${String(property)} was reached: the text was not refused first`);
      },
    },
  ) as T;

const actor = { userId: '00000000-0000-4000-8000-000000000001', label: 'test' };
const ID = '00000000-0000-4000-8000-0000000000aa';
const CCCD = 'Chủ hộ CCCD 048.095.001.234';
const PHONE = 'gọi lại ０９０５ １２３ ４５６';
/** Not a dependency with effects: a fixed time, so every run asks the same questions. */
const clock = new TestClock('2026-11-20T02:00:00Z');
const inDays = (n: number) => vietnamDate(new Date(clock.now().getTime() + n * 86_400_000));

const sessions = () =>
  new SessionService(
    unreachable('dataSource'),
    unreachable('repository'),
    unreachable('directory'),
    { validate: async (codes: string[]) => codes } as never,
    unreachable('notices'),
    unreachable('audit'),
    unreachable('changes'),
    clock,
  );
const plan = (overrides: Record<string, unknown>) =>
  sessions().plan(actor, {
    groupId: ID,
    unitId: ID,
    title: 'Kích hoạt VNeID',
    topics: ['vneid'],
    startsAt: `${inDays(5)}T08:00`,
    endsAt: `${inDays(5)}T10:00`,
    place: 'Nhà văn hóa tổ 5',
    capacity: 30,
    ...overrides,
  });

/** The refusal `run` ends with: INVALID_INPUT, on `path` only, saying what was found. */
async function refusal(run: () => unknown): Promise<{ code: ErrorCode; paths: (string | number)[][]; message: string; reasons: (Reason | undefined)[] }> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return {
      code: error.code,
      paths: error.fields.map((f) => f.path),
      message: error.fields.map((f) => f.message).join('; '),
      reasons: error.fields.map((f) => f.reason),
    };
  }
  throw new Error('not refused');
}

const FIELDS: [string, () => unknown, (string | number)[]][] = [
  [
    'correction reason',
    () =>
      new AssistCorrectionService(
        unreachable('dataSource'),
        unreachable('repository'),
        unreachable('contexts'),
        unreachable('keyring'),
        unreachable('audit'),
        unreachable('changes'),
      ).amend(actor, ID, { reason: CCCD }),
    ['input', 'reason'],
  ],
  [
    'void reason',
    () =>
      new AssistCorrectionService(
        unreachable('dataSource'),
        unreachable('repository'),
        unreachable('contexts'),
        unreachable('keyring'),
        unreachable('audit'),
        unreachable('changes'),
      ).void(actor, ID, PHONE),
    ['reason'],
  ],
  ['session title', () => plan({ title: `Buổi học ${CCCD}` }), ['input', 'title']],
  ['session notes', () => plan({ notes: PHONE }), ['input', 'notes']],
  ['session place', () => plan({ place: `Nhà ông Ba, ${PHONE}` }), ['input', 'place']],
  ['session title, changed', () => sessions().updateDetails(actor, ID, { title: `Buổi học ${PHONE}` }), ['input', 'title']],
  ['session notes, changed', () => sessions().updateDetails(actor, ID, { notes: CCCD }), ['input', 'notes']],
  ['new place', () => sessions().reschedule(actor, ID, { place: `Nhà ông Ba, ${PHONE}` }), ['input', 'place']],
  ['reschedule reason', () => sessions().reschedule(actor, ID, { startsAt: `${inDays(6)}T08:00`, reason: CCCD }), ['input', 'reason']],
  ['cancellation reason', () => sessions().cancel(actor, ID, `Chủ nhà báo bận, ${PHONE}`), ['reason']],
  [
    'attendance note',
    () =>
      new AttendanceService(unreachable('dataSource'), unreachable('repository'), unreachable('audit'), unreachable('changes'), clock).log(actor, ID, {
        femaleUnder35: 1,
        female35To59: 0,
        female60Plus: 0,
        maleUnder35: 0,
        male35To59: 0,
        male60Plus: 0,
        note: CCCD,
      }),
    ['input', 'note'],
  ],
  [
    'withdrawal reason',
    () =>
      new AssignmentService(
        unreachable('dataSource'),
        unreachable('repository'),
        unreachable('sessions'),
        unreachable('topics'),
        unreachable('notices'),
        unreachable('audit'),
        unreachable('changes'),
        clock,
      ).withdraw(actor, ID, PHONE),
    ['reason'],
  ],
  [
    'decline reason',
    () =>
      new AssignmentService(
        unreachable('dataSource'),
        unreachable('repository'),
        unreachable('sessions'),
        unreachable('topics'),
        unreachable('notices'),
        unreachable('audit'),
        unreachable('changes'),
        clock,
      ).respond(actor, ID, { accept: false, reason: `Bận, gọi ${PHONE}` }),
    ['input', 'reason'],
  ],
  [
    'member full name',
    () =>
      new DirectoryService(
        unreachable('dataSource'),
        unreachable('repository'),
        unreachable('geography'),
        unreachable('audit'),
        unreachable('access'),
        clock,
      ).memberFields({ fullName: 'Nguyễn Văn An 201 234 567', phone: '0905 400 001' }),
    ['input', 'fullName'],
  ],
  [
    'member full name in a CSV row',
    () =>
      new DirectoryService(
        unreachable('dataSource'),
        unreachable('repository'),
        unreachable('geography'),
        unreachable('audit'),
        unreachable('access'),
        clock,
      ).memberFields({ fullName: 'Nguyễn Văn An 201 234 567', phone: '0905 400 001' }, 'row', new Set()),
    ['row', 'fullName'],
  ],
  [
    'group name',
    () =>
      new DirectoryService(
        unreachable('dataSource'),
        unreachable('repository'),
        unreachable('geography'),
        unreachable('audit'),
        unreachable('access'),
        clock,
      ).groupFields({ name: `Tổ CNSCĐ liên hệ ${PHONE}` }),
    ['input', 'name'],
  ],
  [
    'grant revocation reason',
    () =>
      new UsersService(
        unreachable('dataSource'),
        unreachable('auth'),
        unreachable('grants'),
        unreachable('notifications'),
        unreachable('audit'),
        unreachable('access'),
        clock,
      ).revokeGrant(actor as Actor, ID, `Nghỉ việc, ${PHONE}`),
    ['reason'],
  ],
];

describe("free-text fields refuse citizens' ID and phone numbers", () => {
  it.each(FIELDS)('%s', async (_, run, path) => {
    const refused = await refusal(run);
    expect(refused.code).toBe(ErrorCode.InvalidInput);
    expect(refused.paths).toEqual([path]);
    expect(refused.message).toMatch(/national ID number|phone number/);
    expect([[Reason.HoldsIdNumber], [Reason.HoldsPhoneNumber]]).toContainEqual(refused.reasons);
  });

  it('assistance entry notes (logged and amended entries go through checkEntry)', () => {
    const ctx: EntryContext = {
      group: { id: ID, status: 'active', dissolvedOn: null },
      units: new Map(),
      memberships: new Map(),
      sessions: new Map(),
      now: clock.now(),
    };
    const checked = checkEntry({ clientId: 'client-0001', unitId: ID, services: [], volunteerIds: [], occurredAt: '2026-01-01T08:00', note: CCCD }, ctx, [
      'input',
      'entries',
      4,
    ]);
    expect('problems' in checked && checked.problems.filter((p) => p.path.at(-1) === 'note')).toEqual([
      { path: ['input', 'entries', 4, 'note'], message: expect.stringContaining('national ID number'), reason: Reason.HoldsIdNumber },
    ]);
  });

  it('lets ordinary text through to the next step', async () => {
    // The same calls with clean text get past the check and reach their first dependency.
    await expect(sessions().cancel(actor, ID, 'Mưa bão, dời sang 15/12/2025 lúc 08:00; 12 hộ đăng ký')).rejects.toThrow('dataSource.transaction was reached');
    await expect(
      new AttendanceService(unreachable('dataSource'), unreachable('repository'), unreachable('audit'), unreachable('changes'), clock).log(actor, ID, {
        femaleUnder35: 1,
        female35To59: 0,
        female60Plus: 0,
        maleUnder35: 0,
        male35To59: 0,
        male60Plus: 0,
        note: 'Thu 1.500.000 đ; 25 người, 2 hộ',
      }),
    ).rejects.toThrow('was reached');
  });
});
