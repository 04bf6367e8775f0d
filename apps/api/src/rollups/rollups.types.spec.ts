import { buildSchema, GraphQLObjectType } from 'graphql';
import { MeasureGroups, SHOWN } from '@cdtg/rollups';
import { buildApiSchema } from '../schema-sdl';

describe('CoverageRow (GraphQL) from the measure registry', () => {
  it('has a Float field per measure shown on its own, with its description, and a list per group', async () => {
    const row = buildSchema(await buildApiSchema()).getType('CoverageRow') as GraphQLObjectType;
    const fields = row.getFields();
    for (const { name, row: shown } of SHOWN) {
      if (!('field' in shown)) continue;
      expect([name, String(fields[shown.field]?.type)]).toEqual([name, 'Float!']);
      expect(fields[shown.field].description ?? undefined).toBe(shown.description);
    }
    const groups: Record<keyof MeasureGroups, string> = { services: '[ServiceCount!]!', trained: '[TrainedCount!]!' };
    for (const [group, type] of Object.entries(groups)) expect(String(fields[group].type)).toBe(type);
  });
});
