export * from './email-message.entity';
export * from './language';
export * from './mail-delivery.service';
export * from './mail-transport';
export * from './notification.service';
export * from './notifications.module';
export * from './templates';
