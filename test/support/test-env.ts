/**
 * The database every test file of this run clones. Global setup picks a name per run (several runs, e.g. two
 * checkouts, can share one PostgreSQL server) and passes it to the test workers in CDTG_TEST_TEMPLATE.
 */
export const templateDatabase = (): string => {
  const name = process.env.CDTG_TEST_TEMPLATE;
  if (!name) throw new Error('CDTG_TEST_TEMPLATE is not set: run tests through jest (global setup)');
  return name;
};

/** The maintenance database URL of the server behind `url`. */
export function adminUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
