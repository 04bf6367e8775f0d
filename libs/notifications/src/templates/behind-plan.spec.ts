import { Language } from '../language';
import { renderEmail } from './index';

describe('behind-plan notice', () => {
  const item = {
    unitName: 'Phường Thanh Khê',
    measure: { vi: 'Hộ được hỗ trợ trong kỳ', en: 'Households reached in the period' },
    percent: false,
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    target: 400,
    expected: 206.452,
    actual: 150,
  };

  it('names the unit, measure, period, actual, what is due by now and the target, in Vietnamese and English', () => {
    const vi = renderEmail('behind-plan', Language.vi, { displayName: 'Cán bộ phường', item });
    expect(vi.subject).toBe('Chậm tiến độ: Phường Thanh Khê – Hộ được hỗ trợ trong kỳ');
    expect(vi.text).toContain('Phường Thanh Khê – Hộ được hỗ trợ trong kỳ, kỳ 01/10/2026–31/10/2026: đạt 150, cần đạt đến nay 206 (chỉ tiêu 400)');
    const en = renderEmail('behind-plan', Language.en, { displayName: 'Officer', item: { ...item, percent: true, target: 60, expected: 30.9, actual: 12.5 } });
    expect(en.subject).toBe('Behind plan: Phường Thanh Khê – Households reached in the period');
    expect(en.text).toContain('12.5% reached, 30.9% due by now (target 60.0%)');
  });
});
