import { unreadableText } from './validation.pipe';

describe('unreadableText', () => {
  it('names each string with a NUL or a lone surrogate, and lets real text through', () => {
    expect(unreadableText({ to: '\ud800', note: 'tổ\u00005', ok: ['Nguyễn 👨‍👩‍👧', 1, null] }, ['input'])).toEqual([
      { path: ['input', 'to'], message: 'is not valid Unicode text' },
      { path: ['input', 'note'], message: 'must not contain a NUL character' },
    ]);
    expect(unreadableText(['\udc00x', 'x\ud83d\ude00'], ['ids'])).toEqual([{ path: ['ids', 0], message: 'is not valid Unicode text' }]);
    expect(unreadableText('Phường Hải Châu 🇻🇳')).toEqual([]);
  });
});
