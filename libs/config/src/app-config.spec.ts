import { readFileSync } from 'node:fs';
import { APP_VERSION, ConfigError, loadConfig, redactUrl } from './app-config';

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

  it('refuses every fallback in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL is required when NODE_ENV=production.*REDIS_URL is required.*AUTH_SECRET is required.*HOUSEHOLD_KEYS is required.*SMTP_URL is required/,
    );
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/cdtg', REDIS_URL: 'redis://r:6379', SMTP_URL: 'smtp://m:25', HOUSEHOLD_KEYS: `2:${'k'.repeat(40)},1:${'o'.repeat(32)}` };
    expect(() => loadConfig({ ...production, AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET must be at least 32 characters/);
    const config = loadConfig({ ...production, AUTH_SECRET: 'x'.repeat(48) });
    expect(config.introspection).toBe(false);
    expect(config.authSecret).toBe('x'.repeat(48));
    expect(config.householdSecrets).toEqual([{ version: 2, secret: 'k'.repeat(40) }, { version: 1, secret: 'o'.repeat(32) }]);
    expect(() => loadConfig({ ...production, AUTH_SECRET: 'x'.repeat(48), HOUSEHOLD_KEYS: '2:short' })).toThrow(/HOUSEHOLD_KEYS must be version:secret pairs/);
  });

  it('hides passwords when printing URLs', () => {
    expect(redactUrl('postgres://cdtg:secret@db:5432/cdtg')).toBe('postgres://cdtg:***@db:5432/cdtg');
  });

  it('knows the release from package.json', () => {
    expect(APP_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
