import { DomainError, Reason } from '@cdtg/errors';
import { SessionStatus } from './sessions.enums';

/** A session that can no longer change: cancelled has its own reason; held says its status. */
export function notPlanned(session: { status: SessionStatus }, field: string): DomainError {
  return session.status === SessionStatus.Cancelled
    ? DomainError.conflict(Reason.SessionCancelled, undefined, field)
    : DomainError.conflict(Reason.SessionNotPlanned, { status: session.status }, field);
}

/** A count from `min` to `max`: not a whole number and out of range are told apart. */
export function wholeNumber(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value)) throw DomainError.invalid(field, Reason.NotWholeNumber);
  if (value < min || value > max) throw DomainError.invalid(field, Reason.OutOfRange, { min, max });
}
