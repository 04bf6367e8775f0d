import { VIETNAM_TZ } from '@cdtg/time';
import { Language } from '../language';
import { layout, RenderedEmail } from './layout';

export interface TestEmailParams {
  requestedAt: string;
}

/** Sent by an operator to check that mail delivery works end to end. */
export function testEmail(language: Language, params: TestEmailParams): RenderedEmail {
  const at = new Date(params.requestedAt).toLocaleString(language === Language.vi ? 'vi-VN' : 'en-GB', { timeZone: VIETNAM_TZ });
  return language === Language.vi
    ? layout(language, 'Thư kiểm tra từ hệ thống cdtg', [
        { text: 'Xin chào,' },
        { text: `Đây là thư kiểm tra được yêu cầu lúc ${at} (giờ Việt Nam). Nếu bạn nhận được thư này, hệ thống gửi thư đang hoạt động bình thường.` },
      ])
    : layout(language, 'Test message from cdtg', [
        { text: 'Hello,' },
        { text: `This is a test message requested at ${at} (Vietnam time). If you received it, mail delivery works.` },
      ]);
}
