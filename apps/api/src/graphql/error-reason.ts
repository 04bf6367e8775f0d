import { registerEnumType } from '@nestjs/graphql';
import { Reason } from '@cdtg/errors';

/**
 * Why a request or a field was refused: in every error's `extensions.reason` (and each of `extensions.fields`), and in
 * the problems of batch answers. Clients translate it (with `params`); the message is English for logs and API users.
 */
registerEnumType(Reason, {
  name: 'ErrorReason',
  description:
    'Why a request or a field was refused (extensions.reason, extensions.fields[].reason, FieldProblem.reason), with its parameters in params. Translate it; the message is English.',
});

export { Reason };
