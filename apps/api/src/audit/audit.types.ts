import { ArgsType, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { UUID } from '../graphql/uuid.scalar';
import { Type } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import GraphQLJSON from 'graphql-type-json';
import { Reason, reasonText } from '@cdtg/errors';
import { Connection, PageArgs } from '../common/connection';

/** The audit log's bounds take a date or a date-time (ISO 8601), refused with their own reason. */
const DATE_OR_TIME = { message: reasonText(Reason.BadDateOrTime), context: { reason: Reason.BadDateOrTime } };

@ObjectType('AuditEvent', { description: 'One recorded write: who, when, what, on which object, before and after' })
export class AuditEventType {
  @Field(() => ID)
  id: string;

  @Field()
  at: Date;

  @Field(() => ID, { nullable: true, description: 'The user who acted; null for the system (imports, seeds, jobs)' })
  actorId: string | null;

  @Field()
  actorLabel: string;

  @Field({ description: 'e.g. group.create, member.move, grant.add, user.disable' })
  operation: string;

  @Field()
  objectType: string;

  @Field()
  objectId: string;

  @Field(() => GraphQLJSON, { nullable: true })
  before: Record<string, unknown> | null;

  @Field(() => GraphQLJSON, { nullable: true })
  after: Record<string, unknown> | null;

  @Field(() => ID, { nullable: true })
  unitId: string | null;

  @Field(() => ID, { nullable: true })
  groupId: string | null;
}

export const AuditEventConnection = Connection(AuditEventType, 'AuditEvent');

@InputType()
export class AuditFilterInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  objectType?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  objectId?: string | null;

  @Field(() => UUID, { nullable: true })
  @IsOptional()
  @IsUUID('all')
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Operation, or its prefix ending in a dot: "member."' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  operation?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date-time, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, DATE_OR_TIME)
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date-time, exclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, DATE_OR_TIME)
  to?: string | null;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditFilterInput)
  filter?: AuditFilterInput | null;
}
