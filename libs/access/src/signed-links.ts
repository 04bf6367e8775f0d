import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@cdtg/config';

/** What a signed link lets its holder do, without signing in. Each purpose has its own key. */
export type LinkPurpose = 'calendar-feed' | 'agenda-preference' | 'export-download' | 'assignment-response';

/**
 * Links that work without signing in (a calendar app cannot sign in; an unsubscribe link must work from the
 * e-mail; a browser downloads an export): the subject (a member id; an export id and its expiry) plus an HMAC-SHA256
 * of it, under a key derived (HKDF-SHA256) from AUTH_SECRET for the link's purpose. Knowing an id is not enough, a
 * link of one purpose is useless for another, and changing AUTH_SECRET retires every link at once.
 */
@Injectable()
export class SignedLinks {
  private readonly keys: Record<LinkPurpose, Buffer>;

  constructor(private readonly config: AppConfig) {
    const key = (purpose: LinkPurpose) => Buffer.from(hkdfSync('sha256', config.authSecret, 'cdtg-signed-links', purpose, 32));
    this.keys = {
      'calendar-feed': key('calendar-feed'),
      'agenda-preference': key('agenda-preference'),
      'export-download': key('export-download'),
      'assignment-response': key('assignment-response'),
    };
  }

  signature(purpose: LinkPurpose, subject: string): string {
    return createHmac('sha256', this.keys[purpose]).update(subject.toLowerCase()).digest('base64url');
  }

  verify(purpose: LinkPurpose, subject: string, signature: string): boolean {
    const expected = Buffer.from(this.signature(purpose, subject));
    const given = Buffer.from(String(signature ?? ''));
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** The member's personal iCalendar feed (subscribe to it from a phone's calendar). */
  calendarFeedUrl(memberId: string): string {
    return `${this.config.publicUrl}/calendar/${memberId}.ics?sig=${this.signature('calendar-feed', memberId)}`;
  }

  /** The page where the member stops (or resumes) the weekly agenda e-mail. */
  agendaPreferenceUrl(memberId: string): string {
    return `${this.config.publicUrl}/agenda/preference?member=${memberId}&sig=${this.signature('agenda-preference', memberId)}`;
  }

  /**
   * Accept or decline an assignment without signing in, from an e-mail, a ZNS or an SMS: short enough for an SMS,
   * `<PUBLIC_URL>/r/<the assignment id, 22 characters>.<128 bits of its HMAC, 22 characters>`.
   */
  assignmentResponseUrl(assignmentId: string): string {
    return `${this.config.publicUrl}/r/${this.assignmentResponseToken(assignmentId)}`;
  }

  assignmentResponseToken(assignmentId: string): string {
    const id = Buffer.from(assignmentId.replace(/-/g, ''), 'hex').toString('base64url');
    return `${id}.${this.shortSignature(assignmentId)}`;
  }

  /** The assignment id of a response token, or null when it is not one this server signed. */
  assignmentOfResponseToken(token: string): string | null {
    const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(String(token ?? ''));
    if (!match) return null;
    const raw = Buffer.from(match[1], 'base64url');
    // Only the canonical spelling: base64url's last character carries unused bits.
    if (raw.length !== 16 || raw.toString('base64url') !== match[1]) return null;
    const hex = raw.toString('hex');
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const expected = Buffer.from(this.shortSignature(id));
    const given = Buffer.from(match[2]);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
  }

  private shortSignature(assignmentId: string): string {
    return createHmac('sha256', this.keys['assignment-response']).update(assignmentId.toLowerCase()).digest().subarray(0, 16).toString('base64url');
  }

  /** Downloads an export until `expires` (seconds since the epoch). */
  exportDownloadUrl(exportId: string, expires: number): string {
    return `${this.config.publicUrl}/exports/${exportId}?expires=${expires}&sig=${this.signature('export-download', `${exportId}.${expires}`)}`;
  }
}
