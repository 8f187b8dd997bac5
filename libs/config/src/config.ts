/** The one typed configuration object, with the names and defaults of design.md section 3. */
export interface OidcProviderConfig {
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** How long one request to the provider (discovery, token endpoint) may take before the sign-in answers 502. */
  readonly timeoutSeconds: number;
}

/** `timeoutSeconds` of an OIDC_PROVIDERS entry that names none. */
const DEFAULT_OIDC_TIMEOUT_SECONDS = 10;

export type RuntimeMode = 'embedded' | 'production';

export interface AppConfig {
  readonly mode: RuntimeMode;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly databaseUrl?: string;
  readonly eventStoreConnectionString?: string;
  readonly redisUrl?: string;
  /** First retry delay of a failed job (doubling after each attempt) unless the job names its own backoff. */
  readonly jobRetryDelayMs: number;
  /** How long a running job stays claimed without a renewal: after a crash, its job runs again within about this (twice on BullMQ). */
  readonly jobLockMs: number;
  readonly mailUrl?: string;
  readonly mailFrom: string;
  readonly supportEmail: string;
  readonly bootstrapAdminEmail?: string;
  readonly platformServiceTokens: readonly string[];
  /** Required in production; generated once into DATA_DIR on the embedded default. */
  readonly jwtSecret?: string;
  readonly dataEncryptionKey?: string;
  readonly bcryptCost: number;
  readonly loginMaxFailures: number;
  readonly loginFailureWindowSeconds: number;
  readonly lockoutSeconds: number;
  readonly sessionIdleSeconds: number;
  readonly sessionMaxSeconds: number;
  readonly accessTokenSeconds: number;
  readonly passwordResetTtlSeconds: number;
  readonly reauthWindowSeconds: number;
  /** How long a closed account can be reopened by signing in; then it is erased. */
  readonly erasureGraceSeconds: number;
  readonly apiKeyStaleSeconds: number;
  readonly apiScopes: readonly string[];
  readonly rateLimitPerMinute: number;
  readonly trustProxy: boolean;
  readonly corsOrigins: readonly string[];
  readonly webauthnRpId: string;
  readonly webauthnOrigin: string;
  readonly oidcProviders: readonly OidcProviderConfig[];
  readonly businessHolidays: readonly string[];
  /** Day of the month (UTC) on which the previous month is closed and invoiced. */
  readonly billingCloseDay: number;
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
  /** `GET /metrics` on its own port, without a token; else on PORT behind `metricsToken`; else off. */
  readonly metricsPort?: number;
  readonly metricsToken?: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Environment, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Environment, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be on or off, got "${raw}"`);
}

function list(env: Environment, name: string, fallback: readonly string[] = []): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [...fallback];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function url(env: Environment, name: string, protocols: readonly string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function email(env: Environment, name: string, fallback?: string): string | undefined {
  const raw = read(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) throw new ConfigError(name, `must be an email address, got "${raw}"`);
  return raw;
}

function oidcProviders(env: Environment): OidcProviderConfig[] {
  const raw = read(env, 'OIDC_PROVIDERS');
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('OIDC_PROVIDERS', 'must be a JSON list of {name, issuer, clientId, clientSecret}');
  }
  if (!Array.isArray(parsed)) throw new ConfigError('OIDC_PROVIDERS', 'must be a JSON list');
  return parsed.map((entry: Record<string, unknown>, index) => {
    for (const field of ['name', 'issuer', 'clientId', 'clientSecret']) {
      if (typeof entry?.[field] !== 'string' || (entry[field] as string).length === 0) {
        throw new ConfigError('OIDC_PROVIDERS', `entry ${index} needs a non-empty "${field}"`);
      }
    }
    if (!/^[a-z0-9-]+$/.test(entry.name as string)) {
      throw new ConfigError('OIDC_PROVIDERS', `entry ${index}: name must be lower-case letters, digits or dashes`);
    }
    const timeoutSeconds = entry.timeoutSeconds ?? DEFAULT_OIDC_TIMEOUT_SECONDS;
    if (typeof timeoutSeconds !== 'number' || !Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 60) {
      throw new ConfigError('OIDC_PROVIDERS', `entry ${index}: timeoutSeconds must be a whole number of seconds from 1 to 60`);
    }
    return {
      name: entry.name as string,
      issuer: entry.issuer as string,
      clientId: entry.clientId as string,
      clientSecret: entry.clientSecret as string,
      timeoutSeconds,
    };
  });
}

function businessHolidays(env: Environment): string[] {
  const dates = list(env, 'BUSINESS_HOLIDAYS');
  for (const date of dates) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      throw new ConfigError('BUSINESS_HOLIDAYS', `must list dates as YYYY-MM-DD, got "${date}"`);
    }
  }
  return dates;
}

const MIN_SECRET_LENGTH = 32;

function metricsToken(env: Environment): string | undefined {
  const token = read(env, 'METRICS_TOKEN');
  if (token !== undefined && token.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  return token;
}

/** Parses and validates the environment. Pure: reads nothing but `env`. */
export function loadConfig(env: Environment = process.env): AppConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/$/, '');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const eventStoreConnectionString = url(env, 'EVENTSTORE_CONNECTION_STRING', ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrent:']);
  const mode: RuntimeMode = databaseUrl || eventStoreConnectionString ? 'production' : 'embedded';
  if (eventStoreConnectionString && !databaseUrl) {
    throw new ConfigError('DATABASE_URL', 'is required with EVENTSTORE_CONNECTION_STRING: read models live in PostgreSQL');
  }
  const jwtSecret = read(env, 'JWT_SECRET');
  const dataEncryptionKey = read(env, 'DATA_ENCRYPTION_KEY');
  if (mode === 'production') {
    if (!jwtSecret) throw new ConfigError('JWT_SECRET', 'is required with a server-backed store');
    if (!dataEncryptionKey) throw new ConfigError('DATA_ENCRYPTION_KEY', 'is required with a server-backed store');
  }
  if (jwtSecret !== undefined && jwtSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (dataEncryptionKey !== undefined && dataEncryptionKey.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('DATA_ENCRYPTION_KEY', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const publicHost = new URL(publicUrl);
  const apiScopes = list(env, 'API_SCOPES', ['chat', 'video', 'models']);
  for (const scope of apiScopes) {
    if (!/^[a-z][a-z0-9_-]*$/.test(scope)) throw new ConfigError('API_SCOPES', `has an invalid scope "${scope}"`);
  }
  const sessionIdleSeconds = integer(env, 'SESSION_IDLE_SECONDS', 86_400, 1);
  const sessionMaxSeconds = integer(env, 'SESSION_MAX_SECONDS', 2_592_000, 1);
  if (sessionMaxSeconds < sessionIdleSeconds) {
    throw new ConfigError('SESSION_MAX_SECONDS', 'must not be shorter than SESSION_IDLE_SECONDS');
  }
  return {
    mode,
    port,
    host: read(env, 'HOST') ?? '0.0.0.0',
    dataDir: read(env, 'DATA_DIR') ?? './data',
    publicUrl,
    databaseUrl,
    eventStoreConnectionString,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    jobRetryDelayMs: integer(env, 'JOB_RETRY_DELAY_MS', 1000, 1),
    jobLockMs: integer(env, 'JOB_LOCK_MS', 30_000, 1000),
    mailUrl: url(env, 'MAIL_URL', ['smtp:', 'smtps:']),
    mailFrom: email(env, 'MAIL_FROM', 'no-reply@minimax.gr.com')!,
    supportEmail: email(env, 'SUPPORT_EMAIL', 'support@minimax.gr.com')!,
    bootstrapAdminEmail: email(env, 'BOOTSTRAP_ADMIN_EMAIL')?.toLowerCase(),
    platformServiceTokens: list(env, 'PLATFORM_SERVICE_TOKENS'),
    jwtSecret,
    dataEncryptionKey,
    bcryptCost: integer(env, 'BCRYPT_COST', 12, 4, 31),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1),
    loginFailureWindowSeconds: integer(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1),
    lockoutSeconds: integer(env, 'LOCKOUT_SECONDS', 900, 1),
    sessionIdleSeconds,
    sessionMaxSeconds,
    accessTokenSeconds: integer(env, 'ACCESS_TOKEN_SECONDS', 900, 1),
    passwordResetTtlSeconds: integer(env, 'PASSWORD_RESET_TTL_SECONDS', 900, 1),
    reauthWindowSeconds: integer(env, 'REAUTH_WINDOW_SECONDS', 900, 1),
    erasureGraceSeconds: integer(env, 'ERASURE_GRACE_SECONDS', 2_592_000, 1),
    apiKeyStaleSeconds: integer(env, 'API_KEY_STALE_SECONDS', 7_776_000, 1),
    apiScopes,
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 20, 1),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    corsOrigins: list(env, 'CORS_ORIGINS'),
    webauthnRpId: read(env, 'WEBAUTHN_RP_ID') ?? publicHost.hostname,
    webauthnOrigin: read(env, 'WEBAUTHN_ORIGIN') ?? publicHost.origin,
    oidcProviders: oidcProviders(env),
    businessHolidays: businessHolidays(env),
    billingCloseDay: integer(env, 'BILLING_CLOSE_DAY', 3, 1, 28),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024),
    logLevel: read(env, 'LOG_LEVEL') ?? 'info',
    metricsPort: read(env, 'METRICS_PORT') === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 1, 65535),
    metricsToken: metricsToken(env),
  };
}
