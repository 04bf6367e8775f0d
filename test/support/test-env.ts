/** The database every test file clones. */
export const TEMPLATE_DATABASE = 'cdtg_test_template';

/** The maintenance database URL of the server behind `url`. */
export function adminUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
