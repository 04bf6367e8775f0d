import 'reflect-metadata';
import { TypeMetadataStorage } from '@nestjs/graphql';
import { LazyMetadataStorage } from '@nestjs/graphql/dist/schema-builder/storages/lazy-metadata.storage';
import { getMetadataStorage } from 'class-validator';
import { API_RESOLVERS } from '../../apps/api/src/resolvers';

/**
 * The validation pipe keeps only the fields of an input or argument class that carry a class-validator rule
 * (whitelist): a field with none arrives as undefined, silently (a `groupId: UUID!` once read as undefined and the
 * query answered an empty list). So every field of every input and args class needs one (at least @IsOptional or
 * @ValidateNested / @Allow).
 */
// Checked field by field in the domain instead (entry-rules.ts), so that one bad entry of a batch is rejected alone:
// logAssists's `entries` is not validated nested, so nothing of these is stripped either.
const CHECKED_IN_THE_DOMAIN = new Set(['AssistEntryInput', 'HouseholdInput', 'ServiceOutcomeInput']);

describe('every GraphQL input field is validated', () => {
  it('has a class-validator rule on each field of each input type and args class', () => {
    expect(API_RESOLVERS.length).toBeGreaterThan(0); // the resolvers, and through them every type, are loaded
    LazyMetadataStorage.load(); // the @Field decorators register lazily
    TypeMetadataStorage.compile(); // attaches each class's fields, inherited ones included
    const storage = getMetadataStorage();
    const classes = [...TypeMetadataStorage.getInputTypesMetadata(), ...TypeMetadataStorage.getArgumentsMetadata()];
    expect(classes.length).toBeGreaterThan(20);
    const missing: string[] = [];
    let fields = 0;
    for (const { target, properties } of classes.filter((c) => !CHECKED_IN_THE_DOMAIN.has(c.target.name))) {
      const rules = new Set(storage.getTargetValidationMetadatas(target as new () => object, '', true, false).map((m) => m.propertyName));
      for (const field of properties ?? []) {
        fields++;
        if (!rules.has(field.name)) missing.push(`${target.name}.${field.name}`);
      }
    }
    expect(fields).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
