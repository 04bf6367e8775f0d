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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text no field may hold: a NUL character (PostgreSQL text cannot store it) or half of a UTF-16 surrogate pair (not a
 * character at all; it breaks encoders, e.g. of e-mail addresses). One problem per such string, with its path.
 */
export function unreadableText(value: unknown, path: (string | number)[] = []): FieldProblem[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return [{ path, message: 'must not contain a NUL character' }];
    if (LONE_SURROGATE.test(value)) return [{ path, message: 'is not valid Unicode text' }];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unreadableText(v, [...path, i]));
  // Arguments only: plain objects as GraphQL builds them (the request, the actor and other class instances are not input).
  const proto = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) return Object.entries(value as object).flatMap(([k, v]) => unreadableText(v, [...path, k]));
  return [];
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
    const unreadable = metadata.type === 'custom' ? [] : unreadableText(value, metadata.data ? [metadata.data] : []);
    if (unreadable.length > 0) throw DomainError.invalidFields(unreadable);
    try {
      return await super.transform(value, metadata);
    } catch (errors) {
      if (!Array.isArray(errors)) throw errors;
      throw DomainError.invalidFields(fieldProblems(errors as ValidationError[], metadata.data ? [metadata.data] : []));
    }
  }
}
