import { Injectable } from '@nestjs/common';
import { SignedLinks } from '@cdtg/access';
import { AssignmentResponse, AssignmentService } from './assignment.service';
import { SessionAssignment } from './session-assignment.entity';
import { SessionRepository } from './session.repository';
import { SessionStatus } from './sessions.enums';

export interface SignedAssignment {
  assignment: SessionAssignment;
  fullName: string;
  language: 'vi' | 'en';
  session: { title: string; startsAt: Date; endsAt: Date; place: string; status: SessionStatus };
}

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
    return {
      assignment,
      fullName: contact.fullName,
      language: contact.language,
      session: { title: session.title, startsAt: session.startsAt, endsAt: session.endsAt, place: session.place, status: session.status },
    };
  }

  /** Records the answer given through the link, as the member's own, by "signed link"; null for a bad link. */
  async respond(token: string, response: AssignmentResponse): Promise<SessionAssignment | null> {
    const assignmentId = this.links.assignmentOfResponseToken(token);
    if (!assignmentId) return null;
    return this.assignments.respond({ userId: null, label: 'signed link' }, assignmentId, response);
  }
}
