import { AccountResolvers } from './accounts/accounts.resolver';
import { AssistResolvers } from './assists/assists.resolver';
import { RollupResolvers } from './rollups/rollups.resolver';
import { AuditResolver } from './audit/audit.resolver';
import { DirectoryResolvers } from './directory/directory.resolver';
import { GeographyResolver } from './geography/geography.resolver';
import { SessionResolvers } from './sessions/sessions.resolver';
import { SystemResolver } from './system/system.resolver';
import { NoticesResolver } from './notices/notices.resolver';

/** Every resolver of the public API: provided by ApiModule and used to print schema.graphql. */
export const API_RESOLVERS = [
  SystemResolver,
  GeographyResolver,
  ...DirectoryResolvers,
  ...AccountResolvers,
  AuditResolver,
  ...AssistResolvers,
  ...SessionResolvers,
  NoticesResolver,
  ...RollupResolvers,
];
