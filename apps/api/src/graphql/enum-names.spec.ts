import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  graphqlSync,
  isEnumType,
  printSchema,
} from 'graphql';
import { Period } from '@cdtg/rollups';
import { buildApiGraphqlSchema } from '../schema-sdl';
import { graphqlEnumName, screamingEnumValues } from './enum-names';

describe('enum value names: SCREAMING_SNAKE_CASE in the schema, the code’s values inside', () => {
  it.each([
    ['WardOfficer', 'WARD_OFFICER'],
    ['ResidentialGroup', 'RESIDENTIAL_GROUP'],
    ['VneidLevel2', 'VNEID_LEVEL_2'],
    ['Female60Plus', 'FEMALE_60_PLUS'],
    ['Under35', 'UNDER_35'],
    ['PeopleWithDisabilities', 'PEOPLE_WITH_DISABILITIES'],
    ['Csv', 'CSV'],
    ['HTTPStatus', 'HTTP_STATUS'],
    ['vi', 'VI'],
    ['FEWER_THAN_7_MEMBERS', 'FEWER_THAN_7_MEMBERS'],
    ['NAME', 'NAME'],
  ])('%s → %s', (name, graphql) => expect(graphqlEnumName(name)).toBe(graphql));

  const Kind = new GraphQLEnumType({ name: 'Kind', values: { WeekDay: { value: 'week_day' }, Month: { value: 'month' } } });
  const Filter = new GraphQLInputObjectType({ name: 'Filter', fields: { kind: { type: new GraphQLNonNull(Kind), defaultValue: 'month' } } });
  const schema = screamingEnumValues(
    new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          echo: {
            type: GraphQLString,
            args: { kind: { type: new GraphQLNonNull(Kind), defaultValue: 'week_day' }, filter: { type: Filter } },
            resolve: (_, args) => JSON.stringify(args),
          },
          kind: { type: Kind, resolve: () => 'week_day' },
        },
      }),
    }),
  );

  it('renames the values only: arguments, defaults and results carry the internal values', () => {
    expect(printSchema(schema)).toContain('echo(kind: Kind! = WEEK_DAY, filter: Filter): String');
    expect(printSchema(schema)).toContain('kind: Kind! = MONTH');
    expect(graphqlSync({ schema, source: '{ echo(filter: {}) kind }' }).data).toEqual({
      echo: JSON.stringify({ kind: 'week_day', filter: { kind: 'month' } }),
      kind: 'WEEK_DAY',
    });
    expect(graphqlSync({ schema, source: '{ echo(kind: MONTH) }' }).data).toEqual({ echo: JSON.stringify({ kind: 'month' }) });
    expect(graphqlSync({ schema, source: '{ echo(kind: Month) }' }).errors?.[0].message).toContain('Value "Month" does not exist in "Kind" enum');
  });

  it('refuses two values that would get the same name', () => {
    const clash = new GraphQLEnumType({ name: 'Clash', values: { NoSignal: { value: 'a' }, NO_SIGNAL: { value: 'b' } } });
    const query = new GraphQLObjectType({ name: 'Query', fields: { c: { type: clash } } });
    expect(() => screamingEnumValues(new GraphQLSchema({ query }))).toThrow('Enum Clash: two values get the same GraphQL name');
  });

  it('names every value of the API schema so, with the enums’ values unchanged', async () => {
    const api = await buildApiGraphqlSchema();
    const enums = Object.values(api.getTypeMap()).filter((t): t is GraphQLEnumType => isEnumType(t) && !t.name.startsWith('__'));
    expect(enums.length).toBeGreaterThan(20);
    for (const type of enums) for (const value of type.getValues()) expect(`${type.name}.${value.name}`).toMatch(/^\w+\.[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect((api.getType('Period') as GraphQLEnumType).getValue('CUMULATIVE')?.value).toBe(Period.Cumulative);
  });
});
