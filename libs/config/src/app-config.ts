import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable cdtg reads, with its rule and its default.
 * `loadConfig` is the only code that touches process.env; everything else receives an AppConfig.
 * The `hint` of each rule is what the start-up error shows next to the variable's name.
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'], { message: 'must be one of development, test, production' })
  NODE_ENV: NodeEnv = 'development';

  @Transform(emptyToUndefined)
  @IsString()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'must be a port number, e.g. 3000' })
  @Min(0, { message: 'must be a port number, e.g. 3000' })
  @Max(65535, { message: 'must be a port number, e.g. 3000' })
  PORT = 3000;

  @Transform(toInt)
  @IsInt({ message: 'must be a port number, e.g. 3001' })
  @Min(0, { message: 'must be a port number, e.g. 3001' })
  @Max(65535, { message: 'must be a port number, e.g. 3001' })
  WORKER_PORT = 3001;

  /** Public base URL used in links inside e-mails. Defaults to http://localhost:PORT. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL, e.g. https://cdtg.danang.gov.vn' })
  PUBLIC_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s/]+\/[^\s/?]+(\?\S*)?$/, {
    message: 'must be a PostgreSQL URL, e.g. postgres://user:password@host:5432/cdtg',
  })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 1 and 200' })
  @Min(1, { message: 'must be a whole number between 1 and 200' })
  @Max(200, { message: 'must be a whole number between 1 and 200' })
  DATABASE_POOL_SIZE = 10;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a Redis URL, e.g. redis://127.0.0.1:6379' })
  REDIS_URL?: string;

  /** Prefix of every BullMQ key in Redis; lets several deployments (or test runs) share one Redis. */
  @Transform(emptyToUndefined)
  @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'must be 1-40 letters, digits, _ or -' })
  QUEUE_PREFIX = 'cdtg';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an SMTP URL, e.g. smtp://user:password@mail.example.vn:587' })
  SMTP_URL?: string;

  @Transform(emptyToUndefined)
  @Matches(/^(.+<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
    message: 'must be an e-mail address, optionally with a name: cdtg <no-reply@example.vn>',
  })
  MAIL_FROM = 'Tổ công nghệ số cộng đồng <no-reply@cdtg.local>';

  /** Where the embedded database and file mail live in development. */
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(1)
  DATA_DIR = '.data';

  @Transform(toInt)
  @IsInt({ message: 'must be a port number, e.g. 54329' })
  @Min(1024, { message: 'must be a port number, e.g. 54329' })
  @Max(65535, { message: 'must be a port number, e.g. 54329' })
  EMBEDDED_DATABASE_PORT = 54329;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL: LogLevel = 'info';

  /** Attempts of a failed job before it lands in the failed set. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 1 and 50' })
  @Min(1, { message: 'must be a whole number between 1 and 50' })
  @Max(50, { message: 'must be a whole number between 1 and 50' })
  JOB_ATTEMPTS = 6;

  /** First retry delay; each further retry doubles it. */
  @Transform(toInt)
  @IsInt({ message: 'must be milliseconds between 10 and 3600000' })
  @Min(10, { message: 'must be milliseconds between 10 and 3600000' })
  @Max(3_600_000, { message: 'must be milliseconds between 10 and 3600000' })
  JOB_BACKOFF_MS = 2000;

  /** How often the outbox relay looks for work when no notification woke it. */
  @Transform(toInt)
  @IsInt({ message: 'must be milliseconds between 10 and 60000' })
  @Min(10, { message: 'must be milliseconds between 10 and 60000' })
  @Max(60_000, { message: 'must be milliseconds between 10 and 60000' })
  OUTBOX_POLL_MS = 1000;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 1 and 100' })
  @Min(1, { message: 'must be a whole number between 1 and 100' })
  @Max(100, { message: 'must be a whole number between 1 and 100' })
  WORKER_CONCURRENCY = 4;

  /**
   * How long a worker's claim on a running job lasts without being renewed (BullMQ lockDuration and stalled-job
   * check): a job whose worker died is run again by another worker about this much later.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be milliseconds between 1000 and 600000' })
  @Min(1000, { message: 'must be milliseconds between 1000 and 600000' })
  @Max(600_000, { message: 'must be milliseconds between 1000 and 600000' })
  JOB_LOCK_MS = 30_000;

  /**
   * Days processed change events and finished (done or cancelled) outbox rows are kept before the nightly purge
   * deletes them. Pending, dispatched and failed rows, and the change event the freshness answer names, are kept.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be days between 1 and 3650' })
  @Min(1, { message: 'must be days between 1 and 3650' })
  @Max(3650, { message: 'must be days between 1 and 3650' })
  QUEUE_RETENTION_DAYS = 7;

  /**
   * Whether the nightly rollup check repairs the rollups (a full rebuild under the rollup lock) when the check before
   * it found differences too; default true. Off, differences are only reported until an operator repairs.
   */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  ROLLUP_AUTO_REPAIR?: boolean;

  /** Apollo Sandbox landing page and introspection; default: on outside production. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  GRAPHQL_INTROSPECTION?: boolean;

  /** Load the Đà Nẵng demo city (real units, synthetic population) into an empty database at `npm start`. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  DEMO_CITY?: boolean;

  /** Milliseconds given to in-flight requests and jobs on SIGTERM before connections are closed. */
  @Transform(toInt)
  @IsInt({ message: 'must be milliseconds between 0 and 600000' })
  @Min(0, { message: 'must be milliseconds between 0 and 600000' })
  @Max(600_000, { message: 'must be milliseconds between 0 and 600000' })
  SHUTDOWN_GRACE_MS = 10_000;

  /**
   * Key that signs access tokens (HMAC-SHA256), at least 32 characters. Required in production; development and
   * tests use a fixed, published key (never safe outside them).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters (e.g. the output of `openssl rand -base64 48`)' })
  AUTH_SECRET?: string;

  /**
   * Secrets of the household key (HMAC-SHA256 of a household's normalised identifier), as "version:secret" pairs
   * separated by commas, current first, each secret at least 32 characters: "2:newsecret…,1:oldsecret…". Older
   * versions stay listed while households may still be found by them. Required in production.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{1,4}:[^,:\s]{32,}(,\d{1,4}:[^,:\s]{32,})*$/, {
    message: 'must be version:secret pairs separated by commas, current first, each secret at least 32 characters, e.g. 2:…,1:…',
  })
  HOUSEHOLD_KEYS?: string;

  /** Lifetime of an access token. */
  @Transform(toInt)
  @IsInt({ message: 'must be seconds between 60 and 86400' })
  @Min(60, { message: 'must be seconds between 60 and 86400' })
  @Max(86_400, { message: 'must be seconds between 60 and 86400' })
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Lifetime of a sign-in session (its refresh tokens rotate on every use). */
  @Transform(toInt)
  @IsInt({ message: 'must be days between 1 and 365' })
  @Min(1, { message: 'must be days between 1 and 365' })
  @Max(365, { message: 'must be days between 1 and 365' })
  REFRESH_TOKEN_TTL_DAYS = 30;

  /** Failed sign-ins allowed per account within a minute; the next one is refused until the minute has passed. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 1 and 1000' })
  @Min(1, { message: 'must be a whole number between 1 and 1000' })
  @Max(1000, { message: 'must be a whole number between 1 and 1000' })
  SIGNIN_MAX_FAILURES_PER_ACCOUNT = 10;

  /** Failed sign-ins (and sign-in link or reset requests) allowed per client address within a minute. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 1 and 10000' })
  @Min(1, { message: 'must be a whole number between 1 and 10000' })
  @Max(10_000, { message: 'must be a whole number between 1 and 10000' })
  SIGNIN_MAX_FAILURES_PER_ADDRESS = 30;

  /** GraphQL requests allowed per signed-in user per minute, at most a sixth of it (rounded up) per 10 seconds (0 turns the limit off). */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 0 and 1000000' })
  @Min(0, { message: 'must be a whole number between 0 and 1000000' })
  @Max(1_000_000, { message: 'must be a whole number between 0 and 1000000' })
  RATE_LIMIT_PER_USER = 600;

  /** GraphQL requests allowed per client address per minute, at most a sixth of it (rounded up) per 10 seconds (0 turns the limit off). */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 0 and 1000000' })
  @Min(0, { message: 'must be a whole number between 0 and 1000000' })
  @Max(1_000_000, { message: 'must be a whole number between 0 and 1000000' })
  RATE_LIMIT_PER_ADDRESS = 1200;

  /** Deepest nesting of fields a GraphQL operation may have. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 3 and 50' })
  @Min(3, { message: 'must be a whole number between 3 and 50' })
  @Max(50, { message: 'must be a whole number between 3 and 50' })
  GRAPHQL_MAX_DEPTH = 12;

  /** Highest estimated cost of one operation (each field 1, list fields multiplied by their `first`). */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 100 and 1000000' })
  @Min(100, { message: 'must be a whole number between 100 and 1000000' })
  @Max(1_000_000, { message: 'must be a whole number between 100 and 1000000' })
  GRAPHQL_MAX_COMPLEXITY = 20_000;

  /** Largest request body accepted (CSV imports travel inside GraphQL requests). */
  @Transform(toInt)
  @IsInt({ message: 'must be bytes between 1024 and 104857600' })
  @Min(1024, { message: 'must be bytes between 1024 and 104857600' })
  @Max(104_857_600, { message: 'must be bytes between 1024 and 104857600' })
  MAX_REQUEST_BYTES = 8 * 1024 * 1024;

  /** Behind a reverse proxy: how many proxy hops to trust for the client address (X-Forwarded-For). 0 = none. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number between 0 and 10' })
  @Min(0, { message: 'must be a whole number between 0 and 10' })
  @Max(10, { message: 'must be a whole number between 0 and 10' })
  TRUST_PROXY_HOPS = 0;

  /** Cost of a password hash (argon2id memory in KiB); OWASP's minimum is 19456. */
  @Transform(toInt)
  @IsInt({ message: 'must be KiB between 8192 and 1048576' })
  @Min(8192, { message: 'must be KiB between 8192 and 1048576' })
  @Max(1_048_576, { message: 'must be KiB between 8192 and 1048576' })
  PASSWORD_HASH_MEMORY_KIB = 19_456;

  /**
   * Zalo ZNS (template messages by phone number). Set ZNS_API_URL (https://business.openapi.zalo.me) and the rest of
   * ZNS_* to send; without it ZNS messages are written to files under DATA_DIR/zns outside production, and the
   * channel is off in production.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL, e.g. https://business.openapi.zalo.me' })
  ZNS_API_URL?: string;

  /** Zalo's OAuth server, where the access token is refreshed. */
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL, e.g. https://oauth.zaloapp.com' })
  ZNS_OAUTH_URL = 'https://oauth.zaloapp.com';

  /** The Zalo application's id (digits). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{1,30}$/, { message: 'must be the Zalo application id (digits)' })
  ZNS_APP_ID?: string;

  /** The Zalo application's secret key (sent as the secret_key header when refreshing the token). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(8, { message: 'must be the Zalo application secret key' })
  ZNS_SECRET_KEY?: string;

  /** The first refresh token (from the OA's authorisation); later ones are kept, sealed, in the database. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(8, { message: 'must be a Zalo OA refresh token' })
  ZNS_REFRESH_TOKEN?: string;

  /** Each phone notice's approved ZNS template id: "session-assigned=123456,session-changed=123457,…". */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z-]+=\d{1,20}(,[a-z-]+=\d{1,20})*$/, { message: 'must be template=id pairs separated by commas, e.g. session-assigned=123456' })
  ZNS_TEMPLATE_IDS?: string;

  /** The OA secret key: checks X-ZEvent-Signature (mac = sha256(app id + body + timestamp + this key)) of Zalo's delivery callbacks. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ZNS_WEBHOOK_SECRET?: string;

  /**
   * An HTTP SMS gateway: POST {to, text, ref} with a bearer key, answering {id}. Without it SMS are written to files
   * under DATA_DIR/sms outside production, and the channel is off in production.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must be an http(s) URL, e.g. https://sms.example.vn/api/send' })
  SMS_API_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(8, { message: 'must be the gateway key (at least 8 characters)' })
  SMS_API_KEY?: string;

  /** The shared secret the gateway sends (Authorization: Bearer …) with each delivery receipt. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  SMS_WEBHOOK_SECRET?: string;

  /** How long a provider (ZNS, SMS gateway) may take to answer one request before it counts as unanswered. */
  @Transform(toInt)
  @IsInt({ message: 'must be milliseconds between 100 and 120000' })
  @Min(100, { message: 'must be milliseconds between 100 and 120000' })
  @Max(120_000, { message: 'must be milliseconds between 100 and 120000' })
  PROVIDER_TIMEOUT_MS = 10_000;

  /**
   * After a ZNS call with an unknown outcome (Zalo has no idempotency key), how long to wait for its delivery receipt
   * before the notice is marked unconfirmed; ZNS is never called again for it.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be milliseconds between 1000 and 86400000' })
  @Min(1000, { message: 'must be milliseconds between 1000 and 86400000' })
  @Max(86_400_000, { message: 'must be milliseconds between 1000 and 86400000' })
  ZNS_RECEIPT_WAIT_MS = 600_000;

  /** ZNS template ids by notice template (ZNS_TEMPLATE_IDS). */
  get znsTemplateIds(): Record<string, string> {
    return Object.fromEntries(
      (this.ZNS_TEMPLATE_IDS ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    );
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  get publicUrl(): string {
    return (this.PUBLIC_URL ?? `http://localhost:${this.PORT}`).replace(/\/$/, '');
  }

  get demoCity(): boolean {
    return this.DEMO_CITY ?? !this.isProduction;
  }

  /** The key that signs access tokens; the published development key outside production. */
  get authSecret(): string {
    return this.AUTH_SECRET ?? DEVELOPMENT_AUTH_SECRET;
  }

  /** Household key secrets, current first; the published development key outside production. */
  get householdSecrets(): { version: number; secret: string }[] {
    return (this.HOUSEHOLD_KEYS ?? DEVELOPMENT_HOUSEHOLD_KEYS).split(',').map((pair) => {
      const [version, secret] = pair.split(':');
      return { version: Number(version), secret };
    });
  }

  get rollupAutoRepair(): boolean {
    return this.ROLLUP_AUTO_REPAIR ?? true;
  }

  get introspection(): boolean {
    return this.GRAPHQL_INTROSPECTION ?? !this.isProduction;
  }
}

/** Thrown when the environment is invalid; its message is one line naming every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Signs tokens in development and tests only: it is published here, so production refuses to run with it. */
const DEVELOPMENT_AUTH_SECRET = 'cdtg-development-only-auth-secret-do-not-use-in-production';

/** The household key of development and tests: published here, so production refuses to run with it. */
const DEVELOPMENT_HOUSEHOLD_KEYS = '1:cdtg-development-only-household-key-do-not-use';

const KEYS = Object.keys(new AppConfig()).concat([
  'PUBLIC_URL',
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'GRAPHQL_INTROSPECTION',
  'DEMO_CITY',
  'AUTH_SECRET',
  'HOUSEHOLD_KEYS',
  'ROLLUP_AUTO_REPAIR',
  'ZNS_API_URL',
  'ZNS_APP_ID',
  'ZNS_SECRET_KEY',
  'ZNS_REFRESH_TOKEN',
  'ZNS_TEMPLATE_IDS',
  'ZNS_WEBHOOK_SECRET',
  'SMS_API_URL',
  'SMS_API_KEY',
  'SMS_WEBHOOK_SECRET',
]);

/** Reads, converts and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): AppConfig {
  const raw: Record<string, string | undefined> = {};
  for (const key of new Set(KEYS)) {
    const value = overrides[key] ?? env[key];
    if (value !== undefined) raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const problems = validateSync(config, { forbidUnknownValues: false }).map((error) => ({
    variable: error.property,
    problem: `${Object.values(error.constraints ?? { invalid: 'is invalid' })[0]}${printedValue(error.property, raw[error.property] ?? '')}`,
  }));
  // A provider is configured whole or not at all.
  if (config.ZNS_API_URL) {
    for (const variable of ['ZNS_APP_ID', 'ZNS_SECRET_KEY', 'ZNS_REFRESH_TOKEN', 'ZNS_TEMPLATE_IDS', 'ZNS_WEBHOOK_SECRET'] as const) {
      if (!config[variable]) problems.push({ variable, problem: 'is required when ZNS_API_URL is set' });
    }
  }
  if (config.SMS_API_URL) {
    for (const variable of ['SMS_API_KEY', 'SMS_WEBHOOK_SECRET'] as const) {
      if (!config[variable]) problems.push({ variable, problem: 'is required when SMS_API_URL is set' });
    }
  }
  if (config.isProduction) {
    // In production every fallback (embedded database, in-process queue, mail written to files) is refused.
    if (!config.DATABASE_URL) problems.push({ variable: 'DATABASE_URL', problem: 'is required when NODE_ENV=production (no embedded database)' });
    if (!config.REDIS_URL) problems.push({ variable: 'REDIS_URL', problem: 'is required when NODE_ENV=production (no in-process queue)' });
    if (!config.AUTH_SECRET) problems.push({ variable: 'AUTH_SECRET', problem: 'is required when NODE_ENV=production (signs access tokens)' });
    if (!config.HOUSEHOLD_KEYS) problems.push({ variable: 'HOUSEHOLD_KEYS', problem: 'is required when NODE_ENV=production (keys household identifiers)' });
    if (!config.SMTP_URL) problems.push({ variable: 'SMTP_URL', problem: 'is required when NODE_ENV=production (no mail written to files)' });
    // A secret published in this file (or a weak one) signs nothing in production. Only well-formed values are judged
    // here: a malformed one has already been named above.
    const malformed = new Set(problems.map((p) => p.variable));
    if (config.AUTH_SECRET && !malformed.has('AUTH_SECRET')) {
      const problem = productionSecretProblem(config.AUTH_SECRET);
      if (problem) problems.push({ variable: 'AUTH_SECRET', problem });
    }
    if (config.HOUSEHOLD_KEYS && !malformed.has('HOUSEHOLD_KEYS')) {
      for (const { version, secret } of config.householdSecrets) {
        const problem = productionSecretProblem(secret);
        if (problem) problems.push({ variable: 'HOUSEHOLD_KEYS', problem: `secret of version ${version} ${problem}` });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Secrets published in this file; production refuses a secret equal to one of them, inside one, or containing one (any case). */
const PUBLISHED_SECRETS = [DEVELOPMENT_AUTH_SECRET, ...DEVELOPMENT_HOUSEHOLD_KEYS.split(',').map((pair) => pair.split(':')[1])];

/** Fewer different characters than this is a typed pattern ("x" × 48, "abcabc…"), not a generated secret. */
const MIN_DISTINCT_SECRET_CHARACTERS = 10;

const GENERATE_ONE = 'generate one, e.g. `openssl rand -base64 48`';

/** Why a production secret must be refused (the published development key, too short, too regular), or null. Never echoes it. */
function productionSecretProblem(secret: string): string | null {
  const lower = secret.toLowerCase();
  if (PUBLISHED_SECRETS.some((published) => lower.includes(published.toLowerCase()) || published.toLowerCase().includes(lower))) {
    return `is or contains a published development key, which anyone can read; ${GENERATE_ONE}`;
  }
  if (secret.length < 32) return `must be at least 32 characters; ${GENERATE_ONE}`;
  if (new Set(secret).size < MIN_DISTINCT_SECRET_CHARACTERS) {
    return `is too weak (fewer than ${MIN_DISTINCT_SECRET_CHARACTERS} different characters); ${GENERATE_ONE}`;
  }
  return null;
}

/** Variables whose value never appears in an error message, not even in part. */
const SECRET_VARIABLES = new Set([
  'AUTH_SECRET',
  'HOUSEHOLD_KEYS',
  'ZNS_SECRET_KEY',
  'ZNS_REFRESH_TOKEN',
  'ZNS_WEBHOOK_SECRET',
  'SMS_API_KEY',
  'SMS_WEBHOOK_SECRET',
]);

/** What a start-up error shows of a bad value: nothing of a secret; a value with a URL's password hidden otherwise. */
function printedValue(variable: string, value: string): string {
  return SECRET_VARIABLES.has(variable) ? ' (value not shown)' : ` (got ${JSON.stringify(hidePasswords(value))})`;
}

/**
 * A value with the passwords of URL-like text hidden, even when it does not parse as a URL: everything after "user:"
 * up to the last @ ("postgres://cdtg:***@db/cdtg", "cdtg:***@db", "redis//:***@r"; when in doubt, more is hidden), and
 * password, secret, token or key query parameters.
 */
export function hidePasswords(value: string): string {
  return value.replace(/(^|\/)([^\s/:@]*:)(?!\/\/).*@/, '$1$2***@').replace(/([?&;][^=&;\s]*(?:pass|secret|token|key)[^=&;\s]*=)[^&;\s]*/gi, '$1***');
}

/** A copy of a URL safe to print: the password is replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** The release; a test keeps it equal to package.json's version. */
export const APP_VERSION = '0.1.0';
