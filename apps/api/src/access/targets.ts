import { Injectable } from '@nestjs/common';
import { Anchor, Role } from '@cdtg/access';
import { GrantInput, GrantsService, UsersService } from '@cdtg/accounts';
import { AssistQueryService } from '@cdtg/assists';
import { CoverageExportService } from '@cdtg/rollups';
import { DirectoryImportService, DirectoryService } from '@cdtg/directory';
import { AssignmentService, SessionService } from '@cdtg/sessions';
import { canonicalUuid } from '../graphql/uuid.scalar';

/** An object an operation acts on, named by the argument (dotted path) that holds its id. */
export interface TargetSpec {
  kind:
    | 'group'
    | 'member'
    | 'unit'
    | 'import'
    | 'user'
    | 'grant'
    | 'grant-inputs'
    | 'assist-entries'
    | 'coverage-export'
    | 'session'
    | 'assignment'
    | 'session-place';
  arg: string;
  /** For users: 'any' (read: one grant in scope suffices) or 'all' (manage: every grant in scope and grantable). */
  mode?: 'any' | 'all';
  /** The argument may be absent or null: then there is nothing to check. */
  optional?: boolean;
  /** For session places: the argument naming the session's group, or the session whose group it is. */
  groupArg?: string;
  sessionArg?: string;
}

/** The targets of the access rules, by kind. */
export const on = {
  group: (arg = 'id'): TargetSpec => ({ kind: 'group', arg }),
  member: (arg = 'id'): TargetSpec => ({ kind: 'member', arg }),
  /** A member named by an optional argument (e.g. the member an invited account will be). */
  memberIfGiven: (arg: string): TargetSpec => ({ kind: 'member', arg, optional: true }),
  unit: (arg: string): TargetSpec => ({ kind: 'unit', arg }),
  import: (arg = 'id'): TargetSpec => ({ kind: 'import', arg }),
  /** A user to read (any of their grants in scope). */
  userToRead: (arg = 'id'): TargetSpec => ({ kind: 'user', arg, mode: 'any' }),
  /** A user to manage (all of their grants in scope, all their roles grantable by the actor). */
  userToManage: (arg = 'id'): TargetSpec => ({ kind: 'user', arg, mode: 'all' }),
  grant: (arg = 'id'): TargetSpec => ({ kind: 'grant', arg }),
  grantInputs: (arg: string): TargetSpec => ({ kind: 'grant-inputs', arg }),
  /** One assistance entry (its unit and group), or a list of them (every one must be in scope). */
  assistEntry: (arg = 'id'): TargetSpec => ({ kind: 'assist-entries', arg }),
  assistEntries: (arg = 'ids'): TargetSpec => ({ kind: 'assist-entries', arg }),
  /** A coverage export: only the user who asked for it (and admins). */
  coverageExport: (arg = 'id'): TargetSpec => ({ kind: 'coverage-export', arg }),
  /** A training session: where it is held and whose group it is. */
  session: (arg = 'id'): TargetSpec => ({ kind: 'session', arg }),
  /** An assignment: the session it belongs to. */
  assignment: (arg = 'id'): TargetSpec => ({ kind: 'assignment', arg }),
  /**
   * The unit a session is to be held in (when the argument is given), with the session's group: a unit-scoped
   * grant needs the unit in its scope, a group-scoped grant reaches it through the group.
   */
  sessionPlace: (arg: string, of: { groupArg: string } | { sessionArg: string }): TargetSpec => ({ kind: 'session-place', arg, ...of }),
};

/** What a target resolves to: where it lives, the roles it hands out, and who owns it. */
export interface ResolvedTarget {
  anchors: Anchor[];
  /** 'any': one anchor in scope suffices. */
  mode: 'any' | 'all';
  /** Roles the operation hands out or takes away: the actor must be allowed to grant each. */
  roles: Role[];
  /** The user who owns the object (their own imports): always allowed to them. */
  ownerId?: string | null;
}

/**
 * Finds where each kind of target lives. A target that does not exist resolves to an anchor nowhere, so a scoped
 * actor is refused exactly as for an object outside their scope (no hint whether it exists); an actor who sees
 * everything passes and gets NOT_FOUND from the service.
 */
@Injectable()
export class TargetResolver {
  constructor(
    private readonly users: UsersService,
    private readonly grants: GrantsService,
    private readonly directory: DirectoryService,
    private readonly imports: DirectoryImportService,
    private readonly assists: AssistQueryService,
    private readonly exports: CoverageExportService,
    private readonly sessions: SessionService,
    private readonly assignments: AssignmentService,
  ) {}

  async resolve(spec: TargetSpec, args: Record<string, unknown>): Promise<ResolvedTarget> {
    const value = argument(args, spec.arg);
    if (spec.optional && (value === undefined || value === null)) return { anchors: [], mode: 'all', roles: [] };
    // Ids arrive canonical (the UUID scalar); anything else anchors nowhere, never skipped.
    const id = canonicalUuid(value);
    const nowhere: ResolvedTarget = { anchors: [{ unitId: null }], mode: 'all', roles: [] };
    switch (spec.kind) {
      case 'group': {
        if (!id) return nowhere;
        const [group] = await this.directory.groupsByIds([id]);
        return { anchors: [{ groupId: id, unitId: group?.unitId ?? null }], mode: 'all', roles: [] };
      }
      case 'member': {
        if (!id) return nowhere;
        const place = await this.directory.placeOf(id);
        return place.groupId ? { anchors: [place], mode: 'all', roles: [] } : nowhere;
      }
      case 'unit':
        return id ? { anchors: [{ unitId: id }], mode: 'all', roles: [] } : nowhere;
      case 'import': {
        return { ...nowhere, ownerId: id ? await this.imports.ownerOf(id) : null };
      }
      case 'user': {
        if (!id) return nowhere;
        const grants = await this.users.grantAnchors(id);
        if (!grants.length) return nowhere;
        return { anchors: grants, mode: spec.mode ?? 'all', roles: spec.mode === 'any' ? [] : grants.map((g) => g.role) };
      }
      case 'grant': {
        const grant = id ? await this.grants.byId(id) : null;
        if (!grant) return nowhere;
        return { anchors: await this.grants.anchorsOf([grant]), mode: 'all', roles: [grant.role] };
      }
      case 'grant-inputs': {
        const resolved = await this.grants.resolve((value ?? []) as GrantInput[], spec.arg);
        return { anchors: resolved.map((g) => g.anchor), mode: 'all', roles: resolved.map((g) => g.role) };
      }
      case 'coverage-export':
        return { ...nowhere, ownerId: id ? await this.exports.ownerOf(id) : null };
      case 'assist-entries': {
        const list = (Array.isArray(value) ? value : [value]).map(canonicalUuid);
        if (!list.length) return nowhere;
        const entries = await this.assists.entriesByIds(list.filter((v): v is string => v !== null));
        // An id that does not exist (or is not an id) anchors nowhere: refused like an entry outside the scope.
        const found = new Map(entries.map((e) => [e.id, { unitId: e.unitId, groupId: e.groupId }]));
        return { anchors: list.map((id) => (id && found.get(id)) || { unitId: null }), mode: 'all', roles: [] };
      }
      case 'session': {
        const [session] = id ? await this.sessions.sessionsByIds([id]) : [];
        return session ? { anchors: [{ unitId: session.unitId, groupId: session.groupId }], mode: 'all', roles: [] } : nowhere;
      }
      case 'assignment': {
        const [assignment] = id ? await this.assignments.assignmentsByIds([id]) : [];
        const [session] = assignment ? await this.sessions.sessionsByIds([assignment.sessionId]) : [];
        return session ? { anchors: [{ unitId: session.unitId, groupId: session.groupId }], mode: 'all', roles: [] } : nowhere;
      }
      case 'session-place': {
        if (value === undefined || value === null) return { anchors: [], mode: 'all', roles: [] }; // the place does not change
        const groupValue = spec.groupArg ? argument(args, spec.groupArg) : null;
        const sessionValue = spec.sessionArg ? argument(args, spec.sessionArg) : null;
        const sessionId = canonicalUuid(sessionValue);
        const [session] = sessionId ? await this.sessions.sessionsByIds([sessionId]) : [];
        const groupId = session?.groupId ?? canonicalUuid(groupValue);
        return id && groupId ? { anchors: [{ unitId: id, groupId }], mode: 'all', roles: [] } : nowhere;
      }
      default: {
        const unknownKind: never = spec.kind;
        throw new Error(`unknown target kind ${String(unknownKind)}`);
      }
    }
  }
}

/** The argument at a dotted path (e.g. input.groupId). */
const argument = (args: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], args);
