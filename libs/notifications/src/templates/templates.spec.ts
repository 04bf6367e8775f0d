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
});
