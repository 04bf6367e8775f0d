import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { Clock } from '@cdtg/time';
import { ConsentService } from './channels/consent.service';
import { NoticeChannel } from './channels/notice-channel';
import { NoticeDeliveryService } from './channels/notice-delivery.service';
import { NoticeReceipts } from './channels/notice-receipts.service';
import { PhoneProvider, SMS_PROVIDER, ZNS_PROVIDER } from './channels/provider';
import { FilePhoneProvider, HttpSmsProvider, OffPhoneProvider } from './channels/sms.provider';
import { ZnsProvider } from './channels/zns.provider';
import { MailDeliveryService } from './mail-delivery.service';
import { createMailTransport, MAIL_TRANSPORT, MailTransport } from './mail-transport';
import { NotificationService } from './notification.service';

/** A configured provider; else files under DATA_DIR (development, tests) or the channel off (production). */
function unconfigured(channel: NoticeChannel.ZaloZns | NoticeChannel.Sms, config: AppConfig): PhoneProvider {
  return config.isProduction ? new OffPhoneProvider(channel) : new FilePhoneProvider(channel, config);
}

@Module({
  providers: [
    NotificationService,
    MailDeliveryService,
    NoticeDeliveryService,
    NoticeReceipts,
    ConsentService,
    { provide: MAIL_TRANSPORT, useFactory: createMailTransport, inject: [AppConfig] },
    {
      provide: ZNS_PROVIDER,
      useFactory: (config: AppConfig, dataSource: DataSource, clock: Clock): PhoneProvider =>
        config.ZNS_API_URL ? new ZnsProvider(config, dataSource, clock) : unconfigured(NoticeChannel.ZaloZns, config),
      inject: [AppConfig, DataSource, Clock],
    },
    {
      provide: SMS_PROVIDER,
      useFactory: (config: AppConfig): PhoneProvider => (config.SMS_API_URL ? new HttpSmsProvider(config) : unconfigured(NoticeChannel.Sms, config)),
      inject: [AppConfig],
    },
  ],
  exports: [NotificationService, MailDeliveryService, NoticeDeliveryService, NoticeReceipts, ConsentService],
})
export class NotificationsModule implements OnApplicationShutdown {
  constructor(@Inject(MAIL_TRANSPORT) private readonly transport: MailTransport) {}

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
