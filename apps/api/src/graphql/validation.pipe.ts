import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldProblem } from '@cdtg/errors';

/** Flattens class-validator's tree into one problem per field, with its full path. */
export function fieldProblems(errors: ValidationError[], prefix: (string | number)[] = []): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = [...prefix, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...fieldProblems(error.children ?? [], path)];
  });
}

/**
 * Validates GraphQL arguments against their class-validator rules and answers BAD_USER_INPUT naming each field
 * (e.g. input.members.3.phone) with its reason.
 */
@Injectable()
export class GraphqlValidationPipe extends ValidationPipe {
  constructor() {
    super({ transform: true, whitelist: true, forbidUnknownValues: false, stopAtFirstError: true, exceptionFactory: (errors) => errors });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (errors) {
      if (!Array.isArray(errors)) throw errors;
      throw DomainError.invalidFields(fieldProblems(errors as ValidationError[], metadata.data ? [metadata.data] : []));
    }
  }
}
