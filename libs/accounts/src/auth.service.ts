import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@cdtg/audit';
import { AppConfig } from '@cdtg/config';
import { DomainError, ErrorCode, Reason } from '@cdtg/errors';
import { Language, NotificationService } from '@cdtg/notifications';
import { Clock } from '@cdtg/time';
import { AuthSession, RefreshToken, SignInMethod } from './auth-session.entity';
import {
  lockAddress,
  recentTokens,
  retireTokens,
  revokeOtherSessions,
  revokeSessions as revokeSessionRows,
  sessionOfRefreshToken,
  tokenForUpdate,
  useRefreshToken,
} from './auth.repository';
import { OneTimeToken, TokenPurpose } from './one-time-token.entity';
import { AccessTokenCodec, argon2idHasher, checkPasswordRules, normaliseEmail, PasswordHasher, randomToken, tokenHash } from './secrets';
import { AttemptKind } from './sign-in-attempt.entity';
import { SignInLimits } from './sign-in-limits';
import { AccountStatus, UserAccount } from './user-account.entity';

/** Where a request comes from: kept with sessions and used for per-address limits. */
export interface ClientInfo {
  address: string;
  userAgent: string | null;
}

/** What a successful sign-in returns. The refresh token is shown once and stored only as a hash. */
export interface SignedIn {
  user: UserAccount;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export const TOKEN_LIFETIME_MINUTES: Record<TokenPurpose, number> = {
  [TokenPurpose.Invitation]: 7 * 24 * 60,
  [TokenPurpose.SignInLink]: 15,
  [TokenPurpose.PasswordReset]: 60,
};

/** Pages of the web console that e-mailed links open. */
const LINK_PATHS: Record<TokenPurpose, string> = {
  [TokenPurpose.Invitation]: '/accept-invitation',
  [TokenPurpose.SignInLink]: '/sign-in/link',
  [TokenPurpose.PasswordReset]: '/reset-password',
};

/**
 * Signing in and out: passwords, e-mailed one-time links, rotating refresh tokens, password reset.
 * Every outcome that must be remembered (an attempt, a revoked session) is committed before an error is thrown.
 */
@Injectable()
export class AuthService {
  readonly hasher: PasswordHasher;
  readonly tokens: AccessTokenCodec;
  private readonly limits: SignInLimits;
  /** Verified against when the account does not exist, so both cases take the same time. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.hasher = argon2idHasher(config.PASSWORD_HASH_MEMORY_KIB);
    this.tokens = new AccessTokenCodec(config.authSecret, config.ACCESS_TOKEN_TTL_SECONDS, clock);
    this.limits = new SignInLimits(config, clock);
  }

  async signIn(emailInput: string, password: string, client: ClientInfo): Promise<SignedIn> {
    const email = normaliseEmail(emailInput);
    if (typeof password !== 'string' || password.length === 0 || password.length > 200)
      throw DomainError.invalid('password', Reason.Length, { min: 1, max: 200 });
    const outcome = await this.dataSource.transaction(async (manager) => {
      await lockAddress(manager, email);
      await this.limits.check(manager, email, client.address);
      const user = await manager.getRepository(UserAccount).findOneBy({ email });
      const hash = user?.passwordHash ?? (await (this.dummyHash ??= this.hasher.hash(randomToken())));
      const ok = (await this.hasher.verify(hash, password)) && user?.status === AccountStatus.Active && !!user.passwordHash;
      await this.limits.record(manager, email, client.address, AttemptKind.Password, ok);
      if (!ok || !user) return null;
      if (this.hasher.needsRehash(user.passwordHash!)) await manager.update(UserAccount, user.id, { passwordHash: await this.hasher.hash(password) });
      return this.startSession(manager, user, SignInMethod.Password, client);
    });
    if (!outcome) throw DomainError.of(ErrorCode.Unauthenticated, Reason.WrongCredentials);
    return outcome;
  }

  /**
   * Exchanges a refresh token for a new pair. Each refresh token works once: presenting a used one again means it
   * was copied, so the whole session (every token of the family) is revoked.
   */
  async refresh(refreshToken: string): Promise<SignedIn> {
    const hash = tokenHash(String(refreshToken ?? ''));
    const outcome = await this.dataSource.transaction(async (manager) => {
      const sessionId = await useRefreshToken(manager, hash);
      if (!sessionId) {
        const replayed = await sessionOfRefreshToken(manager, hash);
        if (replayed) await this.revokeSessions(manager, { sessionId: replayed }, 'refresh-token-reuse');
        return replayed ? ('reused' as const) : ('unknown' as const);
      }
      const session = await manager.getRepository(AuthSession).findOne({ where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
      const user = session ? await manager.getRepository(UserAccount).findOneBy({ id: session.userId }) : null;
      if (!session || !user || session.revokedAt || session.expiresAt.getTime() <= this.clock.now().getTime() || user.status !== AccountStatus.Active)
        return 'ended' as const;
      return this.issue(manager, user, session);
    });
    if (outcome === 'reused') throw DomainError.of(ErrorCode.Unauthenticated, Reason.RefreshTokenReused);
    if (outcome === 'unknown') throw DomainError.of(ErrorCode.Unauthenticated, Reason.UnknownRefreshToken);
    if (outcome === 'ended') throw DomainError.of(ErrorCode.Unauthenticated, Reason.SessionEnded);
    return outcome;
  }

  /** Ends the current session, or every session of the user. */
  async signOut(userId: string, sessionId: string, everywhere: boolean): Promise<number> {
    return this.dataSource.transaction((manager) => this.revokeSessions(manager, everywhere ? { userId } : { sessionId }, 'sign-out'));
  }

  /** Always answers the same, whether or not the address has an account (no account discovery). */
  async requestSignInLink(emailInput: string, client: ClientInfo): Promise<void> {
    await this.sendLink(normaliseEmail(emailInput), TokenPurpose.SignInLink, AttemptKind.LinkRequest, client);
  }

  async requestPasswordReset(emailInput: string, client: ClientInfo): Promise<void> {
    await this.sendLink(normaliseEmail(emailInput), TokenPurpose.PasswordReset, AttemptKind.ResetRequest, client);
  }

  async signInWithLink(token: string, client: ClientInfo): Promise<SignedIn> {
    return this.redeem(token, TokenPurpose.SignInLink, client, async (manager, user) => {
      if (user.status !== AccountStatus.Active) return null;
      return this.startSession(manager, user, SignInMethod.Link, client);
    });
  }

  /** Sets the password of an invited account, activates it and signs in. */
  async acceptInvitation(token: string, password: string, displayName: string | null | undefined, client: ClientInfo): Promise<SignedIn> {
    return this.redeem(token, TokenPurpose.Invitation, client, async (manager, user) => {
      if (user.status === AccountStatus.Disabled) return null;
      checkPasswordRules(password, user.email);
      const name = displayName?.trim();
      if (displayName !== undefined && displayName !== null && (!name || name.length > 120))
        throw DomainError.invalid('displayName', Reason.Length, { min: 1, max: 120 });
      const patch = { passwordHash: await this.hasher.hash(password), status: AccountStatus.Active, ...(name ? { displayName: name } : {}) };
      await manager.update(UserAccount, user.id, patch);
      await this.audit.record(
        manager,
        { userId: user.id, label: user.email },
        { operation: 'account.activate', objectType: 'user', objectId: user.id, before: { status: user.status }, after: { status: AccountStatus.Active } },
      );
      return this.startSession(manager, { ...user, ...patch }, SignInMethod.Invitation, client);
    });
  }

  /** Sets a new password from an e-mailed link; every other session ends. */
  async resetPassword(token: string, password: string, client: ClientInfo): Promise<SignedIn> {
    return this.redeem(token, TokenPurpose.PasswordReset, client, async (manager, user) => {
      if (user.status !== AccountStatus.Active) return null;
      checkPasswordRules(password, user.email);
      await manager.update(UserAccount, user.id, { passwordHash: await this.hasher.hash(password) });
      await this.revokeSessions(manager, { userId: user.id }, 'password-reset');
      await this.audit.record(manager, { userId: user.id, label: user.email }, { operation: 'account.password-reset', objectType: 'user', objectId: user.id });
      return this.startSession(manager, user, SignInMethod.PasswordReset, client);
    });
  }

  async changePassword(userId: string, sessionId: string, current: string, next: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.getRepository(UserAccount).findOne({ where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user?.passwordHash || !(await this.hasher.verify(user.passwordHash, String(current ?? ''))))
        throw DomainError.invalid('currentPassword', Reason.WrongCurrentPassword);
      checkPasswordRules(next, user.email, 'newPassword');
      await manager.update(UserAccount, user.id, { passwordHash: await this.hasher.hash(next) });
      await revokeOtherSessions(manager, userId, sessionId, 'password-changed');
      await this.audit.record(manager, { userId, label: user.email }, { operation: 'account.password-change', objectType: 'user', objectId: userId });
    });
  }

  /**
   * A one-time token for an e-mailed link (invitations use it too). Earlier unused tokens of the same purpose stop
   * working. Returns the clear token and the link, to be put in an e-mail queued in the same transaction.
   */
  /**
   * A new single-use link (earlier ones of the same purpose stop working). The token is stored as its SHA-256 only;
   * `dedupeKey` names the token's row, for the e-mail that carries the link (never the token itself).
   */
  async issueOneTimeToken(manager: EntityManager, userId: string, purpose: TokenPurpose): Promise<{ link: string; expiresAt: Date; dedupeKey: string }> {
    const token = randomToken();
    const id = randomUUID();
    const expiresAt = new Date(this.clock.now().getTime() + TOKEN_LIFETIME_MINUTES[purpose] * 60_000);
    await retireTokens(manager, userId, purpose);
    await manager.insert(OneTimeToken, { id, userId, purpose, tokenHash: tokenHash(token), expiresAt });
    return { link: `${this.config.publicUrl}${LINK_PATHS[purpose]}?token=${token}`, expiresAt, dedupeKey: `${purpose}:${id}` };
  }

  /** Revokes sessions (one, or all of a user) and returns how many were still active. */
  async revokeSessions(manager: EntityManager, which: { sessionId: string } | { userId: string }, reason: string): Promise<number> {
    const rows = await revokeSessionRows(manager, which, reason);
    if (rows.length) {
      await this.audit.record(
        manager,
        SYSTEM_ACTOR,
        rows.map((r) => ({ operation: 'session.revoke', objectType: 'session', objectId: r.id, after: { userId: r.user_id, reason } })),
      );
    }
    return rows.length;
  }

  private async sendLink(email: string, purpose: TokenPurpose, kind: AttemptKind, client: ClientInfo): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockAddress(manager, email);
      await this.limits.check(manager, null, client.address);
      await this.limits.record(manager, email, client.address, kind, true);
      const user = await manager.getRepository(UserAccount).findOneBy({ email });
      if (!user || user.status !== AccountStatus.Active) return;
      // At most 5 links of a kind per account in 15 minutes: more requests are answered alike but send nothing.
      const recent = await recentTokens(manager, user.id, purpose);
      if (recent >= 5) return;
      const { link, expiresAt, dedupeKey } = await this.issueOneTimeToken(manager, user.id, purpose);
      await this.notifications.queueEmail(manager, {
        to: user.email,
        language: user.language ?? Language.vi,
        template: purpose === TokenPurpose.SignInLink ? 'sign-in-link' : 'password-reset',
        params: { displayName: user.displayName, link, expiresAt: expiresAt.toISOString() },
        dedupeKey,
      });
    });
  }

  /** Uses a one-time token exactly once (row lock), then runs `then`; a wrong token counts as a failed attempt. */
  private async redeem(
    token: string,
    purpose: TokenPurpose,
    client: ClientInfo,
    then: (manager: EntityManager, user: UserAccount) => Promise<SignedIn | null>,
  ): Promise<SignedIn> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw DomainError.invalid('token', Reason.BadLinkToken);
    const outcome = await this.dataSource.transaction(async (manager) => {
      await this.limits.check(manager, null, client.address);
      const row = await tokenForUpdate(manager, tokenHash(token), purpose);
      const valid = !!row && !row.usedAt && row.expiresAt.getTime() > this.clock.now().getTime();
      await this.limits.record(manager, null, client.address, AttemptKind.Token, valid);
      if (!valid) return null;
      await manager.update(OneTimeToken, row.id, { usedAt: this.clock.now() });
      const user = await manager.getRepository(UserAccount).findOne({ where: { id: row.userId }, lock: { mode: 'pessimistic_write' } });
      return user ? then(manager, user) : null;
    });
    if (!outcome) throw DomainError.of(ErrorCode.Unauthenticated, Reason.BadLinkToken);
    return outcome;
  }

  private async startSession(manager: EntityManager, user: UserAccount, method: SignInMethod, client: ClientInfo): Promise<SignedIn> {
    const expiresAt = new Date(this.clock.now().getTime() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000);
    const session = await manager.save(
      manager.create(AuthSession, { userId: user.id, method, expiresAt, address: client.address, userAgent: client.userAgent?.slice(0, 300) ?? null }),
    );
    await manager.update(UserAccount, user.id, { lastSignInAt: this.clock.now() });
    return this.issue(manager, user, session);
  }

  private async issue(manager: EntityManager, user: UserAccount, session: AuthSession): Promise<SignedIn> {
    const refreshToken = randomToken();
    await manager.insert(RefreshToken, { sessionId: session.id, tokenHash: tokenHash(refreshToken) });
    const access = this.tokens.sign(user.id, session.id);
    return {
      user,
      sessionId: session.id,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: session.expiresAt,
    };
  }
}
