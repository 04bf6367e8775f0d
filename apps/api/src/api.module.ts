import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { AppConfig } from '@cdtg/config';
import { AuditModule } from '@cdtg/audit';
import { DirectoryModule } from '@cdtg/directory';
import { GeographyModule } from '@cdtg/geography';
import { NotificationsModule } from '@cdtg/notifications';
import { LoaderFactory } from './common/loaders';
import { graphqlOptions } from './graphql/graphql-options';
import { GraphqlExceptionFilter } from './graphql/graphql-exception.filter';
import { GraphqlValidationPipe } from './graphql/validation.pipe';
import { API_RESOLVERS } from './resolvers';

/** The public GraphQL API. Needs CoreModule beside it (config, database, outbox, health). */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({ driver: ApolloDriver, inject: [AppConfig], useFactory: graphqlOptions }),
    NotificationsModule,
    AuditModule,
    GeographyModule,
    DirectoryModule,
  ],
  providers: [
    ...API_RESOLVERS,
    LoaderFactory,
    { provide: APP_PIPE, useClass: GraphqlValidationPipe },
    { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
  ],
})
export class ApiModule {}
