import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, Permission } from '@cdtg/access';
import { ChannelDelivery, NoticeChannel, NoticeReceipts } from '@cdtg/notifications';
import { MemberNotices, MemberNoticesService } from '@cdtg/sessions';
import { Clock } from '@cdtg/time';
import { Allow, CurrentActor } from '../access/access.decorators';
import { on } from '../access/targets';
import { UUID } from '../graphql/uuid.scalar';
import { ChannelDeliveryType, MemberNoticesType, NoticeDeliveryArgs, RecordNoticeConsentInput } from './notices.types';

@Resolver(() => MemberNoticesType)
export class NoticesResolver {
  constructor(
    private readonly notices: MemberNoticesService,
    private readonly receipts: NoticeReceipts,
    private readonly clock: Clock,
  ) {}

  @Query(() => MemberNoticesType, { description: "A member's notice preferences and consent per channel (members in your scope)" })
  @Allow(Permission.ReadDirectory, on.member('memberId'))
  memberNotices(@Args('memberId', { type: () => UUID }) memberId: string): Promise<MemberNotices> {
    return this.notices.view(memberId);
  }

  @Mutation(() => MemberNoticesType, { description: 'Record a consent to a channel, or its withdrawal, with how it was given (history kept)' })
  @Allow(Permission.ManageDirectory, on.member('input.memberId'))
  recordNoticeConsent(@Args('input') input: RecordNoticeConsentInput, @CurrentActor() actor: Actor): Promise<MemberNotices> {
    return this.notices.recordConsent(actor, input);
  }

  @Mutation(() => MemberNoticesType, { description: 'The channel tried first for a member (null: ZALO_ZNS → SMS → EMAIL)' })
  @Allow(Permission.ManageDirectory, on.member('memberId'))
  setPreferredNoticeChannel(
    @Args('memberId', { type: () => UUID }) memberId: string,
    @Args('channel', { type: () => NoticeChannel, nullable: true }) channel: NoticeChannel | null,
    @CurrentActor() actor: Actor,
  ): Promise<MemberNotices> {
    return this.notices.setPreferredChannel(actor, memberId, channel ?? null);
  }

  @Query(() => [ChannelDeliveryType], { description: 'Per channel: notices sent in the last days, delivered, and delivered within 60 s' })
  @Allow(Permission.OperateSystem)
  noticeDelivery(@Args() args: NoticeDeliveryArgs): Promise<ChannelDelivery[]> {
    return this.receipts.deliveryFigures(new Date(this.clock.now().getTime() - (args.days ?? 7) * 86_400_000));
  }
}
