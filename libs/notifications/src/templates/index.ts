import { Language } from '../language';
import { RenderedEmail } from './layout';
import { testEmail, TestEmailParams } from './test-email.template';
import { invitationEmail, InvitationParams, LinkParams, passwordResetEmail, signInLinkEmail } from './account.templates';

/** Every e-mail cdtg sends, with the parameters it needs. */
export interface EmailTemplates {
  test: TestEmailParams;
  invitation: InvitationParams;
  'sign-in-link': LinkParams;
  'password-reset': LinkParams;
}

export type EmailTemplateName = keyof EmailTemplates;

const RENDERERS: { [T in EmailTemplateName]: (language: Language, params: EmailTemplates[T]) => RenderedEmail } = {
  test: testEmail,
  invitation: invitationEmail,
  'sign-in-link': signInLinkEmail,
  'password-reset': passwordResetEmail,
};

/** Parameters that carry a secret (sign-in links): cleared from the stored message once it has been sent. */
export const SECRET_PARAMS: { [T in EmailTemplateName]?: (keyof EmailTemplates[T])[] } = {
  invitation: ['link'],
  'sign-in-link': ['link'],
  'password-reset': ['link'],
};

export function renderEmail<T extends EmailTemplateName>(template: T, language: Language, params: EmailTemplates[T]): RenderedEmail {
  const render = RENDERERS[template];
  if (!render) throw new Error(`Unknown e-mail template "${String(template)}"`);
  return render(language, params);
}

export { escapeHtml, layout } from './layout';
export type { RenderedEmail } from './layout';
