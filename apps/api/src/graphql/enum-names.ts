import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema, isEnumType } from 'graphql';

/**
 * The GraphQL name of an enum value: SCREAMING_SNAKE_CASE, a word per capital and digits apart
 * (`WardOfficer` → `WARD_OFFICER`, `VneidLevel2` → `VNEID_LEVEL_2`, `vi` → `VI`). Names already written so stay.
 */
export function graphqlEnumName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([A-Za-z])(\d)/g, '$1_$2')
    .replace(/(\d)([A-Za-z])/g, '$1_$2')
    .toUpperCase();
}

/**
 * The schema as served and printed: the code's enums (keys in PascalCase) with their values named in
 * SCREAMING_SNAKE_CASE. Only the names change: resolvers and services receive the enums' own values, as before.
 * mapSchema carries default values over by their names, which the rename changes; defaults are the enums' own values
 * (untouched), so they are put back from the original schema.
 */
export function screamingEnumValues(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type) || type.name.startsWith('__')) continue;
    const names = type.getValues().map((v) => graphqlEnumName(v.name));
    if (new Set(names).size !== names.length) throw new Error(`Enum ${type.name}: two values get the same GraphQL name`);
  }
  return mapSchema(schema, {
    [MapperKind.ENUM_VALUE]: (config, _type, _schema, name) => [graphqlEnumName(name), config],
    [MapperKind.FIELD]: (config, fieldName, typeName) => {
      const original = (schema.getType(typeName) as GraphQLObjectType | GraphQLInputObjectType).getFields()[fieldName];
      if ('args' in original) {
        const defaults = new Map(original.args.map((a) => [a.name, a.defaultValue]));
        const args =
          'args' in config && config.args
            ? Object.fromEntries(Object.entries(config.args).map(([name, arg]) => [name, { ...arg, defaultValue: defaults.get(name) }]))
            : undefined;
        return { ...config, args };
      }
      return { ...config, defaultValue: original.defaultValue };
    },
  });
}
