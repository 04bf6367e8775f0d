import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UUID } from '../graphql/uuid.scalar';
import { Actor, DataScope, Permission } from '@cdtg/access';
import { AccountStatus, AuthService, ClientInfo, GrantsService, RoleGrant, SignedIn, UserAccount, UsersService } from '@cdtg/accounts';
import { DomainError, Reason } from '@cdtg/errors';
import { AdminUnit } from '@cdtg/geography';
import { VolunteerGroup } from '@cdtg/directory';
import { Allow, CurrentActor, Public, RequestWithActor, Scope, SignedIn as SignedInOnly } from '../access/access.decorators';
import { on } from '../access/targets';
import { toConnection } from '../common/connection';
import { GraphqlContext, LoaderFactory } from '../common/loaders';
import { AdminUnitType, GroupType } from '../directory/directory.types';
import {
  AcceptInvitationInput,
  AuthPayload,
  ChangePasswordInput,
  GrantInputType,
  GrantType,
  InviteUserInput,
  SignInInput,
  TokenPasswordInput,
  UpdateProfileInput,
  UserConnection,
  UsersArgs,
  UserType,
} from './accounts.types';

const clientOf = (ctx: GraphqlContext): ClientInfo => {
  const req = ctx.req as (RequestWithActor & { ip?: string }) | undefined;
  const agent = req?.headers['user-agent'];
  return { address: req?.ip ?? 'unknown', userAgent: (Array.isArray(agent) ? agent[0] : agent) ?? null };
};

const payload = (s: SignedIn): AuthPayload => ({
  accessToken: s.accessToken,
  accessTokenExpiresAt: s.accessTokenExpiresAt,
  refreshToken: s.refreshToken,
  refreshTokenExpiresAt: s.refreshTokenExpiresAt,
  user: s.user,
});

/** Signing in and out, and one's own account. */
@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Mutation(() => AuthPayload, {
    description: 'Sign in with e-mail and password. After 10 failures in a minute the account is locked for the rest of the minute (RATE_LIMITED)',
  })
  @Public()
  async signIn(@Args('input') input: SignInInput, @Context() ctx: GraphqlContext): Promise<AuthPayload> {
    return payload(await this.auth.signIn(input.email, input.password, clientOf(ctx)));
  }

  @Mutation(() => AuthPayload, { description: 'A new access token and refresh token for a refresh token (which stops working)' })
  @Public()
  async refreshSession(@Args('refreshToken') refreshToken: string): Promise<AuthPayload> {
    return payload(await this.auth.refresh(refreshToken));
  }

  @Mutation(() => Boolean, { description: 'E-mails a single-use sign-in link valid 15 minutes. Answers true whether or not the address has an account' })
  @Public()
  async requestSignInLink(@Args('email') email: string, @Context() ctx: GraphqlContext): Promise<boolean> {
    await this.auth.requestSignInLink(email, clientOf(ctx));
    return true;
  }

  @Mutation(() => AuthPayload)
  @Public()
  async signInWithLink(@Args('token') token: string, @Context() ctx: GraphqlContext): Promise<AuthPayload> {
    return payload(await this.auth.signInWithLink(token, clientOf(ctx)));
  }

  @Mutation(() => AuthPayload, { description: 'Set your password from the invitation link; signs you in' })
  @Public()
  async acceptInvitation(@Args('input') input: AcceptInvitationInput, @Context() ctx: GraphqlContext): Promise<AuthPayload> {
    return payload(await this.auth.acceptInvitation(input.token, input.password, input.displayName, clientOf(ctx)));
  }

  @Mutation(() => Boolean, { description: 'E-mails a password-reset link valid 1 hour. Answers true whether or not the address has an account' })
  @Public()
  async requestPasswordReset(@Args('email') email: string, @Context() ctx: GraphqlContext): Promise<boolean> {
    await this.auth.requestPasswordReset(email, clientOf(ctx));
    return true;
  }

  @Mutation(() => AuthPayload, { description: 'Set a new password from the reset link; every other session ends' })
  @Public()
  async resetPassword(@Args('input') input: TokenPasswordInput, @Context() ctx: GraphqlContext): Promise<AuthPayload> {
    return payload(await this.auth.resetPassword(input.token, input.password, clientOf(ctx)));
  }

  @Mutation(() => Boolean, { description: 'End this session, or every session of yours' })
  @SignedInOnly()
  async signOut(@CurrentActor() actor: Actor, @Args('everywhere', { defaultValue: false }) everywhere: boolean): Promise<boolean> {
    await this.auth.signOut(actor.userId, actor.sessionId, everywhere);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Your other sessions end' })
  @SignedInOnly()
  async changePassword(@CurrentActor() actor: Actor, @Args('input') input: ChangePasswordInput): Promise<boolean> {
    await this.auth.changePassword(actor.userId, actor.sessionId, input.currentPassword, input.newPassword);
    return true;
  }

  @Query(() => UserType, { description: 'The signed-in user, with their grants' })
  @SignedInOnly()
  me(@CurrentActor() actor: Actor): Promise<UserAccount> {
    return this.users.user(actor.userId);
  }

  @Mutation(() => UserType, { description: 'Your name and the language of your e-mails' })
  @SignedInOnly()
  updateMyProfile(@CurrentActor() actor: Actor, @Args('input') input: UpdateProfileInput): Promise<UserAccount> {
    return this.users.updateProfile(actor, input);
  }
}

/** Accounts as managed by admins, the department and ward officers, within their scope and below their role. */
@Resolver(() => UserType)
export class UsersResolver {
  constructor(
    private readonly users: UsersService,
    private readonly grants: GrantsService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => UserConnection, { name: 'users', description: 'Users with a role in your scope, by name' })
  @Allow(Permission.ManageAccounts)
  async listUsers(@Args() args: UsersArgs, @Scope() scope: DataScope) {
    return toConnection(await this.users.list(scope, args.filter ?? {}, { first: args.first, after: args.after }));
  }

  @Query(() => UserType)
  @Allow(Permission.ManageAccounts, on.userToRead())
  user(@Args('id', { type: () => UUID }) id: string): Promise<UserAccount> {
    return this.users.user(id);
  }

  @Mutation(() => UserType, { description: 'Invite someone by e-mail with one or more grants inside your scope and below your role' })
  @Allow(Permission.ManageAccounts, on.grantInputs('input.grants'), on.memberIfGiven('input.memberId'))
  async inviteUser(@Args('input') input: InviteUserInput, @CurrentActor() actor: Actor): Promise<UserAccount> {
    return this.users.invite(actor, input, await this.grants.resolve(input.grants, 'input.grants'));
  }

  @Mutation(() => UserType, { description: 'Give a user more grants (inside your scope and below your role)' })
  @Allow(Permission.ManageAccounts, on.userToRead('userId'), on.grantInputs('grants'))
  async grantRoles(
    @Args('userId', { type: () => UUID }) userId: string,
    @Args('grants', { type: () => [GrantInputType] }) grants: GrantInputType[],
    @CurrentActor() actor: Actor,
  ): Promise<UserAccount> {
    return this.users.grant(actor, userId, await this.grants.resolve(grants, 'grants'));
  }

  @Mutation(() => GrantType)
  @Allow(Permission.ManageAccounts, on.grant())
  revokeGrant(
    @Args('id', { type: () => UUID }) id: string,
    @CurrentActor() actor: Actor,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<RoleGrant> {
    return this.users.revokeGrant(actor, id, reason);
  }

  @Mutation(() => UserType, { description: 'Disable (every session ends at once) or re-enable an account' })
  @Allow(Permission.ManageAccounts, on.userToManage())
  setUserStatus(
    @Args('id', { type: () => UUID }) id: string,
    @Args('status', { type: () => AccountStatus }) status: AccountStatus,
    @CurrentActor() actor: Actor,
  ): Promise<UserAccount> {
    if (status === AccountStatus.Invited) throw DomainError.invalid('status', Reason.NotInList, { allowed: ['ACTIVE', 'DISABLED'] });
    return this.users.setStatus(actor, id, status);
  }

  @ResolveField('grants', () => [GrantType], { description: 'Active grants (those in your scope, or all of your own)' })
  activeGrants(@Parent() user: UserAccount, @Context() ctx: GraphqlContext): Promise<RoleGrant[]> {
    return this.loaders.of(ctx).userGrants.load(user.id);
  }
}

@Resolver(() => GrantType)
export class GrantResolver {
  constructor(private readonly loaders: LoaderFactory) {}

  @ResolveField(() => AdminUnitType, { nullable: true })
  unit(@Parent() grant: RoleGrant, @Context() ctx: GraphqlContext): Promise<AdminUnit | null> | null {
    return grant.unitId ? this.loaders.of(ctx).unit.load(grant.unitId) : null;
  }

  @ResolveField(() => GroupType, { nullable: true, description: 'Null when the group is outside your scope' })
  group(@Parent() grant: RoleGrant, @Context() ctx: GraphqlContext): Promise<VolunteerGroup | null> | null {
    return grant.groupId ? this.loaders.of(ctx).group.load(grant.groupId) : null;
  }
}

export const AccountResolvers = [AuthResolver, UsersResolver, GrantResolver];
