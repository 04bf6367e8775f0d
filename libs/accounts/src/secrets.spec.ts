import { DomainError, Reason } from '@cdtg/errors';
import { TestClock } from '@cdtg/time';
import { AccessTokenCodec, argon2idHasher, checkPasswordRules, normaliseEmail } from './secrets';

/** Why a check refuses: the error's reason and parameters, and the field it names (null when it accepts). */
function refusal(check: () => unknown): { reason: Reason; params: object; path: (string | number)[] | undefined } | null {
  try {
    check();
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { reason: error.reason, params: error.params, path: error.fields[0]?.path };
  }
}

describe('access tokens', () => {
  const clock = new TestClock();
  const codec = new AccessTokenCodec('k'.repeat(40), 900, clock);

  it('round-trips and expires', () => {
    clock.set(new Date(1_000_000));
    const { token, expiresAt } = codec.sign('u1', 's1');
    expect(expiresAt.getTime()).toBe(1_900_000);
    expect(codec.verify(token)).toMatchObject({ sub: 'u1', sid: 's1' });
    clock.advance(899_000);
    expect(codec.verify(token)).toMatchObject({ sub: 'u1', sid: 's1' });
    clock.advance(2_000);
    expect(codec.verify(token)).toBeNull();
    clock.release();
  });

  it('refuses a token signed with another key or altered', () => {
    const { token } = codec.sign('u1', 's1');
    expect(new AccessTokenCodec('x'.repeat(40), 900, clock).verify(token)).toBeNull();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', sid: 's1', iat: 0, exp: 9e9 })).toString('base64url');
    expect(codec.verify(`${h}.${forged}.${s}`)).toBeNull();
    expect(codec.verify('not-a-token')).toBeNull();
  });
});

describe('password and e-mail rules', () => {
  it('names the field and the reason', () => {
    expect(refusal(() => checkPasswordRules('ngắn', null))).toEqual({ reason: Reason.TooShort, params: { min: 10 }, path: ['password'] });
    expect(() => checkPasswordRules('ngắn', null)).toThrow('password: must be at least 10 characters');
    expect(refusal(() => checkPasswordRules('x'.repeat(201), null, 'newPassword'))).toEqual({
      reason: Reason.TooLong,
      params: { max: 200 },
      path: ['newPassword'],
    });
    expect(refusal(() => checkPasswordRules('aaaaaaaaaaaa', null))).toMatchObject({ reason: Reason.PasswordOneCharacter, path: ['password'] });
    expect(refusal(() => checkPasswordRules('lan@example.vn', 'lan@example.vn'))).toMatchObject({ reason: Reason.PasswordHoldsEmail, path: ['password'] });
    expect(() => checkPasswordRules('Mật khẩu đủ dài 2026', 'lan@example.vn')).not.toThrow();
  });

  const TOO_COMMON = { reason: Reason.PasswordTooCommon, path: ['password'] };

  it('refuses common passwords, digit runs and keyboard walks from the zxcvbn-ts lists, in any case', () => {
    for (const password of [
      '1234567890',
      'password12',
      'qwertyuiop',
      'PASSWORD12',
      'QwertyUiop',
      '0987654321',
      'abcdefghij',
      '1qaz2wsx3edc',
      'iloveyou12',
      'P@ssw0rd2026',
      'matkhau123',
    ]) {
      expect(refusal(() => checkPasswordRules(password, null))).toMatchObject(TOO_COMMON);
    }
  });

  it('refuses a common password with digits or symbols added at the end, or its words run together', () => {
    for (const password of ['letmein2026!!', 'Sunshine2026!', 'Qwerty2026!', 'Danang2026', 'football 1990 !', 'hello world 2026', 'i love you 2026']) {
      expect(refusal(() => checkPasswordRules(password, null))).toMatchObject(TOO_COMMON);
    }
  });

  it('refuses a password containing the e-mail address, or the name before the @ when it has 4 characters or more', () => {
    const contains = { reason: Reason.PasswordHoldsEmail };
    expect(refusal(() => checkPasswordRules('Lan@Example.vn 2026', 'lan@example.vn'))).toMatchObject(contains);
    expect(refusal(() => checkPasswordRules('Tôi là hoa.tran năm 2026', 'hoa.tran@example.vn'))).toMatchObject(contains);
    expect(refusal(() => checkPasswordRules('HoaTran-Đà-Nẵng-2026', 'hoa.tran@example.vn'))).toMatchObject(contains);
    expect(refusal(() => checkPasswordRules('  Minh_Tuan yêu Hải Vân', 'minh_tuan@example.vn'))).toMatchObject(contains);
    // A local part shorter than 4 characters is too short to mean anything inside a phrase.
    expect(() => checkPasswordRules('Hội An lan tỏa 2026', 'lan@example.vn')).not.toThrow();
    expect(() => checkPasswordRules('Hải Vân xanh 2026', 'hoa.tran@example.vn')).not.toThrow();
  });

  it('accepts passphrases: the ones the tests and the demo use, and other Vietnamese phrases', () => {
    for (const password of [
      'Hải Vân xanh 2026',
      'Mật khẩu mới 2026!',
      'Mật khẩu đủ dài 2026',
      'Mật khẩu mới đủ dài',
      'Quản trị Đà Nẵng 2026',
      'Tình nguyện Hải Vân 2026',
      'quản-trị-thử-2026',
      'Mật-khẩu-thử-1-1767000000000',
      'cdtg-demo-2026',
      'trời xanh mây trắng',
      'Cafe sữa đá 3 ly',
      'canh dong lua chin',
      'correct horse battery staple',
      'Nguyễn Văn An 1985',
    ]) {
      expect(() => checkPasswordRules(password, 'hoa.tran@example.vn')).not.toThrow();
    }
  });

  it('stays quick on long, repetitive or l33t-heavy input', () => {
    for (const password of ['p@ssw0rd'.repeat(25), 'P4$$w0rd'.repeat(25), '1a'.repeat(100), 'Hải Vân xanh 2026 '.repeat(11)]) {
      const started = performance.now();
      try {
        checkPasswordRules(password, 'lan@example.vn');
      } catch {
        // refused or not, it must answer quickly
      }
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('lower-cases addresses and refuses what is not one', () => {
    expect(normaliseEmail('  Lan.Nguyen@Example.VN ')).toBe('lan.nguyen@example.vn');
    expect(refusal(() => normaliseEmail('lan', 'input.email'))).toEqual({ reason: Reason.NotAnEmail, params: {}, path: ['input', 'email'] });
  });
});

describe('password hashes', () => {
  it('are argon2id PHC strings that verify, refuse a wrong password and ask for a rehash when the cost changes', async () => {
    const hasher = argon2idHasher(8192);
    const hash = await hasher.hash('Mật khẩu đủ dài 2026');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'Mật khẩu đủ dài 2026')).toBe(true);
    expect(await hasher.verify(hash, 'Mat khau du dai 2026')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(argon2idHasher(19456).needsRehash(hash)).toBe(true);
  });
});
