import { randomUUID } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { GqlResponse, startTestApp, TestApp } from '../support/app';
import { createUser, TestUser } from '../support/users';

/**
 * The access matrix, generated over the whole schema: every query and mutation, for every role (and for a caller
 * who is not signed in), against an object inside the role's scope and one outside it. The expectations below are
 * the rules written out independently of the code's own table. An operation of the schema without a case
 * here fails the first test.
 */

type Place = 'in' | 'out';
type Caller = Role | 'anonymous';
const ALL_ROLES = [Role.Admin, Role.Department, Role.WardOfficer, Role.GroupLead, Role.Volunteer];

/** Who may, inside their scope and outside it. */
interface Expect {
  in: Role[];
  out: Role[];
}
const everyone: Expect = { in: ALL_ROLES, out: ALL_ROLES };
const adminOnly: Expect = { in: [Role.Admin], out: [Role.Admin] };
const readDirectory: Expect = { in: [Role.Admin, Role.Department, Role.WardOfficer, Role.GroupLead], out: [Role.Admin] };
const manageDirectory: Expect = { in: [Role.Admin, Role.WardOfficer], out: [Role.Admin] };
const manageAccounts: Expect = { in: [Role.Admin, Role.Department, Role.WardOfficer], out: [Role.Admin] };
const readAudit: Expect = { in: [Role.Admin, Role.Department], out: [Role.Admin] };
const readAssists: Expect = { in: [Role.Admin, Role.Department, Role.WardOfficer, Role.GroupLead], out: [Role.Admin] };
const logAssists: Expect = { in: [Role.Admin, Role.WardOfficer, Role.GroupLead], out: [Role.Admin] };
const verifyAssists: Expect = { in: [Role.Admin, Role.WardOfficer], out: [Role.Admin] };
const readCoverage: Expect = { in: [Role.Admin, Role.Department, Role.WardOfficer], out: [Role.Admin] };
const manageCounts: Expect = { in: [Role.Admin, Role.Department, Role.WardOfficer], out: [Role.Admin] };
const manageTargets: Expect = { in: [Role.Admin, Role.Department], out: [Role.Admin] };
// Sessions: department, officers and leads read; officers and leads plan and log; officers assign.
const readSessions: Expect = { in: [Role.Admin, Role.Department, Role.WardOfficer, Role.GroupLead], out: [Role.Admin] };
const manageSessions: Expect = { in: [Role.Admin, Role.WardOfficer, Role.GroupLead], out: [Role.Admin] };
const assignMembers: Expect = { in: [Role.Admin, Role.WardOfficer], out: [Role.Admin] };

/** The objects of one place (commune A inside; commune B or another province outside). */
interface PlaceObjects {
  unitCode: string;
  unitId: string;
  groupId: string;
  memberId: string;
  userId: string;
  importId: string;
  /** A coverage export asked for by the administrator. */
  exportId: string;
  entryId: string;
  clientId: string;
  /** A planned session of the place's group, held in its unit, with the place's member assigned. */
  sessionId: string;
  assignmentId: string;
}

interface World {
  t: TestApp;
  places: Record<'A' | 'B' | 'X', PlaceObjects>;
  /** Where "outside" is for a role: another commune for ward-level roles, another province for the department. */
  outside(role: Role): PlaceObjects;
  freshMember(p: PlaceObjects): Promise<string>;
  freshGrant(p: PlaceObjects): Promise<string>;
  freshEntry(p: PlaceObjects): Promise<string>;
  /** A new planned session of the place (to cancel, reschedule); `past` moves it to yesterday (to log attendance). */
  freshSession(p: PlaceObjects, past?: boolean): Promise<string>;
  freshAssignment(p: PlaceObjects): Promise<string>;
  caller: TestUser | null;
}

interface Case {
  /** public: the guard lets everyone through (the operation answers for itself); signed-in: any signed-in user. */
  rule: Expect | 'public' | 'signed-in';
  doc: string;
  vars?: (w: World, p: PlaceObjects) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Lists never refuse: they filter. Allowed means the place's object is in the answer. */
  listed?: (data: Record<string, unknown>, p: PlaceObjects) => boolean;
}

const ids = (data: Record<string, unknown>, field: string) => ((data[field] as { edges: { node: { id: string } }[] }).edges ?? []).map((e) => e.node.id);

const LOG_ASSISTS = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { entries { entryId problems { message } } } }`;
const LOG_ASSISTS_RESULT = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created entries { entryId problems { path message } } } }`;

/** A new entry of the place's group for its commune, helped by the place's member a moment ago. */
const assistEntry = (p: PlaceObjects) => ({
  clientId: randomUUID(),
  household: { address: `${Math.floor(Math.random() * 999) + 1} Trần Phú, tổ 3`, headName: 'Phạm Thị Hoa' },
  unitId: p.unitId,
  services: [{ service: 'VNEID_LEVEL_2', outcome: 'DONE' }],
  volunteerIds: [p.memberId],
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
});

const CASES: Record<string, Case> = {
  // Public and personal
  version: { rule: 'public', doc: `{ version }` },
  health: { rule: 'public', doc: `{ health { status } }` },
  signIn: { rule: 'public', doc: `mutation { signIn(input: { email: "nobody@cdtg.test", password: "wrong-password-1" }) { accessToken } }` },
  refreshSession: { rule: 'public', doc: `mutation { refreshSession(refreshToken: "not-a-real-refresh-token-0000000000") { accessToken } }` },
  requestSignInLink: { rule: 'public', doc: `mutation { requestSignInLink(email: "nobody@cdtg.test") }` },
  signInWithLink: { rule: 'public', doc: `mutation { signInWithLink(token: "not-a-real-link-token-000000000000") { accessToken } }` },
  acceptInvitation: {
    rule: 'public',
    doc: `mutation { acceptInvitation(input: { token: "not-a-real-link-token-000000000000", password: "Mật khẩu đủ dài 2026" }) { accessToken } }`,
  },
  requestPasswordReset: { rule: 'public', doc: `mutation { requestPasswordReset(email: "nobody@cdtg.test") }` },
  resetPassword: {
    rule: 'public',
    doc: `mutation { resetPassword(input: { token: "not-a-real-link-token-000000000000", password: "Mật khẩu đủ dài 2026" }) { accessToken } }`,
  },
  me: { rule: 'signed-in', doc: `{ me { id grants { role } } }` },
  updateMyProfile: { rule: 'signed-in', doc: `mutation { updateMyProfile(input: { language: VI }) { id } }` },
  changePassword: { rule: 'signed-in', doc: `mutation { changePassword(input: { currentPassword: "not-my-password", newPassword: "Mật khẩu mới đủ dài" }) }` },
  signOut: { rule: 'signed-in', doc: `mutation { signOut }` },

  // Reference data
  unit: { rule: everyone, doc: `query($c: String!) { unit(code: $c) { id } }`, vars: (_, p) => ({ c: p.unitCode }) },
  unitVersions: { rule: everyone, doc: `query($c: String!) { unitVersions(code: $c) { id } }`, vars: (_, p) => ({ c: p.unitCode }) },
  unitChildren: { rule: everyone, doc: `query($c: String!) { unitChildren(code: $c) { id } }`, vars: (_, p) => ({ c: p.unitCode }) },
  unitSubtree: { rule: everyone, doc: `query($c: String!) { unitSubtree(code: $c) { id } }`, vars: (_, p) => ({ c: p.unitCode }) },
  exportUnitsCsv: { rule: everyone, doc: `{ exportUnitsCsv }` },
  exportReorganisationsCsv: { rule: everyone, doc: `{ exportReorganisationsCsv }` },
  skills: { rule: everyone, doc: `{ skills { code } }` },

  // Geography and operations (admin)
  importUnits: { rule: adminOnly, doc: `mutation { importUnits(input: { csv: "code,name,kind,type,parent_code,valid_from,valid_to\\n" }) { created } }` },
  importReorganisations: {
    rule: adminOnly,
    doc: `mutation { importReorganisations(input: { csv: "effective_date,old_code,old_name,new_code,new_name,share\\n" }) { created } }`,
  },
  sendTestEmail: { rule: adminOnly, doc: `mutation { sendTestEmail(input: { to: "ops@cdtg.test" }) { id } }` },

  // Directory
  groups: {
    rule: readDirectory,
    doc: `{ groups(first: 100, filter: { search: "Tổ kiểm thử" }) { edges { node { id } } } }`,
    listed: (d, p) => ids(d, 'groups').includes(p.groupId),
  },
  group: { rule: readDirectory, doc: `query($id: UUID!) { group(id: $id) { id members { member { id } } } }`, vars: (_, p) => ({ id: p.groupId }) },
  members: {
    rule: readDirectory,
    doc: `{ members(first: 100, filter: { search: "Người kiểm thử" }) { edges { node { id } } } }`,
    listed: (d, p) => ids(d, 'members').includes(p.memberId),
  },
  member: { rule: readDirectory, doc: `query($id: UUID!) { member(id: $id) { id history { group { id } } } }`, vars: (_, p) => ({ id: p.memberId }) },
  createGroup: {
    rule: manageDirectory,
    doc: `mutation($u: UUID!, $n: String!) { createGroup(input: { unitId: $u, name: $n }) { id } }`,
    vars: (_, p) => ({ u: p.unitId, n: `Tổ mới ${Math.random().toString(36).slice(2)}` }),
  },
  updateGroup: {
    rule: manageDirectory,
    doc: `mutation($id: UUID!) { updateGroup(id: $id, input: { decisionNumber: "01/QĐ" }) { id } }`,
    vars: (_, p) => ({ id: p.groupId }),
  },
  setGroupStatus: {
    rule: manageDirectory,
    doc: `mutation($id: UUID!) { setGroupStatus(id: $id, status: ACTIVE) { id } }`,
    vars: (_, p) => ({ id: p.groupId }),
  },
  createMember: {
    rule: manageDirectory,
    doc: `mutation($g: UUID!, $phone: String!) { createMember(input: { groupId: $g, fullName: "Người kiểm thử mới", phone: $phone }) { id } }`,
    vars: (_, p) => ({ g: p.groupId, phone: freshPhone() }),
  },
  updateMember: {
    rule: manageDirectory,
    doc: `mutation($id: UUID!) { updateMember(id: $id, input: { birthYear: 1990 }) { id } }`,
    vars: (_, p) => ({ id: p.memberId }),
  },
  moveMember: {
    rule: manageDirectory,
    doc: `mutation($m: UUID!, $g: UUID!) { moveMember(input: { memberId: $m, groupId: $g, role: MEMBER }) { id } }`,
    vars: async (w, p) => ({ m: await w.freshMember(p), g: p.groupId }),
  },
  deactivateMember: {
    rule: manageDirectory,
    doc: `mutation($id: UUID!) { deactivateMember(id: $id) { id } }`,
    vars: async (w, p) => ({ id: await w.freshMember(p) }),
  },
  importDirectoryCsv: {
    rule: { in: [Role.Admin, Role.WardOfficer], out: [Role.Admin, Role.WardOfficer] }, // no target: rows outside are refused row by row
    doc: `mutation { importDirectoryCsv(input: { kind: GROUPS, csv: "unit_code,name\\n" }) { id } }`,
  },
  directoryImport: { rule: adminOnly, doc: `query($id: UUID!) { directoryImport(id: $id) { id } }`, vars: (_, p) => ({ id: p.importId }) }, // others: only their own imports

  // Notices: a member's preferences and consent (as the member's directory record); the delivery figures (operators)
  memberNotices: { rule: readDirectory, doc: `query($m: UUID!) { memberNotices(memberId: $m) { memberId } }`, vars: (_, p) => ({ m: p.memberId }) },
  recordNoticeConsent: {
    rule: manageDirectory,
    doc: `mutation($m: UUID!) { recordNoticeConsent(input: { memberId: $m, channel: SMS, granted: true, source: PAPER_FORM }) { memberId } }`,
    vars: (_, p) => ({ m: p.memberId }),
  },
  setPreferredNoticeChannel: {
    rule: manageDirectory,
    doc: `mutation($m: UUID!) { setPreferredNoticeChannel(memberId: $m, channel: SMS) { memberId } }`,
    vars: (_, p) => ({ m: p.memberId }),
  },
  noticeDelivery: { rule: adminOnly, doc: `{ noticeDelivery(days: 1) { channel sent } }` },

  // Accounts
  users: {
    rule: manageAccounts,
    doc: `{ users(first: 100, filter: { search: "kiem thu" }) { edges { node { id } } } }`,
    listed: (d, p) => ids(d, 'users').includes(p.userId),
  },
  user: { rule: manageAccounts, doc: `query($id: UUID!) { user(id: $id) { id grants { role } } }`, vars: (_, p) => ({ id: p.userId }) },
  inviteUser: {
    rule: manageAccounts,
    doc: `mutation($e: String!, $g: UUID!) { inviteUser(input: { email: $e, displayName: "Tình nguyện viên mới", grants: [{ role: VOLUNTEER, groupId: $g }] }) { id } }`,
    vars: (_, p) => ({ e: `moi-${Math.random().toString(36).slice(2)}@cdtg.test`, g: p.groupId }),
  },
  grantRoles: {
    rule: manageAccounts,
    doc: `mutation($u: UUID!, $g: UUID!) { grantRoles(userId: $u, grants: [{ role: GROUP_LEAD, groupId: $g }]) { id } }`,
    vars: (_, p) => ({ u: p.userId, g: p.groupId }),
  },
  revokeGrant: { rule: manageAccounts, doc: `mutation($id: UUID!) { revokeGrant(id: $id) { id } }`, vars: async (w, p) => ({ id: await w.freshGrant(p) }) },
  setUserStatus: { rule: manageAccounts, doc: `mutation($id: UUID!) { setUserStatus(id: $id, status: DISABLED) { id } }`, vars: (_, p) => ({ id: p.userId }) },

  // Household assistance log
  assistEntries: {
    rule: readAssists,
    doc: `{ assistEntries(first: 100) { edges { node { id } } } }`,
    listed: (d, p) => ids(d, 'assistEntries').includes(p.entryId),
  },
  assistEntry: {
    rule: readAssists,
    doc: `query($id: UUID!) { assistEntry(id: $id) { id household { maskedLabel } volunteers { id } history { id } } }`,
    vars: (_, p) => ({ id: p.entryId }),
  },
  assistClientIds: {
    rule: logAssists,
    doc: `query($c: [String!]!) { assistClientIds(clientIds: $c) }`,
    vars: (_, p) => ({ c: [p.clientId] }),
    listed: (d, p) => (d.assistClientIds as string[]).includes(p.clientId),
  },
  followUps: {
    rule: logAssists,
    doc: `query($g: UUID!) { followUps(groupId: $g) { totalCount edges { node { id household { maskedLabel } unit { id } services { service } } } } }`,
    vars: (_, p) => ({ g: p.groupId }),
  },
  logAssists: { rule: logAssists, doc: LOG_ASSISTS, vars: (_, p) => ({ input: { groupId: p.groupId, entries: [assistEntry(p)] } }) },
  amendAssistEntry: {
    rule: logAssists,
    doc: `mutation($id: UUID!) { amendAssistEntry(id: $id, input: { note: "Đã kiểm tra lại", reason: "bổ sung ghi chú" }) { id } }`,
    vars: (_, p) => ({ id: p.entryId }),
  },
  voidAssistEntry: {
    rule: logAssists,
    doc: `mutation($id: UUID!) { voidAssistEntry(id: $id, reason: "ghi nhầm") { id } }`,
    vars: async (w, p) => ({ id: await w.freshEntry(p) }),
  },
  verifyAssistEntries: {
    rule: verifyAssists,
    doc: `mutation($ids: [UUID!]!) { verifyAssistEntries(ids: $ids) { id } }`,
    vars: (_, p) => ({ ids: [p.entryId] }),
  },
  householdCounts: {
    rule: manageCounts,
    doc: `query($c: String!) { householdCounts(unitCode: $c) { households } }`,
    vars: (_, p) => ({ c: p.unitCode }),
    listed: (d) => (d.householdCounts as unknown[]).length > 0,
  },
  setHouseholdCount: {
    rule: manageCounts,
    doc: `mutation($u: UUID!) { setHouseholdCount(input: { unitId: $u, asOf: "2026-01-01", households: 1200 }) { households } }`,
    vars: (_, p) => ({ u: p.unitId }),
  },
  importHouseholdCounts: {
    rule: { in: [Role.Admin, Role.Department, Role.WardOfficer], out: [Role.Admin, Role.Department, Role.WardOfficer] }, // rows outside are refused row by row
    doc: `mutation { importHouseholdCounts(input: { csv: "unit_code,as_of,households\\n" }) { created } }`,
  },

  // Training sessions
  trainingTopics: { rule: everyone, doc: `{ trainingTopics { code } }` },
  sessions: {
    rule: readSessions,
    doc: `{ sessions(first: 100, filter: { search: "Buổi kiểm thử" }) { edges { node { id assignments { id member { id } } } } } }`,
    listed: (d, p) => ids(d, 'sessions').includes(p.sessionId),
  },
  session: {
    rule: readSessions,
    doc: `query($id: UUID!) { session(id: $id) { id group { id } assignments { id member { id } } } }`,
    vars: (_, p) => ({ id: p.sessionId }),
  },
  memberAgenda: { rule: readSessions, doc: `query($m: UUID!) { memberAgenda(memberId: $m) { id session { id } } }`, vars: (_, p) => ({ m: p.memberId }) },
  myAgenda: { rule: 'signed-in', doc: `{ myAgenda { calendarFeedUrl assignments { id } } }` },
  sessionSuggestions: {
    rule: assignMembers,
    doc: `query($s: UUID!) { sessionSuggestions(sessionId: $s) { score member { id } } }`,
    vars: (_, p) => ({ s: p.sessionId }),
  },
  planSession: {
    rule: manageSessions,
    doc: `mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`,
    vars: (_, p) => ({ input: sessionInput(p, 'Buổi mới') }),
  },
  updateSessionDetails: {
    rule: manageSessions,
    doc: `mutation($id: UUID!) { updateSessionDetails(id: $id, input: { notes: "Mang theo CCCD" }) { id } }`,
    vars: (_, p) => ({ id: p.sessionId }),
  },
  rescheduleSession: {
    rule: manageSessions,
    doc: `mutation($id: UUID!) { rescheduleSession(id: $id, input: { place: "Hội trường UBND", reason: "Đổi chỗ" }) { id } }`,
    vars: async (w, p) => ({ id: await w.freshSession(p) }),
  },
  cancelSession: {
    rule: manageSessions,
    doc: `mutation($id: UUID!) { cancelSession(id: $id, reason: "Trùng lịch") { id } }`,
    vars: async (w, p) => ({ id: await w.freshSession(p) }),
  },
  logAttendance: {
    rule: manageSessions,
    doc: `mutation($id: UUID!) { logAttendance(sessionId: $id, input: { femaleUnder35: 1, female35To59: 2, female60Plus: 3, maleUnder35: 0, male35To59: 1, male60Plus: 2 }) { status } }`,
    vars: async (w, p) => ({ id: await w.freshSession(p, true) }),
  },
  assignMember: {
    rule: assignMembers,
    doc: `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: SUPPORTER }) { id } }`,
    vars: async (w, p) => ({ s: p.sessionId, m: await w.freshMember(p) }),
  },
  withdrawAssignment: {
    rule: assignMembers,
    doc: `mutation($id: UUID!) { withdrawAssignment(id: $id) { id } }`,
    vars: async (w, p) => ({ id: await w.freshAssignment(p) }),
  },
  recordAssignmentResponse: {
    rule: assignMembers,
    doc: `mutation($id: UUID!) { recordAssignmentResponse(input: { assignmentId: $id, accept: true }) { status } }`,
    vars: (_, p) => ({ id: p.assignmentId }),
  },
  // Only one's own assignment (as a member): anyone else's is NOT_FOUND, never FORBIDDEN.
  respondToAssignment: {
    rule: 'signed-in',
    doc: `mutation($id: UUID!) { respondToAssignment(input: { assignmentId: $id, accept: true }) { status } }`,
    vars: (_, p) => ({ id: p.assignmentId }),
  },

  // Coverage rollups
  coverage: {
    rule: readCoverage,
    doc: `query($c: String!) { coverage(unitCode: $c, level: COMMUNE, period: CUMULATIVE) { rows { householdsReached } } }`,
    vars: (_, p) => ({ c: p.unitCode }),
  },
  lowestCoverage: {
    rule: readCoverage,
    doc: `query($c: String!) { lowestCoverage(unitCode: $c, level: COMMUNE) { rows { coveragePercent } } }`,
    vars: (_, p) => ({ c: p.unitCode }),
  },
  exportCoverage: {
    rule: readCoverage,
    doc: `mutation($c: String!) { exportCoverage(unitCode: $c, level: COMMUNE, period: MONTH, format: CSV) { id } }`,
    vars: (_, p) => ({ c: p.unitCode }),
  },
  targetMeasures: {
    rule: { in: [Role.Admin, Role.Department, Role.WardOfficer], out: [Role.Admin, Role.Department, Role.WardOfficer] },
    doc: `{ targetMeasures { key } }`,
  },
  targets: {
    rule: readCoverage,
    doc: `query($c: String!) { targets(unitCode: $c, period: MONTH, periodStart: "2026-10-01") { targets { value } } }`,
    vars: (_, p) => ({ c: p.unitCode }),
  },
  setTarget: {
    rule: manageTargets,
    doc: `mutation($u: UUID!) { setTarget(input: { unitId: $u, measure: "coverage", period: MONTH, periodStart: "2026-10-01", value: 60 }) { value } }`,
    vars: (_, p) => ({ u: p.unitId }),
  },
  importTargets: {
    rule: { in: [Role.Admin, Role.Department], out: [Role.Admin, Role.Department] }, // rows outside are refused row by row
    doc: `mutation { importTargets(input: { csv: "unit_code,measure,period,period_start,target\\n" }) { created } }`,
  },
  coverageExport: { rule: adminOnly, doc: `query($id: UUID!) { coverageExport(id: $id) { id status } }`, vars: (_, p) => ({ id: p.exportId }) }, // others: only their own exports
  coverageTrend: {
    rule: readCoverage,
    doc: `query($c: String!) { coverageTrend(unitCode: $c, period: MONTH) { rows { entries } } }`,
    vars: (_, p) => ({ c: p.unitCode }),
  },

  // Audit
  auditEvents: {
    rule: readAudit,
    doc: `query($g: String!) { auditEvents(first: 100, filter: { objectType: "group", objectId: $g }) { edges { node { id } } } }`,
    vars: (_, p) => ({ g: p.groupId }),
    listed: (d) => ids(d, 'auditEvents').length > 0,
  },
};

/**
 * Writes on an object inside the caller's scope that name another object through a second id argument: the named
 * object lies outside the scope (another commune for ward-level roles, another province for the department). Each
 * must be refused (an error, or the entry rejected), for every role that may make the write inside its scope.
 */
interface Reference {
  roles: Role[];
  doc: string;
  vars: (w: World, inside: PlaceObjects, outside: PlaceObjects) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Refused although the answer has no error (a batch rejects the entry). */
  rejected?: (data: Record<string, unknown>) => boolean;
}
const entryRejected = (field: string) => (d: Record<string, unknown>) => {
  const r = (d.logAssists ?? {}) as { created?: number; entries?: { problems: { path: string[] }[] }[] };
  return r.created === 0 && !!r.entries?.[0]?.problems.some((p) => p.path.includes(field));
};
const REFERENCES: Record<string, Reference> = {
  'moveMember: a member inside into a group outside': {
    roles: [Role.WardOfficer],
    doc: `mutation($m: UUID!, $g: UUID!) { moveMember(input: { memberId: $m, groupId: $g, role: MEMBER }) { id } }`,
    vars: async (w, inside, outside) => ({ m: await w.freshMember(inside), g: outside.groupId }),
  },
  'moveMember: a member outside into a group inside': {
    roles: [Role.WardOfficer],
    doc: `mutation($m: UUID!, $g: UUID!) { moveMember(input: { memberId: $m, groupId: $g, role: MEMBER }) { id } }`,
    vars: async (w, inside, outside) => ({ m: await w.freshMember(outside), g: inside.groupId }),
  },
  'inviteUser: as a member outside': {
    roles: [Role.Department, Role.WardOfficer],
    doc: `mutation($e: String!, $g: UUID!, $m: UUID!) { inviteUser(input: { email: $e, displayName: "Mạo danh", memberId: $m, grants: [{ role: VOLUNTEER, groupId: $g }] }) { id } }`,
    vars: async (w, inside, outside) => ({
      e: `mao-danh-${Math.random().toString(36).slice(2)}@cdtg.test`,
      g: inside.groupId,
      m: await w.freshMember(outside),
    }),
  },
  'inviteUser: the address of a pending invitee outside': {
    roles: [Role.Department, Role.WardOfficer],
    doc: `mutation($e: String!, $g: UUID!) { inviteUser(input: { email: $e, displayName: "Chiếm", grants: [{ role: VOLUNTEER, groupId: $g }] }) { id } }`,
    vars: (_, inside, outside) => ({ e: `kiem-thu-${outside.unitCode}@cdtg.test`, g: inside.groupId }),
  },
  'grantRoles: a user outside, a group inside': {
    roles: [Role.Department, Role.WardOfficer],
    doc: `mutation($u: UUID!, $g: UUID!) { grantRoles(userId: $u, grants: [{ role: VOLUNTEER, groupId: $g }]) { id } }`,
    vars: (_, inside, outside) => ({ u: outside.userId, g: inside.groupId }),
  },
  'logAssists: a household living outside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: LOG_ASSISTS_RESULT,
    vars: (_, inside, outside) => ({ input: { groupId: inside.groupId, entries: [{ ...assistEntry(inside), unitId: outside.unitId }] } }),
    rejected: entryRejected('unitId'),
  },
  'logAssists: helped by a member outside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: LOG_ASSISTS_RESULT,
    vars: (_, inside, outside) => ({ input: { groupId: inside.groupId, entries: [{ ...assistEntry(inside), volunteerIds: [outside.memberId] }] } }),
    rejected: entryRejected('volunteerIds'),
  },
  'logAssists: at a session outside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: LOG_ASSISTS_RESULT,
    vars: (_, inside, outside) => ({ input: { groupId: inside.groupId, entries: [{ ...assistEntry(inside), sessionId: outside.sessionId }] } }),
    rejected: entryRejected('sessionId'),
  },
  'amendAssistEntry: to a session outside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: `mutation($id: UUID!, $s: UUID!) { amendAssistEntry(id: $id, input: { sessionId: $s, reason: "gắn buổi" }) { id } }`,
    vars: async (w, inside, outside) => ({ id: await w.freshEntry(inside), s: outside.sessionId }),
  },
  'amendAssistEntry: to a household outside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: `mutation($id: UUID!, $u: UUID!) { amendAssistEntry(id: $id, input: { unitId: $u, reason: "đổi nơi ở" }) { id } }`,
    vars: async (w, inside, outside) => ({ id: await w.freshEntry(inside), u: outside.unitId }),
  },
  'verifyAssistEntries: an entry outside beside one inside, in every spelling': {
    roles: [Role.WardOfficer],
    doc: `mutation($ids: [UUID!]!) { verifyAssistEntries(ids: $ids) { id } }`,
    vars: async (w, inside, outside) => {
      const id = await w.freshEntry(outside);
      return { ids: [inside.entryId, id.replace(/-/g, ''), id.toUpperCase(), `{${id}}`] };
    },
  },
  'planSession: a group inside, a place outside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: `mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`,
    vars: (_, inside, outside) => ({ input: { ...sessionInput(inside, 'Buổi chỗ khác'), unitId: outside.unitId } }),
  },
  'planSession: a group outside, a place inside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: `mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`,
    vars: (_, inside, outside) => ({ input: { ...sessionInput(inside, 'Buổi nhóm khác'), groupId: outside.groupId } }),
  },
  'rescheduleSession: to a place outside': {
    roles: [Role.WardOfficer, Role.GroupLead],
    doc: `mutation($id: UUID!, $u: UUID!) { rescheduleSession(id: $id, input: { unitId: $u, reason: "Đổi chỗ" }) { id } }`,
    vars: async (w, inside, outside) => ({ id: await w.freshSession(inside), u: outside.unitId }),
  },
  'assignMember: a session inside, a member outside': {
    roles: [Role.WardOfficer],
    doc: `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: SUPPORTER }) { id } }`,
    vars: async (w, inside, outside) => ({ s: inside.sessionId, m: await w.freshMember(outside) }),
  },
  'assignMember: a session outside, a member inside': {
    roles: [Role.WardOfficer],
    doc: `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: SUPPORTER }) { id } }`,
    vars: async (w, inside, outside) => ({ s: outside.sessionId, m: await w.freshMember(inside) }),
  },
};

let phones = 0;
const freshPhone = () => `09${String(10_000_000 + ++phones * 7919).slice(-8)}`;

let sessionCount = 0;
/** A session of the place's group in its unit, in a week, at a time no other test session uses. */
function sessionInput(p: PlaceObjects, title: string) {
  const start = new Date(Date.now() + 7 * 86_400_000 + ++sessionCount * 3 * 3600_000);
  const end = new Date(start.getTime() + 3600_000);
  return {
    groupId: p.groupId,
    unitId: p.unitId,
    title: `${title} ${sessionCount}`,
    topics: ['vneid'],
    startsAt: start.toISOString(),
    endsAt: end.toISOString(),
    place: 'Nhà văn hóa',
    capacity: 30,
  };
}

/** What the caller got: allowed, refused (FORBIDDEN), or not signed in. Anything else (500s) fails the test. */
function outcome(res: GqlResponse<Record<string, unknown>>, c: Case, p: PlaceObjects): 'allow' | 'deny' | 'unauthenticated' {
  const codes = (res.errors ?? []).map((e) => e.extensions?.code);
  expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
  // No token at all: the guard's plain UNAUTHENTICATED ("sign in first"), not a bad token's or session's own reason.
  if (res.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED' && (e.extensions as { reason?: string }).reason === 'UNAUTHENTICATED'))
    return 'unauthenticated';
  if (codes.includes('FORBIDDEN')) {
    expect(res.errors![0].message).toBe('You do not have access to this');
    return 'deny';
  }
  if (c.listed) return res.data && c.listed(res.data, p) ? 'allow' : 'deny';
  return 'allow';
}

describe('access matrix: every operation × every role × inside and outside its scope', () => {
  let w: World;
  const actors = new Map<Role, TestUser>();

  beforeAll(async () => {
    const t = await startTestApp({ env: { REDIS_URL: '', SIGNIN_MAX_FAILURES_PER_ADDRESS: '10000' } });
    await loadDemoCity(t.app.get(DataSource));
    // A second province, so that the department has an outside (synthetic, for this test only).
    const imported = await t.gql(`mutation($csv: String!) { importUnits(input: { csv: $csv }) { created errors { message } } }`, {
      csv: 'code,name,kind,type,parent_code,valid_from,valid_to\n99,Tỉnh Kiểm Thử,province,Tỉnh,,2025-07-01,\n99001,Xã Kiểm Thử,commune,Xã,99,2025-07-01,\n',
    });
    expect(imported.data).toMatchObject({ importUnits: { created: 2 } });

    const place = async (unitCode: string): Promise<PlaceObjects> => {
      const unit = await t.gql<{ unit: { id: string } }>(`query($c: String!) { unit(code: $c) { id } }`, { c: unitCode });
      const unitId = unit.data!.unit.id;
      const group = await t.gql<{ createGroup: { id: string } }>(`mutation($u: UUID!, $n: String!) { createGroup(input: { unitId: $u, name: $n }) { id } }`, {
        u: unitId,
        n: `Tổ kiểm thử ${unitCode}`,
      });
      const groupId = group.data!.createGroup.id;
      const member = await t.gql<{ createMember: { id: string } }>(
        `mutation($g: UUID!, $phone: String!) { createMember(input: { groupId: $g, fullName: "Người kiểm thử", phone: $phone, role: LEADER }) { id } }`,
        { g: groupId, phone: freshPhone() },
      );
      const user = await t.gql<{ inviteUser: { id: string } }>(
        `mutation($e: String!, $g: UUID!) { inviteUser(input: { email: $e, displayName: "Người dùng kiểm thử", grants: [{ role: VOLUNTEER, groupId: $g }] }) { id } }`,
        { e: `kiem-thu-${unitCode}@cdtg.test`, g: groupId },
      );
      const started = await t.gql<{ importDirectoryCsv: { id: string } }>(
        `mutation { importDirectoryCsv(input: { kind: GROUPS, csv: "unit_code,name\\n" }) { id } }`,
      );
      const memberId = member.data!.createMember.id;
      const base = { unitCode, unitId, groupId, memberId, userId: user.data!.inviteUser.id, importId: started.data!.importDirectoryCsv.id };
      const session = await t.gql<{ planSession: { id: string } }>(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
        input: sessionInput({ ...base, sessionId: '', assignmentId: '', entryId: '', clientId: '', exportId: '' }, `Buổi kiểm thử ${unitCode}`),
      });
      const sessionId = session.data!.planSession.id;
      const assigned = await t.gql<{ assignMember: { id: string } }>(
        `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: TRAINER }) { id } }`,
        { s: sessionId, m: memberId },
      );
      const e = assistEntry({ ...base, sessionId, assignmentId: '', entryId: '', clientId: '', exportId: '' });
      const logged = await t.gql<{ logAssists: { entries: { entryId: string }[] } }>(LOG_ASSISTS, { input: { groupId, entries: [e] } });
      await t.gql(`mutation($u: UUID!) { setHouseholdCount(input: { unitId: $u, asOf: "2026-01-01", households: 1000 }) { households } }`, { u: unitId });
      const exported = await t.gql<{ exportCoverage: { id: string } }>(
        `mutation($c: String!) { exportCoverage(unitCode: $c, level: COMMUNE, period: MONTH, format: CSV) { id } }`,
        { c: unitCode },
      );
      return {
        ...base,
        sessionId,
        assignmentId: assigned.data!.assignMember.id,
        entryId: logged.data!.logAssists.entries[0].entryId,
        clientId: e.clientId,
        exportId: exported.data!.exportCoverage.id,
      };
    };
    const places = { A: await place('20194'), B: await place('20197'), X: await place('99001') };

    w = {
      t,
      places,
      caller: null,
      outside: (role) => (role === Role.Admin || role === Role.Department ? places.X : places.B),
      freshMember: async (p) => {
        const res = await t.gql<{ createMember: { id: string } }>(
          `mutation($g: UUID!, $phone: String!) { createMember(input: { groupId: $g, fullName: "Người kiểm thử tạm", phone: $phone }) { id } }`,
          { g: p.groupId, phone: freshPhone() },
        );
        return res.data!.createMember.id;
      },
      freshGrant: async (p) => {
        const user = await t.gql<{ inviteUser: { grants: { id: string }[] } }>(
          `mutation($e: String!, $g: UUID!) { inviteUser(input: { email: $e, displayName: "Tạm", grants: [{ role: VOLUNTEER, groupId: $g }] }) { grants { id } } }`,
          { e: `tam-${Math.random().toString(36).slice(2)}@cdtg.test`, g: p.groupId },
        );
        return user.data!.inviteUser.grants[0].id;
      },
      freshEntry: async (p) => {
        const res = await t.gql<{ logAssists: { entries: { entryId: string }[] } }>(LOG_ASSISTS, { input: { groupId: p.groupId, entries: [assistEntry(p)] } });
        return res.data!.logAssists.entries[0].entryId;
      },
      freshSession: async (p, past = false) => {
        const res = await t.gql<{ planSession: { id: string } }>(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
          input: sessionInput(p, 'Buổi tạm'),
        });
        const id = res.data!.planSession.id;
        if (past)
          await t.db.query(`UPDATE training_session SET starts_at = now() - interval '1 day', ends_at = now() - interval '23 hours' WHERE id = $1`, [id]);
        return id;
      },
      freshAssignment: async (p) => {
        const res = await t.gql<{ assignMember: { id: string } }>(
          `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: ASSISTANT }) { id } }`,
          {
            s: p.sessionId,
            m: await w.freshMember(p),
          },
        );
        return res.data!.assignMember.id;
      },
    };

    actors.set(Role.Admin, await createUser(t, { email: 'admin.matrix@cdtg.test', role: Role.Admin }));
    actors.set(Role.Department, await createUser(t, { email: 'so.matrix@cdtg.test', role: Role.Department, unitCode: '48' }));
    actors.set(Role.WardOfficer, await createUser(t, { email: 'phuong.matrix@cdtg.test', role: Role.WardOfficer, unitCode: '20194' }));
    actors.set(Role.GroupLead, await createUser(t, { email: 'totruong.matrix@cdtg.test', role: Role.GroupLead, groupId: places.A.groupId }));
    actors.set(Role.Volunteer, await createUser(t, { email: 'tnv.matrix@cdtg.test', role: Role.Volunteer, groupId: places.A.groupId }));
  }, 120_000);
  afterAll(async () => w?.t.close());

  it('has a case for every query and mutation of the schema, and no case for an operation that is gone', () => {
    const schema = w.t.app.get(GraphQLSchemaHost).schema;
    const operations = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())].sort();
    expect(Object.keys(CASES).sort()).toEqual(operations);
  });

  const names = Object.keys(CASES).sort((a, b) => Number(a === 'signOut') - Number(b === 'signOut')); // signOut ends the session: last
  const callers: Caller[] = ['anonymous', ...ALL_ROLES];

  it.each(callers)(
    'enforces every rule for %s',
    async (caller) => {
      const table: string[] = [];
      for (const name of names) {
        const c = CASES[name];
        const places: Place[] = typeof c.rule === 'string' ? ['in'] : ['in', 'out'];
        for (const place of places) {
          const p = place === 'in' ? w.places.A : caller === 'anonymous' ? w.places.B : w.outside(caller);
          const vars = c.vars ? await c.vars(w, p) : undefined;
          const res = caller === 'anonymous' ? await w.t.anonymous(c.doc, vars) : await actors.get(caller)!.gql(c.doc, vars);
          const got = outcome(res, c, p);
          const expected =
            c.rule === 'public'
              ? 'allow'
              : caller === 'anonymous'
                ? 'unauthenticated'
                : c.rule === 'signed-in'
                  ? 'allow'
                  : c.rule[place].includes(caller)
                    ? 'allow'
                    : 'deny';
          if (got !== expected) table.push(`${name} (${place}): expected ${expected}, got ${got} ${JSON.stringify(res.errors ?? res.data).slice(0, 200)}`);
        }
      }
      expect(table).toEqual([]);
    },
    120_000,
  );

  it.each([Role.Department, Role.WardOfficer, Role.GroupLead])(
    'refuses %s every write that names an object outside its scope through a second id',
    async (role) => {
      const wrong: string[] = [];
      let tried = 0;
      for (const [name, ref] of Object.entries(REFERENCES)) {
        if (!ref.roles.includes(role)) continue;
        tried++;
        const res = await actors.get(role)!.gql(ref.doc, await ref.vars(w, w.places.A, w.outside(role)));
        const codes = (res.errors ?? []).map((e) => e.extensions?.code);
        expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
        const refused = codes.length > 0 ? res.data === null || Object.values(res.data).every((v) => v === null) : !!ref.rejected?.(res.data ?? {});
        if (!refused) wrong.push(`${name}: not refused ${JSON.stringify(res.errors ?? res.data).slice(0, 200)}`);
      }
      expect(tried).toBeGreaterThan(0);
      expect(wrong).toEqual([]);
    },
    120_000,
  );
});
