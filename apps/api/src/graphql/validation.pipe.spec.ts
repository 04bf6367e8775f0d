import { unreadableText } from './validation.pipe';

describe('unreadableText', () => {
  it('names each string with a NUL or a lone surrogate, and lets real text through', () => {
    expect(unreadableText({ to: '\ud800', note: 'tổ\u00005', ok: ['Nguyễn 👨‍👩‍👧', 1, null] }, ['input'])).toEqual([
      expect.objectContaining({ path: ['input', 'to'], reason: 'UNREADABLE_TEXT' }),
      expect.objectContaining({ path: ['input', 'note'], reason: 'UNREADABLE_TEXT' }),
    ]);
    expect(unreadableText(['\udc00x', 'x\ud83d\ude00'], ['ids'])).toEqual([expect.objectContaining({ path: ['ids', 0], reason: 'UNREADABLE_TEXT' })]);
    expect(unreadableText('Phường Hải Châu 🇻🇳')).toEqual([]);
  });
});
