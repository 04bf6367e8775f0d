import { Language } from '../language';
import { escapeHtml, layout, renderEmail } from '.';

describe('e-mail templates', () => {
  it('renders Vietnamese and English with plain text and HTML', () => {
    const vi = renderEmail('test', Language.vi, { requestedAt: '2026-01-05T01:00:00Z' });
    expect(vi.subject).toBe('Thư kiểm tra từ hệ thống cdtg');
    expect(vi.text).toContain('08:00:00'); // 01:00 UTC is 08:00 in Asia/Ho_Chi_Minh
    expect(vi.html).toContain('<html lang="vi">');
    const en = renderEmail('test', Language.en, { requestedAt: '2026-01-05T01:00:00Z' });
    expect(en.subject).toBe('Test message from cdtg');
    expect(en.text).toContain('Please do not reply');
  });

  it('escapes every parameter in HTML', () => {
    expect(escapeHtml('<script>"x" & \'y\'</script>')).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
    expect(layout(Language.en, 'S', [{ text: '<b>hi</b>' }]).html).toContain('&lt;b&gt;hi&lt;/b&gt;');
  });

  it('writes invitations in the recipient language, escaping names in HTML', () => {
    const params = { displayName: '<b>Hoa</b>', invitedBy: 'so@cdtg.vn', grants: [{ role: 'WARD_OFFICER', scope: 'Phường Hải Châu' }], link: 'https://x/accept-invitation?token=abc', expiresAt: '2026-01-05T01:00:00Z' };
    const vi = renderEmail('invitation', Language.vi, params);
    expect(vi.text).toContain('Cán bộ phường/xã – Phường Hải Châu');
    expect(vi.text).toContain('08:00'); // Asia/Ho_Chi_Minh
    expect(vi.html).toContain('&lt;b&gt;Hoa&lt;/b&gt;');
    expect(renderEmail('invitation', Language.en, params).subject).toBe('Invitation to the community digital technology groups platform');
    expect(renderEmail('password-reset', Language.en, params).text).toContain('https://x/accept-invitation?token=abc');
  });
});
