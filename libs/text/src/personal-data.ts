import { DomainError, FieldProblem, problem, Reason } from '@cdtg/errors';
import { findPersonalNumbers, PersonalNumberKind } from './personal-numbers';

export { findPersonalNumbers } from './personal-numbers';
export type { PersonalNumberKind } from './personal-numbers';

/** Why a refused field is refused: clients translate the reason (docs/households.md). */
export const PERSONAL_NUMBER_REASONS: Record<PersonalNumberKind, Reason> = {
  'national-id': Reason.HoldsIdNumber,
  phone: Reason.HoldsPhoneNumber,
};

/** One problem per kind of identifier found in `text` (none for empty text), each with the field's path. */
export function personalNumberProblems(path: (string | number)[], text: string | null | undefined): FieldProblem[] {
  if (!text) return [];
  return findPersonalNumbers(text).map((kind) => problem(path, PERSONAL_NUMBER_REASONS[kind]));
}

/** Refuses (INVALID_INPUT naming the field) free text that holds a national ID or phone number. */
export function assertNoPersonalNumbers(field: string | (string | number)[], text: string | null | undefined): void {
  const path = Array.isArray(field) ? field : field.split('.');
  const problems = personalNumberProblems(path, text);
  if (problems.length === 1) throw DomainError.invalid(path, problems[0].reason!);
  if (problems.length > 1) throw DomainError.invalidFields(problems);
}
