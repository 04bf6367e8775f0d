import { DataSource } from 'typeorm';

/** An entity from a raw row of its table (snake_case columns), via TypeORM's own column metadata. */
export function hydrate<T extends object>(dataSource: DataSource, entity: new () => T, row: Record<string, unknown>): T {
  const repository = dataSource.getRepository(entity);
  const fields = repository.metadata.columns.map((c) => [c.propertyName, row[c.databaseName]]);
  return repository.create(Object.fromEntries(fields) as T);
}
