import { DomainError } from '@cdtg/errors';

export const unitNotFound = (code: string, asOf: string) => DomainError.notFound(`Administrative unit ${code} valid on ${asOf}`);
