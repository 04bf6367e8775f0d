import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Permission } from '@cdtg/access';
import { APP_VERSION } from '@cdtg/config';
import { Allow, Public } from '../access/access.decorators';
import { Language, NotificationService } from '@cdtg/notifications';
import { HealthService } from '@cdtg/runtime';
import { Health, QueuedEmail, SendTestEmailInput } from './system.types';

@Resolver()
export class SystemResolver {
  constructor(
    private readonly healthService: HealthService,
    private readonly notifications: NotificationService,
  ) {}

  @Query(() => String, { description: 'The running release' })
  @Public()
  version(): string {
    return APP_VERSION;
  }

  @Query(() => Health)
  @Public()
  async health(): Promise<Health> {
    const report = await this.healthService.readiness(false);
    return { status: report.status, database: report.database, redis: report.redis, outboxPending: report.outbox?.pending ?? null };
  }

  @Mutation(() => QueuedEmail, { description: 'Queue a test e-mail to check delivery end to end (operators)' })
  @Allow(Permission.OperateSystem)
  async sendTestEmail(@Args('input') input: SendTestEmailInput): Promise<QueuedEmail> {
    const id = await this.notifications.queueTestEmail(input.to, input.language ?? Language.vi);
    return { id, to: input.to, status: 'queued' };
  }
}
