import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, ActorGrant } from '@cdtg/access';
import { DomainError, ErrorCode } from '@cdtg/errors';
import { Clock, vietnamDate } from '@cdtg/time';
import { AuthService } from './auth.service';
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
    if (!claims) throw new DomainError(ErrorCode.Unauthenticated, 'The access token is invalid or expired; refresh it or sign in again');
    let row = await this.load(claims.sub, claims.sid);
    if (row?.grants.some((g) => g.moved)) {
      // A reorganisation took effect since these grants were made: they follow the units to their successors first.
      await this.grants.followReorganisations({ userId: claims.sub });
      row = await this.load(claims.sub, claims.sid);
    }
    if (!row) throw new DomainError(ErrorCode.Unauthenticated, 'The session has ended; sign in again');
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
    const [row] = (await this.dataSource.query(
      `SELECT u.email,
              COALESCE(json_agg(json_build_object('id', g.id, 'role', g.role, 'unitId', g.unit_id, 'unitPath', a.path, 'groupId', g.group_id))
                FILTER (WHERE g.id IS NOT NULL), '[]') AS grants
         FROM user_account u
         LEFT JOIN role_grant g ON g.user_id = u.id AND g.revoked_at IS NULL
         LEFT JOIN admin_unit a ON a.id = g.unit_id
        WHERE u.id = $1 AND u.status = 'active'
        GROUP BY u.id`,
      [userId],
    )) as ActorRow[];
    return row ? new Actor(userId, row.email, '', row.grants) : null;
  }

  private async load(userId: string, sessionId: string): Promise<ActorRow | null> {
    const now = this.clock.now();
    const rows = (await this.dataSource.query(
      `SELECT u.email,
              COALESCE(json_agg(json_build_object(
                'id', g.id, 'role', g.role, 'unitId', g.unit_id, 'unitPath', a.path, 'groupId', g.group_id,
                'moved', EXISTS (SELECT 1 FROM reorganisation_link l JOIN reorganisation r ON r.id = l.reorganisation_id
                                  WHERE l.from_unit_id = g.unit_id AND l.to_unit_id IS NOT NULL AND r.effective_date <= $3::date))
              ) FILTER (WHERE g.id IS NOT NULL), '[]') AS grants
         FROM auth_session s
         JOIN user_account u ON u.id = s.user_id AND u.status = 'active'
         LEFT JOIN role_grant g ON g.user_id = u.id AND g.revoked_at IS NULL
         LEFT JOIN admin_unit a ON a.id = g.unit_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $4::timestamptz
        GROUP BY u.id`,
      [sessionId, userId, vietnamDate(now), now],
    )) as ActorRow[];
    return rows[0] ?? null;
  }
}
