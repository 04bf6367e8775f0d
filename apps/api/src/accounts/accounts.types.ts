import { ArgsType, Field, ID, InputType, ObjectType, PickType, registerEnumType } from '@nestjs/graphql';
import { UUID } from '../graphql/uuid.scalar';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Role } from '@cdtg/access';
import { AccountStatus } from '@cdtg/accounts';
import { Language } from '@cdtg/notifications';
import { Connection, PageArgs } from '../common/connection';

registerEnumType(Role, {
  name: 'Role',
  description: 'ADMIN (everything), DEPARTMENT (a province), WARD_OFFICER (a commune and below), GROUP_LEAD and VOLUNTEER (a group)',
});
registerEnumType(AccountStatus, { name: 'AccountStatus' });

@ObjectType('Grant', { description: 'A role bound to a scope: a unit with its subtree, a group, or (ADMIN) everything' })
export class GrantType {
  @Field(() => ID)
  id: string;

  @Field(() => Role)
  role: Role;

  @Field(() => ID, { nullable: true })
  unitId: string | null;

  @Field(() => ID, { nullable: true })
  groupId: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field()
  displayName: string;

  @Field(() => Language)
  language: Language;

  @Field(() => AccountStatus)
  status: AccountStatus;

  @Field(() => ID, { nullable: true, description: 'The directory member this account belongs to' })
  memberId: string | null;

  @Field(() => Date, { nullable: true })
  lastSignInAt: Date | null;

  @Field()
  createdAt: Date;
}

export const UserConnection = Connection(UserType, 'User');

@ObjectType({ description: 'A signed-in session. Keep the refresh token secret; it works once and is replaced on every refresh' })
export class AuthPayload {
  @Field({ description: 'Send as "Authorization: Bearer <accessToken>"' })
  accessToken: string;

  @Field()
  accessTokenExpiresAt: Date;

  @Field({ description: 'Exchange with refreshSession for a new pair. Using one twice ends the session' })
  refreshToken: string;

  @Field()
  refreshTokenExpiresAt: Date;

  @Field(() => UserType)
  user: UserType;
}

@InputType()
export class SignInInput {
  @Field()
  @IsString()
  @MaxLength(254)
  email: string;

  @Field()
  @IsString()
  @MaxLength(200)
  password: string;
}

/** A password set from an e-mailed link: the password under the rules of signing in. */
@InputType()
export class TokenPasswordInput extends PickType(SignInInput, ['password'] as const) {
  @Field({ description: 'The token from the e-mailed link' })
  @IsString()
  @MaxLength(200)
  token: string;
}

@InputType()
export class AcceptInvitationInput extends TokenPasswordInput {
  @Field(() => String, { nullable: true, description: 'Correct your name if the invitation had it wrong' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  displayName?: string | null;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @IsString()
  @MaxLength(200)
  currentPassword: string;

  @Field()
  @IsString()
  @MaxLength(200)
  newPassword: string;
}

@InputType()
export class GrantInputType {
  @Field(() => Role)
  @IsEnum(Role)
  role: Role;

  @Field(() => String, { nullable: true, description: 'DEPARTMENT and WARD_OFFICER: the code of the unit (in force today)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  unitCode?: string | null;

  @Field(() => UUID, { nullable: true, description: 'GROUP_LEAD and VOLUNTEER: the group' })
  @IsOptional()
  @IsUUID('all')
  groupId?: string | null;
}

@InputType()
export class InviteUserInput {
  @Field()
  @IsString()
  @MaxLength(254)
  email: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  displayName: string;

  @Field(() => Language, { nullable: true, defaultValue: Language.vi, description: 'The language of their e-mails' })
  @IsOptional()
  @IsEnum(Language)
  language?: Language | null;

  @Field(() => UUID, { nullable: true, description: 'The directory member this person is (volunteers and leads)' })
  @IsOptional()
  @IsUUID('all')
  memberId?: string | null;

  @Field(() => [GrantInputType])
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => GrantInputType)
  grants: GrantInputType[];
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  displayName?: string | null;

  @Field(() => Language, { nullable: true })
  @IsOptional()
  @IsEnum(Language)
  language?: Language | null;
}

@InputType()
export class UserFilterInput {
  @Field(() => String, { nullable: true, description: 'Part of the name or e-mail; diacritics and case are ignored' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string | null;

  @Field(() => AccountStatus, { nullable: true })
  @IsOptional()
  @IsEnum(AccountStatus)
  status?: AccountStatus | null;
}

@ArgsType()
export class UsersArgs extends PageArgs {
  @Field(() => UserFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => UserFilterInput)
  filter?: UserFilterInput | null;
}
