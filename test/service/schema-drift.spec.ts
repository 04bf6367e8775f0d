import { readFileSync } from 'node:fs';
import { buildApiSchema } from '../../apps/api/src/schema-sdl';
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

  it('schema.graphql is current (run `npm run schema`)', async () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(await buildApiSchema());
  });
});
