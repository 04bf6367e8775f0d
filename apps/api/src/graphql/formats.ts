import { Matches, ValidationOptions } from 'class-validator';
import { Reason, reasonText } from '@cdtg/errors';

/** A day as the API takes it: YYYY-MM-DD (a day in Asia/Ho_Chi_Minh). */
export const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
/** A time as the API takes it: 2026-12-05T08:00 (Vietnam time), or ISO 8601 with an offset. */
export const TIME_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** The field is a day written YYYY-MM-DD (refused with the reason BAD_DATE). */
export const IsDateText = (options: ValidationOptions = {}) =>
  Matches(DATE_TEXT, { message: reasonText(Reason.BadDate), context: { reason: Reason.BadDate }, ...options });

/** The field is a time written 2026-12-05T08:00 or ISO 8601 with an offset (refused with the reason BAD_TIME). */
export const IsTimeText = (options: ValidationOptions = {}) =>
  Matches(TIME_TEXT, { message: reasonText(Reason.BadTime), context: { reason: Reason.BadTime }, ...options });
