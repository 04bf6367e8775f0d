import { types } from 'pg';
import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

// DATE columns stay 'YYYY-MM-DD' strings in raw queries too (not Dates at local midnight): calendar days have no zone.
types.setTypeParser(types.builtins.DATE, (value: string) => value);
import { SnakeNamingStrategy } from './naming-strategy';

export interface DataModel {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** The one way a DataSource is configured: apps, the migration CLI and tests all come through here. */
export function dataSourceOptions(url: string, model: DataModel, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: model.entities,
    migrations: model.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
    extra: {
      max: poolSize,
      // Fail fast instead of hanging when the server is gone; callers get a retryable error.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'cdtg',
      // No JIT: our queries are short, and PostgreSQL's JIT compiled the rollups' wide aggregates (dozens of sums, large
      // row estimates from path ranges) for seconds before running them for milliseconds.
      options: '-c timezone=UTC -c jit=off',
    },
  };
}

export function createDataSource(url: string, model: DataModel, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, model, poolSize));
}
