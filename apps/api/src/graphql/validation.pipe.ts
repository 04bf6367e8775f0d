import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { DomainError, FieldProblem, problem, Reason, ReasonParams } from '@cdtg/errors';

/** class-validator's checks and the reason each refusal gives, from the check's arguments (e.g. maxLength(200)). */
const CHECKS: Record<string, (args: unknown[]) => { reason: Reason; params?: ReasonParams }> = {
  isString: () => ({ reason: Reason.NotText }),
  isInt: () => ({ reason: Reason.NotWholeNumber }),
  isNumber: () => ({ reason: Reason.NotNumber }),
  isBoolean: () => ({ reason: Reason.NotBoolean }),
  isArray: () => ({ reason: Reason.NotAList }),
  isUuid: () => ({ reason: Reason.InvalidId }),
  isEmail: () => ({ reason: Reason.NotAnEmail }),
  isEnum: () => ({ reason: Reason.NotInList }),
  isIn: ([allowed]) => ({ reason: Reason.NotInList, params: { allowed: (allowed as unknown[]).map(String) } }),
  isDefined: () => ({ reason: Reason.Required }),
  isNotEmpty: () => ({ reason: Reason.Required }),
  maxLength: ([max]) => ({ reason: Reason.TooLong, params: { max: Number(max) } }),
  minLength: ([min]) => ({ reason: Reason.TooShort, params: { min: Number(min) } }),
  max: ([max]) => ({ reason: Reason.TooLarge, params: { max: Number(max) } }),
  min: ([min]) => ({ reason: Reason.TooSmall, params: { min: Number(min) } }),
  arrayMaxSize: ([max]) => ({ reason: Reason.TooMany, params: { max: Number(max) } }),
  arrayMinSize: ([min]) => ({ reason: Reason.TooFew, params: { min: Number(min) } }),
  arrayNotEmpty: () => ({ reason: Reason.TooFew, params: { min: 1 } }),
  whitelistValidation: () => ({ reason: Reason.Invalid }),
};

/** The arguments a check was declared with on a property (maxLength(200) → [200]). */
function argumentsOf(target: object | undefined, property: string, check: string): unknown[] {
  if (!target) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return metadata.find((m) => m.propertyName === property && m.name === check)?.constraints ?? [];
}

/**
 * Flattens class-validator's tree into one problem per field, with its full path and reason: the reason a check
 * declares in its context (IsDateText: BAD_DATE), else the one of its kind (CHECKS), else INVALID.
 */
export function fieldProblems(errors: ValidationError[], prefix: (string | number)[] = []): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = [...prefix, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const own = Object.entries(error.constraints ?? {}).map(([check, message]): FieldProblem => {
      const declared = error.contexts?.[check] as { reason?: Reason; params?: ReasonParams } | undefined;
      if (declared?.reason) return problem(path, declared.reason, declared.params);
      const known = CHECKS[check]?.(argumentsOf(error.target, error.property, check));
      return known ? problem(path, known.reason, known.params) : { path, message, reason: Reason.Invalid };
    });
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
    if (value.includes('\u0000') || LONE_SURROGATE.test(value)) return [problem(path, Reason.UnreadableText)];
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
    // The target (the input object) stays on each error for fieldProblems to read the checks' arguments; it never leaves the pipe.
    super({
      transform: true,
      whitelist: true,
      forbidUnknownValues: false,
      stopAtFirstError: true,
      validationError: { target: true, value: false },
      exceptionFactory: (errors) => errors,
    });
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
