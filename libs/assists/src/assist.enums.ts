/** What volunteers help a household with: the managed catalogue of assistance services. */
export enum AssistService {
  VneidAccount = 'vneid_account',
  VneidLevel2 = 'vneid_level2',
  PortalAccount = 'portal_account',
  OnlineApplication = 'online_application',
  CashlessPayment = 'cashless_payment',
  EhealthRecord = 'ehealth_record',
  Other = 'other',
}

export const ASSIST_SERVICES = Object.values(AssistService);

/** Vietnamese and English names of the services (exports, e-mails, the console). */
export const ASSIST_SERVICE_NAMES: Record<AssistService, { vi: string; en: string }> = {
  [AssistService.VneidAccount]: { vi: 'Tạo tài khoản VNeID', en: 'VNeID account created' },
  [AssistService.VneidLevel2]: { vi: 'Kích hoạt VNeID mức 2', en: 'VNeID level-2 activated' },
  [AssistService.PortalAccount]: { vi: 'Tài khoản Cổng dịch vụ công', en: 'Public-service portal account' },
  [AssistService.OnlineApplication]: { vi: 'Nộp hồ sơ trực tuyến', en: 'Online application filed' },
  [AssistService.CashlessPayment]: { vi: 'Thanh toán không dùng tiền mặt', en: 'Cashless payment set up' },
  [AssistService.EhealthRecord]: { vi: 'Sổ sức khỏe điện tử', en: 'E-health record' },
  [AssistService.Other]: { vi: 'Hỗ trợ khác', en: 'Other' },
};

export enum AssistOutcome {
  Done = 'done',
  FollowUp = 'follow_up',
}

/** Why a service needs a follow-up visit. */
export enum FollowUpReason {
  MissingDocuments = 'missing_documents',
  NoSmartphone = 'no_smartphone',
  NoSignal = 'no_signal',
  Declined = 'declined',
  Other = 'other',
}

export enum EntryStatus {
  Valid = 'valid',
  /** Corrected out of existence, with a reason: kept for the record, no longer counted. */
  Voided = 'voided',
}

/** How a household was identified: its household code (mã hộ), or address + head-of-household name. */
export enum HouseholdKeyKind {
  Code = 'code',
  Address = 'address',
}

/** One service delivered in an entry, with its outcome. */
export interface ServiceOutcome {
  service: AssistService;
  outcome: AssistOutcome;
  /** Required when the outcome is a follow-up. */
  reason: FollowUpReason | null;
}

/** Batch size limit of offline sync. */
export const MAX_BATCH = 500;
