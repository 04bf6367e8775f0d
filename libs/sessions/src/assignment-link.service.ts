import { Injectable } from '@nestjs/common';
import { SignedLinks } from '@cdtg/access';
import { ConsentSource, NoticeChannel } from '@cdtg/notifications';
import { AssignmentResponse, AssignmentService } from './assignment.service';
import { MemberNoticesService } from './member-notices.service';
import { SessionAssignment } from './session-assignment.entity';
import { SessionRepository } from './session.repository';
import { SessionStatus } from './sessions.enums';

export interface SignedAssignment {
  assignment: SessionAssignment;
  fullName: string;
  language: 'vi' | 'en';
  session: { title: string; startsAt: Date; endsAt: Date; place: string; status: SessionStatus };
  /** The phone channels (ZNS, SMS) the member consents to now: the page offers to stop them. */
  phoneChannels: NoticeChannel[];
}

/** Who a change made through the link is recorded as. */
const BY_LINK = { userId: null, label: 'signed link' };
const PHONE_CHANNELS = [NoticeChannel.ZaloZns, NoticeChannel.Sms];

/**
 * Act from the message: the signed link of an assignment notice (SignedLinks.assignmentResponseUrl, in the e-mail,
 * the ZNS and the SMS) answers the assignment for a member with or without an account, under the same rules as the
 * member's own answer in the app (AssignmentService.respond).
 */
@Injectable()
export class AssignmentLinkService {
  constructor(
    private readonly links: SignedLinks,
    private readonly repository: SessionRepository,
    private readonly assignments: AssignmentService,
    private readonly notices: MemberNoticesService,
  ) {}

  /** The assignment, its session and the member's name and language; null for a link this server did not sign. */
  async signedAssignment(token: string): Promise<SignedAssignment | null> {
    const assignmentId = this.links.assignmentOfResponseToken(token);
    if (!assignmentId) return null;
    const [assignment] = await this.repository.assignmentsByIds([assignmentId]);
    if (!assignment) return null;
    const [session] = await this.repository.sessionsByIds([assignment.sessionId]);
    const contact = await this.repository.memberContact(assignment.memberId);
    if (!session || !contact) return null;
    const standing = (await this.notices.view(assignment.memberId)).channels;
    return {
      assignment,
      fullName: contact.fullName,
      language: contact.language,
      session: { title: session.title, startsAt: session.startsAt, endsAt: session.endsAt, place: session.place, status: session.status },
      phoneChannels: standing.filter((c) => c.granted && PHONE_CHANNELS.includes(c.channel)).map((c) => c.channel),
    };
  }

  /** Records the answer given through the link, as the member's own, by "signed link"; null for a bad link. */
  async respond(token: string, response: AssignmentResponse): Promise<SessionAssignment | null> {
    const assignmentId = this.links.assignmentOfResponseToken(token);
    if (!assignmentId) return null;
    return this.assignments.respond(BY_LINK, assignmentId, response);
  }

  /**
   * The member withdraws their consent to messages by phone (ZNS and SMS) from the link in one of them: recorded as
   * their own withdrawal (source MEMBER, by "signed link"); e-mail is unchanged. False for a bad link.
   */
  async stopPhoneMessages(token: string): Promise<boolean> {
    const found = await this.signedAssignment(token);
    if (!found) return false;
    // Both channels in one transaction: never ZNS stopped and SMS still on.
    await this.notices.recordConsents(
      BY_LINK,
      found.assignment.memberId,
      found.phoneChannels.map((channel) => ({ channel, granted: false, source: ConsentSource.Member })),
    );
    return true;
  }
}
