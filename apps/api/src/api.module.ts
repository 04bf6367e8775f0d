import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { AccountsModule } from '@cdtg/accounts';
import { AssistsModule } from '@cdtg/assists';
import { RollupsModule } from '@cdtg/rollups';
import { AppConfig } from '@cdtg/config';
import { AuditModule } from '@cdtg/audit';
import { DirectoryModule } from '@cdtg/directory';
import { GeographyModule } from '@cdtg/geography';
import { NotificationsModule } from '@cdtg/notifications';
import { SessionsModule } from '@cdtg/sessions';
import { AccessGuard } from './access/access.guard';
import { TargetResolver } from './access/targets';
import { LoaderFactory } from './common/loaders';
import { graphqlOptions } from './graphql/graphql-options';
import { GraphqlExceptionFilter } from './graphql/graphql-exception.filter';
import { GraphqlValidationPipe } from './graphql/validation.pipe';
import { RateLimitMiddleware } from './graphql/rate-limit.middleware';
import { API_RESOLVERS } from './resolvers';
import { ExportDownloadController } from './rollups/export-download.controller';
import { AgendaPreferenceController } from './sessions/agenda-preference.controller';
import { AssignmentResponseController } from './sessions/assignment-response.controller';
import { NoticeCallbacksController } from './notices/notice-callbacks.controller';
import { CalendarController } from './sessions/calendar.controller';
import { WebConsoleMiddleware } from './web/web-console.middleware';

/** The public GraphQL API. Needs CoreModule beside it (config, database, outbox, health). */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({ driver: ApolloDriver, inject: [AppConfig], useFactory: graphqlOptions }),
    NotificationsModule,
    AuditModule,
    GeographyModule,
    DirectoryModule,
    AccountsModule,
    AssistsModule,
    RollupsModule,
    SessionsModule,
  ],
  controllers: [CalendarController, AgendaPreferenceController, ExportDownloadController, AssignmentResponseController, NoticeCallbacksController],
  providers: [
    ...API_RESOLVERS,
    LoaderFactory,
    TargetResolver,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_PIPE, useClass: GraphqlValidationPipe },
    { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
  ],
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RateLimitMiddleware).forRoutes('graphql');
    // The web console (dist/web) at / for GET requests that are not API routes.
    consumer.apply(WebConsoleMiddleware).forRoutes('{*path}');
  }
}
