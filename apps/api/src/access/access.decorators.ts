import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Actor, DataScope, Permission } from '@cdtg/access';
import { TargetSpec } from './targets';

/**
 * The access rule of one query or mutation. Every operation has exactly one (the access-matrix test and the guard
 * both refuse an operation without): public, any signed-in user, or a permission checked on the objects named by
 * `targets` (each must be in the actor's scope for that permission).
 */
export type AccessRule = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'permission'; permission: Permission; targets: TargetSpec[] };

export const ACCESS_RULE = 'cdtg:access-rule';

/** Anyone, signed in or not (signing in, public health). */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/** Any signed-in user, about themselves. */
export const SignedIn = () => SetMetadata(ACCESS_RULE, { kind: 'signed-in' } satisfies AccessRule);

/** Needs `permission`; each target (an object named by an argument) must lie in the actor's scope for it. */
export const Allow = (permission: Permission, ...targets: TargetSpec[]) =>
  applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'permission', permission, targets } satisfies AccessRule));

export interface RequestWithActor {
  actor?: Actor;
  actorPending?: Promise<Actor>;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

export const requestOf = (context: ExecutionContext): RequestWithActor => GqlExecutionContext.create(context).getContext<{ req: RequestWithActor }>().req;

/** The signed-in actor (set by AccessGuard). */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = requestOf(context).actor;
  if (!actor) throw new Error('CurrentActor used on an operation that is not signed in');
  return actor;
});

/** The actor's scope for the permission of this operation's rule: lists are filtered with it in SQL. */
export const Scope = createParamDecorator((_: unknown, context: ExecutionContext): DataScope => {
  const rule = Reflect.getMetadata(ACCESS_RULE, context.getHandler()) as AccessRule | undefined;
  const actor = requestOf(context).actor;
  if (!actor || rule?.kind !== 'permission') throw new Error('Scope used on an operation without a permission rule');
  return actor.scope(rule.permission);
});
