import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEmail, IsEnum, IsOptional, MaxLength } from 'class-validator';
import { Language } from '@cdtg/notifications';

registerEnumType(Language, { name: 'Language', description: 'Language of e-mails and messages: VI (default) or EN' });

@ObjectType({ description: 'Whether this API can do its work right now' })
export class Health {
  @Field({ description: 'ready or not-ready' })
  status: string;

  @Field()
  database: string;

  @Field({ description: 'up, down, or not-configured (jobs run in process)' })
  redis: string;

  @Field(() => Int, { nullable: true, description: 'Jobs written but not yet handed to the queue' })
  outboxPending: number | null;
}

@InputType()
export class SendTestEmailInput {
  @Field()
  @IsEmail()
  @MaxLength(254)
  to: string;

  @Field(() => Language, { nullable: true, defaultValue: Language.vi })
  @IsOptional()
  @IsEnum(Language)
  language?: Language;
}

@ObjectType({ description: 'An e-mail written to the outbox; the worker sends it' })
export class QueuedEmail {
  @Field(() => ID)
  id: string;

  @Field()
  to: string;

  @Field({ description: 'queued, sent or failed' })
  status: string;
}
