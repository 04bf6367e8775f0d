import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, ActorGrant } from '@cdtg/access';
import { DomainError, ErrorCode, Reason } from '@cdtg/errors';
import { Clock, vietnamDate } from '@cdtg/time';
import { AuthService } from './auth.service';
import { activeAccountGrants, sessionAccountGrants } from './grants.repository';
import { GrantsService } from './grants.service';

interface ActorRow {
  email: string;
  grants: (ActorGrant & { moved: boolean })[];
}

/**
 * Turns a bearer token into the request's Actor: the signature and expiry are checked in memory, then one query
 * reads the session (not revoked), the account (active) and its current grants with their unit paths. Grants are
 * read fresh on every request, so a revoked grant or session stops working at once.
 */
@Injectable()
export class ActorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly grants: GrantsService,
    private readonly clock: Clock,
  ) {}

  async actorFor(accessToken: string): Promise<Actor> {
    const claims = this.auth.tokens.verify(accessToken);
    if (!claims) throw DomainError.of(ErrorCode.Unauthenticated, Reason.AccessTokenExpired);
    let row = await this.load(claims.sub, claims.sid);
    if (row?.grants.some((g) => g.moved)) {
      // A reorganisation took effect since these grants were made: they follow the units to their successors first.
      await this.grants.followReorganisations({ userId: claims.sub });
      row = await this.load(claims.sub, claims.sid);
    }
    if (!row) throw DomainError.of(ErrorCode.Unauthenticated, Reason.SessionEnded);
    return new Actor(
      claims.sub,
      row.email,
      claims.sid,
      row.grants.map(({ id, role, unitId, unitPath, groupId }) => ({ id, role, unitId, unitPath, groupId })),
    );
  }

  /**
   * What an active account may do now, without a session: for links that work without signing in (an export's
   * download link) and must stop when their owner is disabled or loses the grants they were made under. Null for an
   * account that is not active.
   */
  async actorOfUser(userId: string): Promise<Actor | null> {
    const row = await activeAccountGrants(this.dataSource, userId);
    return row ? new Actor(userId, row.email, '', row.grants) : null;
  }

  private async load(userId: string, sessionId: string): Promise<ActorRow | null> {
    const now = this.clock.now();
    return (await sessionAccountGrants(this.dataSource, sessionId, userId, vietnamDate(now), now)) ?? null;
  }
}
