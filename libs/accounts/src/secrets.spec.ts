import { AccessTokenCodec, argon2idHasher, checkPasswordRules, normaliseEmail } from './secrets';

describe('access tokens', () => {
  const codec = new AccessTokenCodec('k'.repeat(40), 900);

  it('round-trips and expires', () => {
    const { token } = codec.sign('u1', 's1', 1_000_000);
    expect(codec.verify(token, 1_000_000)).toMatchObject({ sub: 'u1', sid: 's1' });
    expect(codec.verify(token, 1_000_000 + 901_000)).toBeNull();
  });

  it('refuses a token signed with another key or altered', () => {
    const { token } = codec.sign('u1', 's1');
    expect(new AccessTokenCodec('x'.repeat(40), 900).verify(token)).toBeNull();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', sid: 's1', iat: 0, exp: 9e9 })).toString('base64url');
    expect(codec.verify(`${h}.${forged}.${s}`)).toBeNull();
    expect(codec.verify('not-a-token')).toBeNull();
  });
});

describe('password and e-mail rules', () => {
  it('names the field and the reason', () => {
    expect(() => checkPasswordRules('ngắn', null)).toThrow('password: must be at least 10 characters');
    expect(() => checkPasswordRules('aaaaaaaaaaaa', null)).toThrow('must not be one repeated character');
    expect(() => checkPasswordRules('lan@example.vn', 'lan@example.vn')).toThrow('must not be your e-mail address');
    expect(() => checkPasswordRules('Mật khẩu đủ dài 2026', 'lan@example.vn')).not.toThrow();
  });

  it('lower-cases addresses and refuses what is not one', () => {
    expect(normaliseEmail('  Lan.Nguyen@Example.VN ')).toBe('lan.nguyen@example.vn');
    expect(() => normaliseEmail('lan', 'input.email')).toThrow('input.email: must be an e-mail address');
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
