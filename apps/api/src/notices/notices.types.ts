import { ArgsType, Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ConsentRecordedVia, ConsentSource, NoticeChannel } from '@cdtg/notifications';
import { UUID } from '../graphql/uuid.scalar';

registerEnumType(NoticeChannel, { name: 'NoticeChannel', description: 'EMAIL, ZALO_ZNS (template message by phone number) or SMS' });
registerEnumType(ConsentSource, { name: 'ConsentSource', description: 'How a consent was given or withdrawn' });
registerEnumType(ConsentRecordedVia, {
  name: 'ConsentRecordedVia',
  description: "Through what a consent was recorded: OFFICER, MEMBER_ACCOUNT (the member's own account) or SIGNED_LINK (the link in a notice)",
});

@ObjectType('NoticeConsent', { description: 'A consent to a channel, or its withdrawal, as recorded' })
export class NoticeConsentType {
  @Field(() => NoticeChannel)
  channel: NoticeChannel;

  @Field()
  granted: boolean;

  @Field(() => ConsentSource)
  source: ConsentSource;

  @Field({ description: "The recording account's name (audit); for display use recordedVia" })
  recordedByLabel: string;

  @Field(() => ConsentRecordedVia)
  recordedVia: ConsentRecordedVia;

  @Field()
  recordedAt: Date;
}

@ObjectType('ChannelConsent', { description: "A channel's standing consent" })
export class ChannelConsentType {
  @Field(() => NoticeChannel)
  channel: NoticeChannel;

  @Field({ description: 'Messages may go on this channel (e-mail: unless withdrawn; ZALO_ZNS and SMS: only once given)' })
  granted: boolean;

  @Field(() => NoticeConsentType, { nullable: true, description: 'The record it stands on (none: the default)' })
  since: NoticeConsentType | null;
}

@ObjectType('MemberNotices', { description: "A member's notice preferences and consent per channel, with the history" })
export class MemberNoticesType {
  @Field(() => UUID)
  memberId: string;

  @Field(() => NoticeChannel, { nullable: true, description: 'Tried first; then ZALO_ZNS → SMS → EMAIL' })
  preferredChannel: NoticeChannel | null;

  @Field(() => [ChannelConsentType])
  channels: ChannelConsentType[];

  @Field(() => [NoticeConsentType], { description: 'Every consent and withdrawal, newest first' })
  history: NoticeConsentType[];

  @Field(() => Int, { description: 'Notices to this member that may or may not have arrived (a ZNS call without answer nor receipt); not re-sent' })
  unconfirmedNotices: number;
}

@InputType()
export class RecordNoticeConsentInput {
  @Field(() => UUID)
  @IsUUID()
  memberId: string;

  @Field(() => NoticeChannel)
  @IsEnum(NoticeChannel)
  channel: NoticeChannel;

  @Field({ description: 'true: consent given; false: withdrawn' })
  @IsBoolean()
  granted: boolean;

  @Field(() => ConsentSource)
  @IsEnum(ConsentSource)
  source: ConsentSource;
}

@ArgsType()
export class NoticeDeliveryArgs {
  @Field(() => Int, { defaultValue: 7, description: 'Notices sent in the last so many days (1–90)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  days: number;
}

@ObjectType('ChannelDelivery', { description: 'Notices sent on a channel, and how many were delivered within 60 s of being queued' })
export class ChannelDeliveryType {
  @Field(() => NoticeChannel)
  channel: NoticeChannel;

  @Field(() => Int)
  sent: number;

  @Field(() => Int, { description: 'With a delivery receipt (e-mail: taken by the SMTP server)' })
  delivered: number;

  @Field(() => Int)
  deliveredWithinTarget: number;

  @Field(() => Float, { nullable: true, description: 'Seconds from queued to delivered, 95th percentile' })
  p95Seconds: number | null;

  @Field(() => Int, { description: 'Notices whose call had an unknown outcome and no receipt came: reported as unconfirmed, never re-sent' })
  unconfirmed: number;
}
