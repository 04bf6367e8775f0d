import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AccessService, Actor } from '@cdtg/access';
import { ActorService } from '@cdtg/accounts';
import { DomainError, ErrorCode, Reason } from '@cdtg/errors';
import { ACCESS_RULE, AccessRule, RequestWithActor } from './access.decorators';
import { TargetResolver } from './targets';

const forbidden = () => DomainError.forbidden();

/** The bearer token of a request, if any. */
export function bearerToken(req: RequestWithActor): string | null {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)$/i.exec(value ?? '');
  return match ? match[1] : null;
}

/**
 * Enforces every operation's access rule, in one place, before its resolver runs: signs the actor in from the
 * bearer token (once per request), checks the permission, and checks each target object against the actor's scope.
 * An operation without a rule is refused (and logged): forgetting a rule fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly actors: ActorService,
    private readonly access: AccessService,
    private readonly targets: TargetResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true; // health endpoints and static files
    const gql = GqlExecutionContext.create(context);
    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_RULE, context.getHandler());
    if (!rule) {
      this.logger.error(`operation ${gql.getInfo<{ fieldName: string }>().fieldName} has no access rule; refused`);
      throw forbidden();
    }
    if (rule.kind === 'public') return true;
    const actor = await this.actorOf(gql.getContext<{ req: RequestWithActor }>().req);
    if (rule.kind === 'signed-in') return true;
    if (!actor.can(rule.permission)) throw forbidden();
    const scope = actor.scope(rule.permission);
    const args = gql.getArgs<Record<string, unknown>>();
    for (const spec of rule.targets) {
      const target = await this.targets.resolve(spec, args);
      if (target.ownerId && target.ownerId === actor.userId) continue;
      if (!target.roles.every((role) => actor.mayGrant(role))) throw forbidden();
      const inScope = await this.access.inScope(scope, target.anchors);
      const allowed = target.mode === 'any' ? inScope.some(Boolean) : inScope.every(Boolean);
      if (!allowed) throw forbidden();
    }
    return true;
  }

  /** The request's actor, signed in once per request from the bearer token. */
  private async actorOf(req: RequestWithActor): Promise<Actor> {
    const token = bearerToken(req);
    if (!token) throw DomainError.of(ErrorCode.Unauthenticated, Reason.Unauthenticated);
    // Several fields of one request share one sign-in.
    req.actorPending ??= this.actors.actorFor(token).then((actor) => (req.actor = actor));
    return req.actorPending;
  }
}
