import { getNamedType, GraphQLSchema, isInputObjectType, isObjectType } from 'graphql';
import { buildApiGraphqlSchema } from '../schema-sdl';
import { canonicalUuid, UUID } from './uuid.scalar';

describe('UUID scalar: one parse of every id at the boundary', () => {
  it.each([
    ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['3F2504E0-4F89-41D3-9A0C-0305E82C3301', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['3f2504e04f8941d39a0c0305e82c3301', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['{3f2504e0-4f89-41d3-9a0c-0305e82c3301}', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['{3F2504E04F8941D39A0C0305E82C3301}', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
  ])('canonicalises %s', (given, canonical) => expect(UUID.parseValue(given)).toBe(canonical));

  it.each(['', 'x', '3f2504e0-4f89-41d3-9a0c-0305e82c330', '3f2504e0-4f89-41d3-9a0c-0305e82c3301x', "3f2504e0' OR 1=1 --", '20194', 42, null, {}])(
    'refuses %p',
    (value) => {
      expect(canonicalUuid(value)).toBeNull();
      expect(() => UUID.parseValue(value)).toThrow(/is not an id/);
    },
  );

  let schema: GraphQLSchema;
  beforeAll(async () => (schema = await buildApiGraphqlSchema()));

  const ID_NAME = /^(id|ids)$|[a-z](Id|Ids)$/;
  /**
   * Not references to a stored row: clientId is the idempotency key a phone makes (letters, digits, - and _); the
   * audit filter's objectId matches the text the audit log keeps (some objects are keyed by a code or a pair).
   */
  const NOT_REFERENCES = new Set(['AssistEntryInput.clientId', 'Query.assistClientIds.clientIds', 'AuditFilterInput.objectId']);

  it('no argument or input field is a GraphQL ID, and every id argument is a UUID', () => {
    const offenders: string[] = [];
    const check = (where: string, name: string, type: Parameters<typeof getNamedType>[0]) => {
      const named = getNamedType(type)!.name;
      if (named === 'ID') offenders.push(`${where}: ID (use UUID)`);
      if (ID_NAME.test(name) && named !== 'UUID' && !NOT_REFERENCES.has(where)) offenders.push(`${where}: ${named} (ids are UUID)`);
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type))
        for (const field of Object.values(type.getFields())) for (const arg of field.args) check(`${type.name}.${field.name}.${arg.name}`, arg.name, arg.type);
      if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.name, field.type);
    }
    expect(offenders).toEqual([]);
  });
});
