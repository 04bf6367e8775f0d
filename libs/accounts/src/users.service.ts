import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService, Actor, DataScope, Permission } from '@cdtg/access';
import { AuditService } from '@cdtg/audit';
import { Page, PageRequest } from '@cdtg/database';
import { DomainError, Reason } from '@cdtg/errors';
import { Language, NotificationService } from '@cdtg/notifications';
import { activeMemberPlace } from '@cdtg/directory';
import { assertNoPersonalNumbers, foldVietnamese, tidyName } from '@cdtg/text';
import { Clock } from '@cdtg/time';
import { lockAddress } from './auth.repository';
import { AuthService } from './auth.service';
import { GrantsService, ResolvedGrant } from './grants.service';
import { TokenPurpose } from './one-time-token.entity';
import { RoleGrant } from './role-grant.entity';
import { normaliseEmail } from './secrets';
import { AccountStatus, UserAccount } from './user-account.entity';
import { accountOfMember, listUsers } from './users.repository';

export interface InviteInput {
  email: string;
  displayName: string;
  language?: Language | null;
  /** The directory member this person is (volunteers and leads), so their assignments reach them. */
  memberId?: string | null;
}

export interface UserFilter {
  search?: string | null;
  status?: AccountStatus | null;
}

/** Accounts as managed by admins, the department and ward officers: invitations, grants, status. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly grants: GrantsService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  /**
   * Invites a person: the account (status invited), its grants and a single-use link valid 7 days, e-mailed in
   * their language, all in one transaction. Inviting an address that is still only invited sends a new link (the
   * old one stops working) and adds any new grants, keeping every grant it holds; only the one who sent the
   * invitation, or someone who may manage every grant the invitee holds, may do that. The member the account is
   * must lie in the actor's scope and have no other account.
   */
  async invite(actor: Actor, input: InviteInput, grants: ResolvedGrant[]): Promise<UserAccount> {
    const email = normaliseEmail(input.email, 'input.email');
    const displayName = tidyName(String(input.displayName ?? ''));
    if (!displayName || displayName.length > 120) throw DomainError.invalid('input.displayName', Reason.Length, { min: 1, max: 120 });
    return this.dataSource.transaction(async (manager) => {
      await lockAddress(manager, email);
      let user = await manager.getRepository(UserAccount).findOneBy({ email });
      if (user && user.status !== AccountStatus.Invited) throw DomainError.conflict(Reason.EmailTaken, undefined, 'input.email');
      if (user) await this.mayInviteAgain(actor, user);
      const fields = {
        displayName,
        nameSearch: foldVietnamese(`${displayName} ${email}`),
        language: input.language ?? Language.vi,
        // Sent again without a member, an invitation keeps the one it was bound to.
        memberId: input.memberId ? await this.memberId(manager, actor, input.memberId, user?.id) : (user?.memberId ?? null),
        invitedBy: user?.invitedBy ?? actor.userId,
      };
      if (user) {
        await manager.update(UserAccount, user.id, fields);
        user = { ...user, ...fields };
      } else {
        user = manager.getRepository(UserAccount).create({ email, ...fields, status: AccountStatus.Invited, passwordHash: null });
        await manager.getRepository(UserAccount).insert(user);
      }
      await this.audit.record(manager, actor, {
        operation: 'user.invite',
        objectType: 'user',
        objectId: user.id,
        after: { email, ...fields },
        unitId: grants[0]?.anchor.unitId ?? null,
      });
      await this.grants.add(manager, actor, user.id, grants);
      const { link, expiresAt, dedupeKey } = await this.auth.issueOneTimeToken(manager, user.id, TokenPurpose.Invitation);
      await this.notifications.queueEmail(manager, {
        to: email,
        language: user.language,
        template: 'invitation',
        params: {
          displayName,
          invitedBy: actor.label,
          grants: grants.map((g) => ({ role: g.role, scope: g.scopeName })),
          link,
          expiresAt: expiresAt.toISOString(),
        },
        dedupeKey,
      });
      return user;
    });
  }

  async grant(actor: Actor, userId: string, grants: ResolvedGrant[]): Promise<UserAccount> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.locked(manager, userId);
      await this.grants.add(manager, actor, user.id, grants);
      return user;
    });
  }

  async revokeGrant(actor: Actor, grantId: string, reason: string | null | undefined): Promise<RoleGrant> {
    assertNoPersonalNumbers('reason', reason);
    return this.dataSource.transaction(async (manager) => {
      const grant = await manager.getRepository(RoleGrant).findOne({ where: { id: grantId }, lock: { mode: 'pessimistic_write' } });
      if (!grant) throw DomainError.notFound('Grant');
      if (grant.userId === actor.userId && grant.role === 'ADMIN') throw DomainError.invalid('grantId', Reason.OwnAdminGrant);
      return this.grants.revoke(manager, actor, grant, reason?.trim().slice(0, 500) || 'revoked');
    });
  }

  /** Disables (every session ends at once) or re-enables an account. */
  async setStatus(actor: Actor, userId: string, status: AccountStatus.Active | AccountStatus.Disabled): Promise<UserAccount> {
    if (userId === actor.userId) throw DomainError.invalid('id', Reason.OwnAccount);
    return this.dataSource.transaction(async (manager) => {
      const user = await this.locked(manager, userId);
      if (user.status === status) return user;
      if (status === AccountStatus.Active && !user.passwordHash) throw DomainError.invalid('status', Reason.InvitationNotAccepted);
      await manager.update(UserAccount, user.id, { status });
      if (status === AccountStatus.Disabled) await this.auth.revokeSessions(manager, { userId }, 'account-disabled');
      await this.audit.record(manager, actor, {
        operation: `user.${status === AccountStatus.Disabled ? 'disable' : 'enable'}`,
        objectType: 'user',
        objectId: user.id,
        before: { status: user.status },
        after: { status },
        ...(await this.placeOf(user.id)),
      });
      return { ...user, status };
    });
  }

  async updateProfile(actor: Actor, patch: { displayName?: string | null; language?: Language | null }): Promise<UserAccount> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.locked(manager, actor.userId);
      const next = { ...user };
      if (patch.displayName !== undefined && patch.displayName !== null) {
        next.displayName = tidyName(patch.displayName);
        if (!next.displayName || next.displayName.length > 120) throw DomainError.invalid('input.displayName', Reason.Length, { min: 1, max: 120 });
        next.nameSearch = foldVietnamese(`${next.displayName} ${user.email}`);
      }
      if (patch.language) next.language = patch.language;
      await manager.update(UserAccount, user.id, { displayName: next.displayName, nameSearch: next.nameSearch, language: next.language });
      await this.audit.record(manager, actor, {
        operation: 'user.profile',
        objectType: 'user',
        objectId: user.id,
        before: { displayName: user.displayName, language: user.language },
        after: { displayName: next.displayName, language: next.language },
        ...(await this.placeOf(user.id)),
      });
      return next;
    });
  }

  async user(id: string): Promise<UserAccount> {
    const user = await this.dataSource.getRepository(UserAccount).findOneBy({ id });
    if (!user) throw DomainError.notFound('User');
    return user;
  }

  /** Users holding at least one active grant inside `access` (admins see everyone), by name. */
  async list(access: DataScope, filter: UserFilter, page: PageRequest): Promise<Page<UserAccount>> {
    return listUsers(this.dataSource, access, filter, page);
  }

  /** The active grants of a user with their anchors, for access checks on the user as a whole. */
  async grantAnchors(userId: string): Promise<{ role: RoleGrant['role']; unitId: string | null; groupId: string | null }[]> {
    const grants = await this.grants.activeOf([userId]);
    const anchors = await this.grants.anchorsOf(grants);
    return grants.map((g, i) => ({ role: g.role, ...anchors[i] }));
  }

  /** Where a user's audit events are filed: the place of their first active grant. */
  private async placeOf(userId: string): Promise<{ unitId: string | null; groupId: string | null }> {
    const [first] = await this.grantAnchors(userId);
    return { unitId: first?.unitId ?? null, groupId: first?.groupId ?? null };
  }

  private async locked(manager: EntityManager, id: string): Promise<UserAccount> {
    const user = await manager.getRepository(UserAccount).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw DomainError.notFound('User');
    return user;
  }

  /**
   * A pending invitation belongs to the scope of whoever sent it: sending it again (a new link, a new name, more
   * grants) is for its sender, or for someone who may manage every grant the invitee already holds.
   */
  private async mayInviteAgain(actor: Actor, user: UserAccount): Promise<void> {
    if (user.invitedBy === actor.userId) return;
    const held = await this.grants.activeOf([user.id]);
    const manages =
      held.every((g) => actor.mayGrant(g.role)) && (await this.access.covers(actor.scope(Permission.ManageAccounts), await this.grants.anchorsOf(held)));
    if (!manages) throw DomainError.conflict(Reason.InvitedBySomeoneElse, undefined, 'input.email');
  }

  private async memberId(manager: EntityManager, actor: Actor, memberId: string | null | undefined, userId: string | undefined): Promise<string | null> {
    if (!memberId) return null;
    const member = await activeMemberPlace(manager, memberId, this.clock.today());
    // Outside the actor's scope is refused exactly like a member that does not exist.
    if (!member || !(await this.access.covers(actor.scope(Permission.ManageAccounts), [{ unitId: member.unit_id, groupId: member.group_id }]))) {
      throw DomainError.invalid('input.memberId', Reason.MemberNotInScope);
    }
    const taken = await accountOfMember(manager, memberId, userId ?? null);
    if (taken) throw DomainError.conflict(Reason.MemberHasAccount, undefined, 'input.memberId');
    return memberId;
  }
}
