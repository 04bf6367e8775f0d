import { readFileSync } from 'node:fs';
import { APP_VERSION, ConfigError, hidePasswords, loadConfig, redactUrl } from './app-config';

/** Test secrets shaped like generated ones (no real key: these are published here). */
const SECRET = 'Zq4v9LmN2pX7rT1yB8cK3dF6gH0jW5sA-test-only-auth';
const KEY_2 = 'hK8s2Qw5Ez1Rt7Yu3Io9Pa6Sd4Fg0Jl-test-only-2';
const KEY_1 = 'mN3bV6cX9zL2kJ5hG8fD1sA4qW7eR0tY-test-only-1';

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config.NODE_ENV).toBe('development');
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.introspection).toBe(true);
  });

  it('converts numbers and booleans', () => {
    const config = loadConfig({ PORT: '8080', GRAPHQL_INTROSPECTION: 'false' });
    expect(config.PORT).toBe(8080);
    expect(config.introspection).toBe(false);
  });

  it('names every bad variable on one line, with what it should look like', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', SMTP_URL: 'mail.example.vn', PORT: 'abc' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('DATABASE_URL must be a PostgreSQL URL, e.g. postgres://user:password@host:5432/cdtg (got "mysql://x")');
    expect(message).toContain('SMTP_URL must be an SMTP URL');
    expect(message).toContain('PORT must be a port number');
  });

  it('takes a notice provider whole or not at all, and never echoes its secrets', () => {
    let error: unknown;
    try {
      loadConfig({ ZNS_API_URL: 'https://business.openapi.zalo.me', ZNS_SECRET_KEY: 'x', SMS_API_URL: 'https://sms.example.vn/send', SMS_API_KEY: 'short' });
    } catch (e) {
      error = e;
    }
    const message = (error as Error).message;
    for (const variable of ['ZNS_APP_ID', 'ZNS_REFRESH_TOKEN', 'ZNS_TEMPLATE_IDS', 'ZNS_WEBHOOK_SECRET', 'SMS_WEBHOOK_SECRET'])
      expect(message).toContain(`${variable} is required when`);
    expect(message).toContain('ZNS_SECRET_KEY must be the Zalo application secret key (value not shown)');
    expect(message).toContain('SMS_API_KEY must be the gateway key (at least 8 characters) (value not shown)');
    expect(() => loadConfig({ ZNS_TEMPLATE_IDS: 'session-assigned=abc' })).toThrow('ZNS_TEMPLATE_IDS must be template=id pairs');
    const config = loadConfig({
      ZNS_API_URL: 'https://business.openapi.zalo.me',
      ZNS_APP_ID: '4321098765',
      ZNS_SECRET_KEY: 'zalo-app-secret',
      ZNS_REFRESH_TOKEN: 'first-refresh-token',
      ZNS_TEMPLATE_IDS: 'session-assigned=1001,session-changed=1002',
      ZNS_WEBHOOK_SECRET: 'zns-webhook-secret-16',
    });
    expect(config.znsTemplateIds).toEqual({ 'session-assigned': '1001', 'session-changed': '1002' });
    expect(config.ZNS_OAUTH_URL).toBe('https://oauth.zaloapp.com');
    expect(loadConfig({}).SMS_API_URL).toBeUndefined();
  });

  it('refuses every fallback in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL is required when NODE_ENV=production.*REDIS_URL is required.*AUTH_SECRET is required.*HOUSEHOLD_KEYS is required.*SMTP_URL is required/,
    );
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/cdtg',
      REDIS_URL: 'redis://r:6379',
      SMTP_URL: 'smtp://m:25',
      HOUSEHOLD_KEYS: `2:${KEY_2},1:${KEY_1}`,
    };
    expect(() => loadConfig({ ...production, AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET must be at least 32 characters/);
    const config = loadConfig({ ...production, AUTH_SECRET: SECRET });
    expect(config.introspection).toBe(false);
    expect(config.authSecret).toBe(SECRET);
    expect(config.householdSecrets).toEqual([
      { version: 2, secret: KEY_2 },
      { version: 1, secret: KEY_1 },
    ]);
    expect(() => loadConfig({ ...production, AUTH_SECRET: SECRET, HOUSEHOLD_KEYS: '2:short' })).toThrow(/HOUSEHOLD_KEYS must be version:secret pairs/);
  });

  describe('production secrets', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/cdtg',
      REDIS_URL: 'redis://r:6379',
      SMTP_URL: 'smtp://m:25',
      AUTH_SECRET: SECRET,
      HOUSEHOLD_KEYS: `2:${KEY_2},1:${KEY_1}`,
    };
    // The development values, as the development config resolves them (the fallbacks when nothing is set).
    const development = loadConfig({});
    const DEV_AUTH = development.authSecret;
    const DEV_HOUSEHOLD = development.householdSecrets[0].secret;
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig({ ...production, ...env });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message).not.toContain('\n');
        // The secret itself is never printed, not even part of it.
        for (const value of Object.values(env)) for (const part of value.split(/[,:]/).filter((p) => p.length >= 8)) expect(message).not.toContain(part);
        return message;
      }
      throw new Error('accepted');
    };

    it('refuses the published development AUTH_SECRET, in any case, inside a longer value or cut short', () => {
      expect(refusal({ AUTH_SECRET: DEV_AUTH })).toMatch(/^Invalid configuration: AUTH_SECRET is or contains a published development key.*openssl rand/);
      expect(refusal({ AUTH_SECRET: DEV_AUTH.toUpperCase() })).toContain('AUTH_SECRET is or contains a published development key');
      expect(refusal({ AUTH_SECRET: `${SECRET}${DEV_AUTH}` })).toContain('AUTH_SECRET is or contains a published development key');
      expect(refusal({ AUTH_SECRET: DEV_AUTH.slice(0, 40) })).toContain('AUTH_SECRET is or contains a published development key');
      expect(refusal({ AUTH_SECRET: DEV_HOUSEHOLD })).toContain('AUTH_SECRET is or contains a published development key');
    });

    it('refuses any HOUSEHOLD_KEYS secret that is the published development key, naming its version', () => {
      expect(refusal({ HOUSEHOLD_KEYS: `1:${DEV_HOUSEHOLD}` })).toContain('HOUSEHOLD_KEYS secret of version 1 is or contains a published development key');
      expect(refusal({ HOUSEHOLD_KEYS: `3:${KEY_2},2:${DEV_HOUSEHOLD}x,1:${KEY_1}` })).toMatch(
        /HOUSEHOLD_KEYS secret of version 2 is or contains a published development key/,
      );
      expect(refusal({ HOUSEHOLD_KEYS: `2:${KEY_2},1:${DEV_AUTH}` })).toContain(
        'HOUSEHOLD_KEYS secret of version 1 is or contains a published development key',
      );
    });

    it('refuses short and obviously weak secrets', () => {
      expect(refusal({ AUTH_SECRET: SECRET.slice(0, 31) })).toContain('AUTH_SECRET must be at least 32 characters');
      expect(refusal({ AUTH_SECRET: 'x'.repeat(48) })).toContain('AUTH_SECRET is too weak (fewer than 10 different characters)');
      expect(refusal({ AUTH_SECRET: 'abcabcabc'.repeat(6) })).toContain('AUTH_SECRET is too weak');
      expect(refusal({ AUTH_SECRET: '0123456789'.repeat(2).slice(0, 9).repeat(4) })).toContain('AUTH_SECRET is too weak');
      expect(refusal({ HOUSEHOLD_KEYS: `2:${KEY_2},1:${'o'.repeat(32)}` })).toContain('HOUSEHOLD_KEYS secret of version 1 is too weak');
      expect(refusal({ HOUSEHOLD_KEYS: `2:${KEY_2.slice(0, 31)}` })).toContain('HOUSEHOLD_KEYS must be version:secret pairs');
      // Every problem at once, on one line.
      expect(refusal({ AUTH_SECRET: DEV_AUTH, HOUSEHOLD_KEYS: `1:${'h'.repeat(40)}` })).toMatch(
        /AUTH_SECRET is or contains.*; HOUSEHOLD_KEYS secret of version 1 is too weak/,
      );
    });

    it('accepts generated secrets (openssl rand -base64 48, -hex 32) and keeps the development fallbacks outside production', () => {
      expect(loadConfig({ ...production, AUTH_SECRET: 'u3Jd9+Qm1x/ZkP0aTqV7rS2nLw8YcH4e6bGfA5oXiN3tKzRyM1sD0pEvW9hUjB2l' }).authSecret).toHaveLength(64);
      expect(loadConfig({ ...production, HOUSEHOLD_KEYS: '1:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }).householdSecrets).toHaveLength(
        1,
      );
      expect(development.authSecret).toBe(DEV_AUTH);
      expect(loadConfig({ NODE_ENV: 'test', AUTH_SECRET: 'x'.repeat(48) }).authSecret).toBe('x'.repeat(48));
    });
  });

  it('never prints a secret or a password in a start-up error', () => {
    let message = '';
    try {
      loadConfig({
        AUTH_SECRET: 'tooshort-secret-value',
        HOUSEHOLD_KEYS: '1:hunter2-but-short',
        DATABASE_URL: 'postgresql://cdtg:s3cr3t-pw@db:5432',
        REDIS_URL: 'redis//:r3dis-pw@r:6379',
        SMTP_URL: 'smtp:/u:m4il-pw@m:25',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('AUTH_SECRET must be at least 32 characters (e.g. the output of `openssl rand -base64 48`) (value not shown)');
    expect(message).toContain('HOUSEHOLD_KEYS must be version:secret pairs');
    expect(message).toContain('DATABASE_URL must be a PostgreSQL URL, e.g. postgres://user:password@host:5432/cdtg (got "postgresql://cdtg:***@db:5432")');
    expect(message).toContain('REDIS_URL must be a Redis URL');
    expect(message).toContain('SMTP_URL must be an SMTP URL');
    for (const secret of ['tooshort', 'hunter2', 's3cr3t', 'r3dis', 'm4il']) expect(message).not.toContain(secret);
  });

  it('hides the passwords of URL-like values, parseable or not', () => {
    expect(hidePasswords('postgres://cdtg:secret@db:5432/cdtg')).toBe('postgres://cdtg:***@db:5432/cdtg');
    expect(hidePasswords('postgres://u:p@ss w@ho st/db')).toBe('postgres://u:***@ho st/db');
    expect(hidePasswords('cdtg:secret@db/cdtg')).toBe('cdtg:***@db/cdtg');
    expect(hidePasswords('redis://:token@r:6379')).toBe('redis://:***@r:6379');
    expect(hidePasswords('postgres://u@db/cdtg?sslmode=require&password=secret')).toBe('postgres://u@db/cdtg?sslmode=require&password=***');
    expect(hidePasswords('redis//:token@r:6379')).toBe('redis//:***@r:6379');
    expect(hidePasswords('smtp:/u:pw@m:25')).toBe('smtp:***@m:25');
    expect(hidePasswords('mysql://x')).toBe('mysql://x');
    expect(hidePasswords('redis://r:6379')).toBe('redis://r:6379');
    expect(hidePasswords('Tổ công nghệ số <no-reply@cdtg.local>')).toBe('Tổ công nghệ số <no-reply@cdtg.local>');
  });

  it("reads the retention of processed queue rows and the rollup check's repair policy", () => {
    expect(loadConfig({})).toMatchObject({ QUEUE_RETENTION_DAYS: 7, rollupAutoRepair: true });
    expect(loadConfig({ QUEUE_RETENTION_DAYS: '30', ROLLUP_AUTO_REPAIR: 'false' })).toMatchObject({ QUEUE_RETENTION_DAYS: 30, rollupAutoRepair: false });
    expect(() => loadConfig({ QUEUE_RETENTION_DAYS: '0' })).toThrow('QUEUE_RETENTION_DAYS must be days between 1 and 3650 (got "0")');
    expect(() => loadConfig({ ROLLUP_AUTO_REPAIR: 'sometimes' })).toThrow('ROLLUP_AUTO_REPAIR must be true or false');
  });

  it('hides passwords when printing URLs', () => {
    expect(redactUrl('postgres://cdtg:secret@db:5432/cdtg')).toBe('postgres://cdtg:***@db:5432/cdtg');
  });

  it('knows the release from package.json', () => {
    expect(APP_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
