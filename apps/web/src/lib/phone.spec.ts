/// <reference types="jest" />
import { localPhone } from './phone';

describe('phone numbers as people write them', () => {
  it('writes +84 numbers with their 0, grouped', () => {
    expect(localPhone('+84905123456')).toBe('0905 123 456');
    expect(localPhone('+842363822123')).toBe('023 6382 2123');
    expect(localPhone('')).toBe('');
    expect(localPhone('+6591234567')).toBe('+6591234567');
  });
});
