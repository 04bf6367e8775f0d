/** The ways a notice reaches a member. */
export enum NoticeChannel {
  Email = 'email',
  ZaloZns = 'zns',
  Sms = 'sms',
}

export const ALL_NOTICE_CHANNELS = Object.values(NoticeChannel);

/** The order tried when the member has no preference, and after their preferred channel: ZNS refused → SMS → e-mail. */
export const FALLBACK_ORDER: readonly NoticeChannel[] = [NoticeChannel.ZaloZns, NoticeChannel.Sms, NoticeChannel.Email];

/** How a consent was given or withdrawn (Decree 13/2023 art. 11: the way must be recorded and provable). */
export enum ConsentSource {
  /** A signed paper form, kept by the ward. */
  PaperForm = 'paper-form',
  /** Said to an officer in person. */
  InPerson = 'in-person',
  /** Said on a phone call with an officer. */
  PhoneCall = 'phone-call',
  /** The member themselves, signed in (or from a signed link). */
  Member = 'member',
}

/** Through what a consent change was recorded: shown translated in the console, never as server text. */
export enum ConsentRecordedVia {
  /** An officer recorded how the member told them. */
  Officer = 'officer',
  /** The member, signed in to their own account. */
  MemberAccount = 'member-account',
  /** The member, from the signed link in a notice (no account). */
  SignedLink = 'signed-link',
}

/** The way a recorded row came: no account → the signed link; the member's own act from an account → that account. */
export function consentRecordedVia(row: { recordedBy: string | null; source: string }): ConsentRecordedVia {
  if (!row.recordedBy) return ConsentRecordedVia.SignedLink;
  return row.source === (ConsentSource.Member as string) ? ConsentRecordedVia.MemberAccount : ConsentRecordedVia.Officer;
}
