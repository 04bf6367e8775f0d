import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cdtg/config';
import { MailDeliveryService } from './mail-delivery.service';
import { createMailTransport, MAIL_TRANSPORT, MailTransport } from './mail-transport';
import { NotificationService } from './notification.service';

@Module({
  providers: [NotificationService, MailDeliveryService, { provide: MAIL_TRANSPORT, useFactory: createMailTransport, inject: [AppConfig] }],
  exports: [NotificationService, MailDeliveryService],
})
export class NotificationsModule implements OnApplicationShutdown {
  constructor(@Inject(MAIL_TRANSPORT) private readonly transport: MailTransport) {}

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
