import { VIETNAM_TZ } from '@cdtg/time';
import { Language } from '../language';
import { button, escapeHtml, layout, RenderedEmail } from './layout';

const ROLE_LABELS: Record<string, Record<Language, string>> = {
  ADMIN: { vi: 'Quản trị hệ thống', en: 'Administrator' },
  DEPARTMENT: { vi: 'Cán bộ Sở (cấp tỉnh/thành phố)', en: 'Department officer' },
  WARD_OFFICER: { vi: 'Cán bộ phường/xã', en: 'Ward officer' },
  GROUP_LEAD: { vi: 'Tổ trưởng tổ công nghệ số', en: 'Group lead' },
  VOLUNTEER: { vi: 'Thành viên tổ công nghệ số', en: 'Volunteer' },
};

const when = (iso: string, language: Language) =>
  new Date(iso).toLocaleString(language === Language.vi ? 'vi-VN' : 'en-GB', { timeZone: VIETNAM_TZ, dateStyle: 'short', timeStyle: 'short' });

export interface InvitationParams {
  displayName: string;
  invitedBy: string;
  /** Role codes with the name of their scope, e.g. { role: 'WARD_OFFICER', scope: 'Phường Hải Châu' }. */
  grants: { role: string; scope: string | null }[];
  link: string;
  expiresAt: string;
}

export function invitationEmail(language: Language, p: InvitationParams): RenderedEmail {
  const roles = p.grants.map((g) => `${ROLE_LABELS[g.role]?.[language] ?? g.role}${g.scope ? ` – ${g.scope}` : ''}`);
  return language === Language.vi
    ? layout(language, 'Lời mời tham gia hệ thống Tổ công nghệ số cộng đồng', [
        { text: `Xin chào ${p.displayName},` },
        { text: `${p.invitedBy} mời bạn tham gia hệ thống điều phối Tổ công nghệ số cộng đồng với vai trò: ${roles.join('; ')}.` },
        {
          text: `Mở liên kết sau để đặt mật khẩu và kích hoạt tài khoản (hiệu lực đến ${when(p.expiresAt, language)}, chỉ dùng được một lần):\n${p.link}`,
          html: `Bấm nút dưới đây để đặt mật khẩu và kích hoạt tài khoản (hiệu lực đến ${escapeHtml(when(p.expiresAt, language))}, chỉ dùng được một lần).<br><br>${button(p.link, 'Kích hoạt tài khoản')}`,
        },
        { text: 'Nếu bạn không mong đợi thư này, hãy bỏ qua nó.' },
      ])
    : layout(language, 'Invitation to the community digital technology groups platform', [
        { text: `Hello ${p.displayName},` },
        { text: `${p.invitedBy} invites you to the community digital technology groups platform as: ${roles.join('; ')}.` },
        {
          text: `Open this link to set your password and activate your account (valid until ${when(p.expiresAt, language)}, single use):\n${p.link}`,
          html: `Press the button to set your password and activate your account (valid until ${escapeHtml(when(p.expiresAt, language))}, single use).<br><br>${button(p.link, 'Activate my account')}`,
        },
        { text: 'If you did not expect this message, ignore it.' },
      ]);
}

export interface LinkParams {
  displayName: string;
  link: string;
  expiresAt: string;
}

export function signInLinkEmail(language: Language, p: LinkParams): RenderedEmail {
  return language === Language.vi
    ? layout(language, 'Liên kết đăng nhập cdtg', [
        { text: `Xin chào ${p.displayName},` },
        {
          text: `Mở liên kết sau để đăng nhập (hiệu lực đến ${when(p.expiresAt, language)}, chỉ dùng được một lần):\n${p.link}`,
          html: `Bấm nút dưới đây để đăng nhập (hiệu lực đến ${escapeHtml(when(p.expiresAt, language))}, chỉ dùng được một lần).<br><br>${button(p.link, 'Đăng nhập')}`,
        },
        { text: 'Nếu bạn không yêu cầu đăng nhập, hãy bỏ qua thư này; tài khoản của bạn vẫn an toàn.' },
      ])
    : layout(language, 'Your cdtg sign-in link', [
        { text: `Hello ${p.displayName},` },
        {
          text: `Open this link to sign in (valid until ${when(p.expiresAt, language)}, single use):\n${p.link}`,
          html: `Press the button to sign in (valid until ${escapeHtml(when(p.expiresAt, language))}, single use).<br><br>${button(p.link, 'Sign in')}`,
        },
        { text: 'If you did not ask to sign in, ignore this message; your account is safe.' },
      ]);
}

export function passwordResetEmail(language: Language, p: LinkParams): RenderedEmail {
  return language === Language.vi
    ? layout(language, 'Đặt lại mật khẩu cdtg', [
        { text: `Xin chào ${p.displayName},` },
        {
          text: `Mở liên kết sau để đặt mật khẩu mới (hiệu lực đến ${when(p.expiresAt, language)}, chỉ dùng được một lần):\n${p.link}`,
          html: `Bấm nút dưới đây để đặt mật khẩu mới (hiệu lực đến ${escapeHtml(when(p.expiresAt, language))}, chỉ dùng được một lần).<br><br>${button(p.link, 'Đặt lại mật khẩu')}`,
        },
        { text: 'Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu hiện tại vẫn giữ nguyên.' },
      ])
    : layout(language, 'Reset your cdtg password', [
        { text: `Hello ${p.displayName},` },
        {
          text: `Open this link to choose a new password (valid until ${when(p.expiresAt, language)}, single use):\n${p.link}`,
          html: `Press the button to choose a new password (valid until ${escapeHtml(when(p.expiresAt, language))}, single use).<br><br>${button(p.link, 'Reset password')}`,
        },
        { text: 'If you did not ask for this, ignore this message; your password stays as it is.' },
      ]);
}
