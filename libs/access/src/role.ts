/** The five roles of cdtg. A user holds any number of grants, each a role bound to a scope. */
export enum Role {
  Admin = 'ADMIN',
  Department = 'DEPARTMENT',
  WardOfficer = 'WARD_OFFICER',
  GroupLead = 'GROUP_LEAD',
  Volunteer = 'VOLUNTEER',
}

/** What an operation needs. Every query and mutation names exactly one (or is public). */
export enum Permission {
  /** Administrative units and catalogues: public reference data, readable by every signed-in user. */
  ReadReference = 'reference.read',
  /** Groups and members (with their personal data) in scope. */
  ReadDirectory = 'directory.read',
  /** Create, change, move and deactivate groups and members in scope; import directory CSV. */
  ManageDirectory = 'directory.manage',
  /** Import administrative units and reorganisations (the national tree). */
  ManageGeography = 'geography.manage',
  /** Invite users, grant and revoke roles, disable accounts, in scope and below one's own role. */
  ManageAccounts = 'accounts.manage',
  /** The audit log of changes in scope. */
  ReadAudit = 'audit.read',
  /** The household assistance log in scope (entries and households' masked labels). */
  ReadAssists = 'assists.read',
  /** Log assistance entries for groups in scope (offline sync), amend and void them. */
  LogAssists = 'assists.log',
  /** Verify assistance entries in scope. */
  VerifyAssists = 'assists.verify',
  /** Read, set and import household counts (the coverage denominator) of units in scope. */
  ManageHouseholdCounts = 'households.manage',
  /** Coverage rollups, their exports and the weekly digest, for units in scope. */
  ReadCoverage = 'coverage.read',
  /** Set and import targets (chỉ tiêu) of units in scope. */
  ManageTargets = 'targets.manage',
  /** Operator tools: test e-mails. */
  OperateSystem = 'system.operate',
  /** Training sessions in scope (held in a unit in scope, or of a group in scope): their assignments, attendance, history; members' agendas. */
  ReadSessions = 'sessions.read',
  /** Plan, change, reschedule and cancel sessions of groups in scope; log and correct attendance. */
  ManageSessions = 'sessions.manage',
  /** Assign members in scope to sessions in scope, withdraw them, record their answers; assignment suggestions. */
  AssignMembers = 'sessions.assign',
}

/** What a grant's scope is: everything, a unit with its subtree, or one group. */
export type ScopeKind = 'global' | 'unit' | 'group';

export const ROLE_SCOPE: Record<Role, ScopeKind> = {
  [Role.Admin]: 'global',
  [Role.Department]: 'unit',
  [Role.WardOfficer]: 'unit',
  [Role.GroupLead]: 'group',
  [Role.Volunteer]: 'group',
};

/** The access matrix: which permissions each role has within its scope. The only table of its kind. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  [Role.Admin]: Object.values(Permission),
  [Role.Department]: [
    Permission.ReadReference,
    Permission.ReadDirectory,
    Permission.ManageAccounts,
    Permission.ReadAudit,
    Permission.ReadAssists,
    Permission.ManageHouseholdCounts,
    Permission.ReadSessions,
    Permission.ReadCoverage,
    Permission.ManageTargets,
  ],
  [Role.WardOfficer]: [
    Permission.ReadReference,
    Permission.ReadDirectory,
    Permission.ManageDirectory,
    Permission.ManageAccounts,
    Permission.ReadAssists,
    Permission.LogAssists,
    Permission.VerifyAssists,
    Permission.ManageHouseholdCounts,
    Permission.ReadSessions,
    Permission.ManageSessions,
    Permission.AssignMembers,
    Permission.ReadCoverage,
  ],
  [Role.GroupLead]: [
    Permission.ReadReference,
    Permission.ReadDirectory,
    Permission.ReadAssists,
    Permission.LogAssists,
    Permission.ReadSessions,
    Permission.ManageSessions,
  ],
  // A volunteer's own assignments and agenda need no permission: they are reached through their account (SignedIn).
  [Role.Volunteer]: [Permission.ReadReference],
};

/** Permissions whose data is not scoped (public reference data): holding the permission anywhere means everywhere. */
export const UNSCOPED_PERMISSIONS: readonly Permission[] = [Permission.ReadReference];

/** Which roles a holder of a role may grant (within its own scope). */
export const GRANTABLE_ROLES: Record<Role, readonly Role[]> = {
  [Role.Admin]: Object.values(Role),
  [Role.Department]: [Role.WardOfficer, Role.GroupLead, Role.Volunteer],
  [Role.WardOfficer]: [Role.GroupLead, Role.Volunteer],
  [Role.GroupLead]: [],
  [Role.Volunteer]: [],
};
