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
