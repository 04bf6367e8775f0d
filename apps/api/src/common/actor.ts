import { AuditActor } from '@cdtg/audit';

/**
 * The actor of a request. Until accounts exist (issue: accounts and access), every request acts as the anonymous
 * console user; writes are audited under that label.
 */
export const requestActor = (): AuditActor => ({ userId: null, label: 'anonymous' });
