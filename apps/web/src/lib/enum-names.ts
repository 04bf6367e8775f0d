/**
 * The API names enum values in SCREAMING_SNAKE_CASE (`VNEID_LEVEL_2`); it used to name them in PascalCase
 * (`VneidLevel2`). What a phone kept from before (queued entries, the cached account) is renamed when it is read, by
 * the server's rule (apps/api/src/graphql/enum-names.ts). Values already so named come back unchanged.
 */
export function currentEnumName(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([A-Za-z])(\d)/g, '$1_$2')
    .replace(/(\d)([A-Za-z])/g, '$1_$2')
    .toUpperCase();
}

/** A queued entry's services (service, outcome, follow-up reason) as the API names them now. */
export function currentServiceNames<S extends { service: string; outcome: string; reason?: string }>(services: S[]): S[] {
  return services.map((s) => ({
    ...s,
    service: currentEnumName(s.service),
    outcome: currentEnumName(s.outcome),
    ...(s.reason ? { reason: currentEnumName(s.reason) } : {}),
  }));
}

/** The assistance services and follow-up reasons, as the API names them now (AssistService, FollowUpReason). */
export const SERVICES = ['VNEID_ACCOUNT', 'VNEID_LEVEL_2', 'PORTAL_ACCOUNT', 'ONLINE_APPLICATION', 'CASHLESS_PAYMENT', 'EHEALTH_RECORD', 'OTHER'] as const;
export const REASONS = ['MISSING_DOCUMENTS', 'NO_SMARTPHONE', 'NO_SIGNAL', 'DECLINED', 'OTHER'] as const;
