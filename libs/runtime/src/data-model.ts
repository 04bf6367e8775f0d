import { ALL_MIGRATIONS, DataModel } from '@cdtg/database';
import { EmailMessage } from '@cdtg/notifications';
import { OutboxMessage } from '@cdtg/queue';

/**
 * Every entity of every feature lib and every migration: the one list behind the apps' DataSource, the
 * migration CLI and the test database. A new entity that is missing here fails the drift test.
 */
export const DATA_MODEL: DataModel = {
  entities: [OutboxMessage, EmailMessage],
  migrations: ALL_MIGRATIONS,
};
