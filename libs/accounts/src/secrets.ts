import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { argon2id, argon2Verify } from 'hash-wasm';
import { DomainError, Reason } from '@cdtg/errors';
import { Clock } from '@cdtg/time';

/** A random secret for links and refresh tokens: 256 bits, URL-safe. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** How tokens are stored: their SHA-256 (a database reader cannot use them). */
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
}

/**
 * argon2id with the configured memory cost, 2 passes, 1 lane (OWASP's recommendation), as PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). WebAssembly (hash-wasm): no native build to break on a machine.
 */
export function argon2idHasher(memoryKiB: number): PasswordHasher {
  const params = `m=${memoryKiB},t=2,p=1`;
  return {
    hash: (password) =>
      argon2id({ password, salt: randomBytes(16), parallelism: 1, iterations: 2, memorySize: memoryKiB, hashLength: 32, outputType: 'encoded' }),
    verify: (hash, password) => argon2Verify({ password, hash }).catch(() => false),
    needsRehash: (hash) => !hash.startsWith(`$argon2id$v=19$${params}$`),
  };
}

/**
 * The strength check: zxcvbn-ts with its common dictionaries (about 49,000 passwords seen most often in breaches, the
 * diceware words, keyboard layouts), which also finds sequences (1234567890, abcdefghij), keyboard walks (qwertyuiop,
 * 1qaz2wsx), repeats, years and l33t spellings. Only the first 64 characters are scored (a longer password is not
 * weaker for its tail) and l33t substitutions are capped, so one check stays within tens of milliseconds.
 * Built on first use (≈50 ms).
 */
let strength: { zxcvbn: ZxcvbnFactory; common: Set<string> } | undefined;
const passwordStrength = () =>
  (strength ??= {
    zxcvbn: new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, maxLength: 64, l33tMaxSubstitutions: 16 }),
    common: new Set(dictionary['passwords-common'].map((word) => word.toLowerCase())),
  });

/** zxcvbn's score 3: at least 10^8 guesses. Below it a password falls to an offline attack on a leaked hash quickly. */
const MIN_STRENGTH_SCORE = 3;

/** Lower-cased letters and digits only: "Lan.Nguyen" and "lan nguyen" fold to the same "lannguyen". */
const fold = (value: string) =>
  value
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/**
 * The password rules, one place: 10 to 200 characters, not one repeated character, not containing the e-mail address
 * (nor the part before the @ when it has 4 characters or more), not a common password (also with digits or symbols
 * added at the end), and not easy to guess by zxcvbn's estimate (sequences, keyboard walks, words + years…).
 */
export function checkPasswordRules(password: string, email: string | null, field = 'password'): void {
  if (typeof password !== 'string' || password.length < 10) throw DomainError.invalid(field, Reason.TooShort, { min: 10 });
  if (password.length > 200) throw DomainError.invalid(field, Reason.TooLong, { max: 200 });
  if (/^(.)\1*$/u.test(password)) throw DomainError.invalid(field, Reason.PasswordOneCharacter);
  const address = email?.trim().toLowerCase() ?? '';
  const localPart = address.split('@')[0];
  const folded = fold(password);
  if ([fold(address), fold(localPart)].some((part) => part.length >= 4 && folded.includes(part))) {
    throw DomainError.invalid(field, Reason.PasswordHoldsEmail);
  }
  const { zxcvbn, common } = passwordStrength();
  // A listed password as it is, or followed by digits and symbols ("letmein2026!!"), or with its words run together.
  const lower = password.normalize('NFC').trim().toLowerCase();
  const stem = lower.replace(/[\p{N}\p{P}\p{S}\s]+$/u, '');
  if ([lower, stem, stem.replace(/[\s._-]+/g, '')].some((candidate) => candidate.length > 0 && common.has(candidate))) {
    throw DomainError.invalid(field, Reason.PasswordTooCommon);
  }
  const userInputs = ['cdtg', address, localPart, ...localPart.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3)].filter(Boolean);
  if (zxcvbn.check(password, userInputs).score < MIN_STRENGTH_SCORE) throw DomainError.invalid(field, Reason.PasswordTooCommon);
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Trimmed and lower-cased; a clear error when it is not an address. */
export function normaliseEmail(email: string, field = 'email'): string {
  const value = String(email ?? '')
    .trim()
    .toLowerCase();
  if (value.length > 254 || !EMAIL.test(value)) throw DomainError.invalid(field, Reason.NotAnEmail);
  return value;
}

export interface AccessClaims {
  /** The user. */
  sub: string;
  /** The session (refresh-token family). */
  sid: string;
  iat: number;
  exp: number;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });

/** Short-lived access tokens: JWT with HS256. Nothing but ids inside; grants are read fresh on every request. */
export class AccessTokenCodec {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  sign(userId: string, sessionId: string, now = this.clock.now().getTime()): { token: string; expiresAt: Date } {
    const iat = Math.floor(now / 1000);
    const claims: AccessClaims = { sub: userId, sid: sessionId, iat, exp: iat + this.ttlSeconds };
    const body = `${HEADER}.${b64(claims)}`;
    return { token: `${body}.${this.mac(body)}`, expiresAt: new Date(claims.exp * 1000) };
  }

  /** The claims of a valid, unexpired token; null otherwise. */
  verify(token: string, now = this.clock.now().getTime()): AccessClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return null;
    const expected = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as AccessClaims;
      if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') return null;
      return claims.exp * 1000 > now ? claims : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
