import { Args, Query, Resolver } from '@nestjs/graphql';
import { DataScope, Permission } from '@cdtg/access';
import { AuditService } from '@cdtg/audit';
import { Allow, Scope } from '../access/access.decorators';
import { toConnection } from '../common/connection';
import { AuditEventConnection, AuditEventsArgs } from './audit.types';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditEventConnection, { description: 'Recorded writes on objects in your scope, newest first' })
  @Allow(Permission.ReadAudit)
  async auditEvents(@Args() args: AuditEventsArgs, @Scope() scope: DataScope) {
    return toConnection(await this.audit.list(scope, args.filter ?? {}, { first: args.first, after: args.after }));
  }
}
