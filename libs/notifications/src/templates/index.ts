import { Language } from '../language';
import { RenderedEmail } from './layout';
import { testEmail, TestEmailParams } from './test-email.template';

/** Every e-mail cdtg sends, with the parameters it needs. */
export interface EmailTemplates {
  test: TestEmailParams;
}

export type EmailTemplateName = keyof EmailTemplates;

const RENDERERS: { [T in EmailTemplateName]: (language: Language, params: EmailTemplates[T]) => RenderedEmail } = {
  test: testEmail,
};

export function renderEmail<T extends EmailTemplateName>(template: T, language: Language, params: EmailTemplates[T]): RenderedEmail {
  const render = RENDERERS[template];
  if (!render) throw new Error(`Unknown e-mail template "${String(template)}"`);
  return render(language, params);
}

export { escapeHtml, layout } from './layout';
export type { RenderedEmail } from './layout';
