import 'reflect-metadata';
import { DomainError } from '@cdtg/errors';
import { Basis } from '@cdtg/rollups';
import { AcceptInvitationInput, TokenPasswordInput } from '../accounts/accounts.types';
import { UpdateGroupInput, UpdateMemberInput } from '../directory/directory.types';
import { LowestCoverageArgs } from '../rollups/rollups.types';
import { GraphqlValidationPipe } from './validation.pipe';

/** Inputs made with PartialType/OmitType/PickType keep the rules of the fields they take. */
describe('mapped inputs keep their rules', () => {
  const pipe = new GraphqlValidationPipe();
  const check = (metatype: new () => object, value: object) => pipe.transform(value, { type: 'body', metatype, data: 'input' });
  const problems = async (metatype: new () => object, value: object) => {
    try {
      await check(metatype, value);
      return [];
    } catch (e) {
      // Each bad field with its reason and the reason's parameters (the English message is made from them).
      return (e as DomainError).fields.map((p) => `${p.path.join('.')}: ${p.reason}${p.params ? ` ${JSON.stringify(p.params)}` : ''}`).sort();
    }
  };

  it('updates of groups and members: every field optional, each checked when given', async () => {
    expect(await problems(UpdateGroupInput, {})).toEqual([]);
    expect(await problems(UpdateGroupInput, { name: null, decisionDate: null })).toEqual([]);
    expect(await problems(UpdateGroupInput, { name: 'x'.repeat(201), decisionDate: '1/2/2025' })).toEqual([
      'input.decisionDate: BAD_DATE',
      'input.name: TOO_LONG {"max":200}',
    ]);
    // Fields left out are no part of the input (GraphQL refuses them first).
    expect(await check(UpdateGroupInput, { name: 'Tổ 5', unitId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' })).toEqual({ name: 'Tổ 5' });
    expect(await problems(UpdateMemberInput, { phone: '0912 345 678' })).toEqual([]);
    expect(await problems(UpdateMemberInput, { birthYear: 1800, skills: Array(21).fill('vneid') })).toEqual([
      'input.birthYear: TOO_SMALL {"min":1900}',
      'input.skills: TOO_MANY {"max":20}',
    ]);
    expect(await check(UpdateMemberInput, { fullName: 'Lê Văn A', joinedOn: '2025-01-01' })).toEqual({ fullName: 'Lê Văn A' });
  });

  it('lowest coverage: the picked arguments with their default, and its own `to` and `first`', async () => {
    const args = (await check(LowestCoverageArgs, { unitCode: '48', level: 'commune' })) as LowestCoverageArgs;
    expect(args).toMatchObject({ unitCode: '48', level: 'commune', basis: Basis.All, first: 5 });
    expect(await problems(LowestCoverageArgs, { unitCode: 'x'.repeat(31), level: 'commune', to: '2025', first: 101 })).toEqual([
      'input.first: TOO_LARGE {"max":100}',
      'input.to: BAD_DATE',
      'input.unitCode: TOO_LONG {"max":30}',
    ]);
  });

  it('passwords from e-mailed links: the sign-in rules', async () => {
    expect(await problems(TokenPasswordInput, { token: 't', password: 'x'.repeat(201) })).toEqual(['input.password: TOO_LONG {"max":200}']);
    expect(await problems(AcceptInvitationInput, { token: 't', password: 'x'.repeat(201), displayName: 'x'.repeat(121) })).toEqual([
      'input.displayName: TOO_LONG {"max":120}',
      'input.password: TOO_LONG {"max":200}',
    ]);
  });
});
