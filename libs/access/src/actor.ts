import { DataScope, EVERYTHING } from './data-scope';
import { GRANTABLE_ROLES, Permission, Role, ROLE_PERMISSIONS, UNSCOPED_PERMISSIONS } from './role';

/** One active grant of the actor, with the path of its unit (unit scopes) resolved. */
export interface ActorGrant {
  id: string;
  role: Role;
  unitId: string | null;
  unitPath: string | null;
  groupId: string | null;
}

/** The signed-in user of a request: who they are and what their grants allow. Immutable, built once per request. */
export class Actor {
  constructor(
    readonly userId: string,
    /** Shown in the audit log: the user's e-mail. */
    readonly label: string,
    readonly sessionId: string,
    readonly grants: readonly ActorGrant[],
  ) {}

  /** Grants whose role carries the permission. */
  grantsFor(permission: Permission): ActorGrant[] {
    return this.grants.filter((g) => ROLE_PERMISSIONS[g.role].includes(permission));
  }

  can(permission: Permission): boolean {
    return this.grantsFor(permission).length > 0;
  }

  /** The rows this actor may reach with the permission. */
  scope(permission: Permission): DataScope {
    const grants = this.grantsFor(permission);
    if (grants.length && (UNSCOPED_PERMISSIONS.includes(permission) || grants.some((g) => g.role === Role.Admin))) return EVERYTHING;
    return {
      all: false,
      unitPaths: grants.flatMap((g) => (g.unitPath ? [g.unitPath] : [])),
      groupIds: grants.flatMap((g) => (g.groupId ? [g.groupId] : [])),
    };
  }

  /** Whether one of the actor's account-managing roles may hand out this role. */
  mayGrant(role: Role): boolean {
    return this.grantsFor(Permission.ManageAccounts).some((g) => GRANTABLE_ROLES[g.role].includes(role));
  }

  get isAdmin(): boolean {
    return this.grants.some((g) => g.role === Role.Admin);
  }
}
