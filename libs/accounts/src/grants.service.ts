import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Anchor, Role, ROLE_SCOPE } from '@cdtg/access';
import { AuditActor, AuditService, SYSTEM_ACTOR } from '@cdtg/audit';
import { DomainError, ErrorCode, Reason } from '@cdtg/errors';
import { groupsByIds } from '@cdtg/directory';
import { GeographyService } from '@cdtg/geography';
import { Clock } from '@cdtg/time';
import { activeGrantsOf, grantsToFollow, insertGrant, unfoundedGrants } from './grants.repository';
import { RoleGrant } from './role-grant.entity';

/** A role and where it applies, as a client asks for it. */
export interface GrantInput {
  role: Role;
  /** For DEPARTMENT and WARD_OFFICER: the unit (the version valid today). */
  unitCode?: string | null;
  /** For GROUP_LEAD and VOLUNTEER. */
  groupId?: string | null;
}

/** A grant input checked against the tree: ids, the anchor access is checked on, and a name for e-mails. */
export interface ResolvedGrant {
  role: Role;
  unitId: string | null;
  groupId: string | null;
  anchor: Anchor;
  scopeName: string | null;
  /** The group does not exist (only an actor who may see everything learns that; others are refused). */
  missing: boolean;
}

/** Grants: resolving, adding, revoking, and moving them along with reorganised units. */
@Injectable()
export class GrantsService {
  private readonly logger = new Logger(GrantsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly geography: GeographyService,
    private readonly clock: Clock,
  ) {}

  /** Checks the shape of each grant input (the right kind of scope for the role) and finds its unit or group. */
  async resolve(inputs: GrantInput[], field: string): Promise<ResolvedGrant[]> {
    if (!Array.isArray(inputs) || inputs.length === 0) throw DomainError.invalid(field, Reason.TooFew, { min: 1 });
    if (inputs.length > 20) throw DomainError.invalid(field, Reason.TooMany, { max: 20 });
    const out: ResolvedGrant[] = [];
    for (const [i, input] of inputs.entries()) {
      const path = [...field.split('.'), i];
      const kind = ROLE_SCOPE[input.role];
      if (!kind) throw DomainError.invalid([...path, 'role'], Reason.NotInList, { allowed: Object.keys(ROLE_SCOPE) });
      if (kind === 'global') {
        if (input.unitCode || input.groupId) throw DomainError.invalid(path, Reason.AdminGrantEverywhere);
        out.push({ role: input.role, unitId: null, groupId: null, anchor: { unitId: null }, scopeName: null, missing: false });
      } else if (kind === 'unit') {
        if (!input.unitCode || input.groupId) throw DomainError.invalid([...path, 'unitCode'], Reason.GrantNeedsUnit, { role: input.role });
        const unit = await this.geography.unitByCode(input.unitCode).catch((error: unknown) => {
          if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
            throw DomainError.invalid([...path, 'unitCode'], Reason.UnitNotInForce, { code: input.unitCode! });
          }
          throw error;
        });
        out.push({ role: input.role, unitId: unit.id, groupId: null, anchor: { unitId: unit.id }, scopeName: unit.name, missing: false });
      } else {
        if (!input.groupId || input.unitCode) throw DomainError.invalid([...path, 'groupId'], Reason.GrantNeedsGroup, { role: input.role });
        const [group] = await groupsByIds(this.dataSource, [input.groupId]);
        out.push({
          role: input.role,
          unitId: null,
          groupId: input.groupId,
          anchor: { unitId: group?.unit_id ?? null, groupId: input.groupId },
          scopeName: group?.name ?? null,
          missing: !group,
        });
      }
    }
    return out;
  }

  /** Adds grants; one the user already holds is left as it is. Returns the grants added. */
  async add(manager: EntityManager, actor: AuditActor, userId: string, grants: ResolvedGrant[]): Promise<RoleGrant[]> {
    const added: RoleGrant[] = [];
    for (const g of grants) {
      if (g.missing) throw DomainError.notFound('Group');
      const id = await insertGrant(manager, { userId, role: g.role, unitId: g.unitId, groupId: g.groupId, grantedBy: actor.userId });
      if (!id) continue;
      const grant = await manager.getRepository(RoleGrant).findOneByOrFail({ id });
      added.push(grant);
      await this.audit.record(manager, actor, {
        operation: 'grant.add',
        objectType: 'user',
        objectId: userId,
        after: grant,
        unitId: g.anchor.unitId,
        groupId: g.groupId,
      });
    }
    return added;
  }

  async revoke(manager: EntityManager, actor: AuditActor, grant: RoleGrant, reason: string): Promise<RoleGrant> {
    if (grant.revokedAt) return grant;
    await manager.update(RoleGrant, grant.id, { revokedAt: this.clock.now(), revokedReason: reason });
    const after = await manager.getRepository(RoleGrant).findOneByOrFail({ id: grant.id });
    await this.audit.record(manager, actor, {
      operation: 'grant.revoke',
      objectType: 'user',
      objectId: grant.userId,
      before: grant,
      after,
      ...(await this.anchorsOf([grant]))[0],
    });
    return after;
  }

  async byId(id: string): Promise<RoleGrant | null> {
    return this.dataSource.getRepository(RoleGrant).findOneBy({ id });
  }

  /** Active grants of several users, one query (for User.grants). */
  activeOf(userIds: readonly string[]): Promise<RoleGrant[]> {
    return activeGrantsOf(this.dataSource, userIds);
  }

  /** The units (and groups) grants apply to, in order, with one query: for access checks and the audit log. */
  async anchorsOf(grants: RoleGrant[]): Promise<{ unitId: string | null; groupId: string | null }[]> {
    const groupIds = [...new Set(grants.flatMap((g) => (g.groupId ? [g.groupId] : [])))];
    const rows = groupIds.length ? await groupsByIds(this.dataSource, groupIds) : [];
    const unitOf = new Map(rows.map((r) => [r.id, r.unit_id]));
    return grants.map((g) => (g.groupId ? { unitId: unitOf.get(g.groupId) ?? null, groupId: g.groupId } : { unitId: g.unitId, groupId: null }));
  }

  /**
   * Unit grants follow their unit through reorganisations in force today: a grant on a unit that was merged,
   * renamed, re-parented or split is replaced by grants on every unit its territory went into, audited as the
   * system. Idempotent and safe to run concurrently (the old grants are locked). Runs after a reorganisation
   * import and, lazily, when an affected user signs in (for reorganisations imported ahead of their date).
   */
  async followReorganisations(filter: { userId?: string } = {}): Promise<number> {
    let moved = 0;
    // A chain of reorganisations moves a grant one step per round.
    for (let round = 0; round < 10; round++) {
      const step = await this.dataSource.transaction(async (manager) => {
        const rows = await grantsToFollow(manager, this.clock.today(), filter.userId);
        let count = 0;
        for (const row of rows) {
          const grant = await manager.getRepository(RoleGrant).findOne({ where: { id: row.id }, lock: { mode: 'pessimistic_write' } });
          if (!grant || grant.revokedAt) continue; // moved by a concurrent run
          for (const unitId of row.targets) {
            await insertGrant(manager, { userId: grant.userId, role: grant.role, unitId, groupId: null, grantedBy: null });
            await this.audit.record(manager, SYSTEM_ACTOR, {
              operation: 'grant.follow-reorganisation',
              objectType: 'user',
              objectId: grant.userId,
              before: { grantId: grant.id, role: grant.role, unitId: grant.unitId },
              after: { role: grant.role, unitId },
              unitId,
            });
          }
          await manager.update(RoleGrant, grant.id, { revokedAt: this.clock.now(), revokedReason: 'reorganisation' });
          count++;
        }
        return count;
      });
      moved += step;
      if (step === 0) break;
    }
    if (moved) this.logger.log(`${moved} grant(s) followed their units through a reorganisation`);
    await this.withdrawUnfounded(filter);
    return moved;
  }

  /**
   * Grants the system gave by following a reorganisation link that has since been corrected away (a reference file
   * that sent a unit somewhere it did not go): revoked, audited as the system. A grant still backed by another link
   * from a unit the user held stays. With a user: only that user's grants (a sign-in's lazy check).
   */
  async withdrawUnfounded(filter: { userId?: string } = {}): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await unfoundedGrants(manager, filter.userId);
      for (const { id } of rows) {
        const grant = await manager.getRepository(RoleGrant).findOneByOrFail({ id });
        await this.revoke(manager, SYSTEM_ACTOR, grant, 'reorganisation-corrected');
      }
      if (rows.length) this.logger.log(`${rows.length} grant(s) withdrawn: the reorganisation link they followed was corrected away`);
      return rows.length;
    });
  }
}
