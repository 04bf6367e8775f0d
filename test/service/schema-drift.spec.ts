import { readFileSync } from 'node:fs';
import { buildApiSchema } from '../../apps/api/src/schema-sdl';
import { execFileSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { schemaTypesSource } from '@cdtg/database';
import { pendingSchemaChanges } from '@cdtg/runtime';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('schemas stay in step with the code', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(async () => db?.drop());

  it('migrations produce exactly the tables the entities describe (run `npm run migration:generate -- <Name>`)', async () => {
    const { up } = await pendingSchemaChanges(db.url);
    expect(up).toEqual([]);
  });

  it('db.generated.ts, the types typed SQL is checked against, is current (run `npm run migration:types`)', async () => {
    const file = 'libs/database/src/db.generated.ts';
    const dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    try {
      const prettier = require.resolve('prettier/bin/prettier.cjs');
      const source = execFileSync(process.execPath, [prettier, '--stdin-filepath', file], { input: await schemaTypesSource(dataSource), encoding: 'utf8' });
      expect(readFileSync(file, 'utf8')).toBe(source);
    } finally {
      await dataSource.destroy();
    }
  });

  it('schema.graphql is current (run `npm run schema`)', async () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(await buildApiSchema());
  });
});
