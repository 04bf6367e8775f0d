/// <reference types="jest" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_REASONS, reasonText } from './reasons';

/** The ErrorReason values the API declares (schema.graphql, checked against the code by schema-drift.spec). */
function schemaReasons(): string[] {
  const schema = readFileSync(join(__dirname, '../../../../schema.graphql'), 'utf8');
  const body = /enum ErrorReason \{([^}]*)\}/.exec(schema)?.[1] ?? '';
  return body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[A-Z0-9_]+$/.test(l));
}

describe('the console’s texts of error reasons', () => {
  it('has a Vietnamese and an English text for every reason the API gives, and none it does not', () => {
    const reasons = schemaReasons();
    expect(reasons.length).toBeGreaterThan(50);
    expect(reasons.filter((r) => !KNOWN_REASONS.includes(r))).toEqual([]);
    expect(KNOWN_REASONS.filter((r) => !reasons.includes(r))).toEqual([]);
    for (const reason of reasons) {
      expect(reasonText(reason, {}, 'vi')).toBeTruthy();
      expect(reasonText(reason, {}, 'en')).toBeTruthy();
    }
  });

  it('writes numbers and dates the Vietnamese way', () => {
    expect(reasonText('TOO_LONG', { max: 1000 }, 'vi')).toBe('dài quá 1.000 ký tự');
    expect(reasonText('TOO_EARLY', { date: '2025-07-01' }, 'vi')).toBe('trước ngày 01/07/2025');
    expect(reasonText('DOUBLE_BOOKED', { title: 'An toàn trên mạng', startsAt: '2026-12-08T02:00:00.000Z', endsAt: '2026-12-08T04:00:00.000Z' }, 'vi')).toBe(
      'Người này đã được phân công vào một buổi khác trùng giờ: An toàn trên mạng (08/12/2026 09:00–11:00).',
    );
    expect(reasonText('UNIT_NOT_IN_FORCE', { name: 'Phường Thạch Thang', day: '2025-08-01', validTo: '2025-06-30' }, 'vi')).toBe(
      'Phường Thạch Thang không có hiệu lực ngày 01/08/2025 (hiệu lực … – 30/06/2025): chọn đơn vị của ngày đó',
    );
    expect(reasonText('UNIT_NOT_IN_FORCE', { code: '20242' }, 'vi')).toBe('đơn vị mã 20242 không còn hiệu lực');
    expect(reasonText('UNKNOWN_REASON', {}, 'vi')).toBeNull();
  });
});
