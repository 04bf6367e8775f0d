import { Language } from '../language';
import { RenderedEmail } from './layout';
import { testEmail, TestEmailParams } from './test-email.template';
import { invitationEmail, InvitationParams, LinkParams, passwordResetEmail, signInLinkEmail } from './account.templates';
import {
  AssignmentNoticeParams,
  assignmentWithdrawnEmail,
  CancelNoticeParams,
  ChangeNoticeParams,
  sessionAssignedEmail,
  sessionCancelledEmail,
  sessionChangedEmail,
  SessionNoticeParams,
  sessionReminderEmail,
  WeeklyAgendaParams,
  weeklyAgendaEmail,
  WithdrawalNoticeParams,
} from './session.templates';
import { behindPlanEmail, BehindPlanParams, weeklyDigestEmail, WeeklyDigestParams } from './coverage.templates';

/** Every e-mail cdtg sends, with the parameters it needs. */
export interface EmailTemplates {
  test: TestEmailParams;
  invitation: InvitationParams;
  'sign-in-link': LinkParams;
  'password-reset': LinkParams;
  'session-assigned': AssignmentNoticeParams;
  'session-changed': ChangeNoticeParams;
  'session-cancelled': CancelNoticeParams;
  'session-reminder': SessionNoticeParams;
  'assignment-withdrawn': WithdrawalNoticeParams;
  'weekly-agenda': WeeklyAgendaParams;
  'weekly-digest': WeeklyDigestParams;
  'behind-plan': BehindPlanParams;
}

export type EmailTemplateName = keyof EmailTemplates;

const RENDERERS: { [T in EmailTemplateName]: (language: Language, params: EmailTemplates[T]) => RenderedEmail } = {
  test: testEmail,
  invitation: invitationEmail,
  'sign-in-link': signInLinkEmail,
  'password-reset': passwordResetEmail,
  'session-assigned': sessionAssignedEmail,
  'session-changed': sessionChangedEmail,
  'session-cancelled': sessionCancelledEmail,
  'session-reminder': sessionReminderEmail,
  'assignment-withdrawn': assignmentWithdrawnEmail,
  'weekly-agenda': weeklyAgendaEmail,
  'weekly-digest': weeklyDigestEmail,
  'behind-plan': behindPlanEmail,
};

/** Parameters that carry a secret (sign-in links): cleared from the stored message once it has been sent. */
export const SECRET_PARAMS: { [T in EmailTemplateName]?: (keyof EmailTemplates[T])[] } = {
  invitation: ['link'],
  'sign-in-link': ['link'],
  'password-reset': ['link'],
  // Signed links that work without signing in: not kept readable once sent.
  'session-assigned': ['calendarUrl', 'respondUrl'],
  'session-changed': ['calendarUrl'],
  'session-cancelled': ['calendarUrl'],
  'session-reminder': ['calendarUrl'],
  'assignment-withdrawn': ['calendarUrl'],
  'weekly-agenda': ['calendarUrl', 'preferenceUrl'],
};

export function renderEmail<T extends EmailTemplateName>(template: T, language: Language, params: EmailTemplates[T]): RenderedEmail {
  const render = RENDERERS[template];
  if (!render) throw new Error(`Unknown e-mail template "${String(template)}"`);
  return render(language, params);
}

export { button, escapeHtml, layout } from './layout';
export type { RenderedEmail } from './layout';
export type { SessionFacts, SessionNoticeParams, WeeklyAgendaParams } from './session.templates';
export type { BehindPlanItem, BehindPlanParams, WeeklyDigestParams } from './coverage.templates';
export { sessionWhen } from './session.templates';
export { isPhoneTemplate, PHONE_TEMPLATES, renderPhoneMessage, shortWhen } from './phone.templates';
export type { PhoneMessage, PhoneParams, PhoneTemplateName } from './phone.templates';
