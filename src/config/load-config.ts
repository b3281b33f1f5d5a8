import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from './app-config';
import { EnvironmentVariables } from './env.schema';

/** Thrown for a configuration the process must not start with; its message is one line naming the variable. */
export class ConfigError extends Error {}

const GENERATED_SECRETS = ['JWT_SECRET', 'ENCRYPTION_KEY', 'HASH_KEY'] as const;
type SecretName = (typeof GENERATED_SECRETS)[number];

function firstMessage(errors: ValidationError[]): string {
  const error = errors[0];
  const message = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  // class-validator's default messages start with the property name already.
  return message.startsWith(error.property) ? message : `${error.property}: ${message}`;
}

/** Development only: secrets are made once and kept beside the data so restarts keep sessions and hashes valid. */
function loadOrCreateSecrets(dataDir: string): Record<SecretName, string> {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new ConfigError(`${file} is not valid JSON: delete it to generate new development secrets`);
    }
  }
  const secrets = {
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HASH_KEY: randomBytes(48).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = { ...source };
  // A PEM key often arrives as one line with literal \n (container env files); restore its newlines.
  if (raw.DKIM_PRIVATE_KEY?.includes('\\n')) raw.DKIM_PRIVATE_KEY = raw.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n');
  const env = plainToInstance(EnvironmentVariables, raw, { excludeExtraneousValues: false });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigError(firstMessage(errors));

  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const role = env.GOODWORD_ROLE ?? 'all';
  if (role !== 'all' && !(env.REDIS_URL && env.DATABASE_URL)) {
    throw new ConfigError(
      `GOODWORD_ROLE=${role} needs REDIS_URL and DATABASE_URL: separate api and worker processes share one PostgreSQL and one Redis`,
    );
  }
  if (production) {
    for (const name of [...GENERATED_SECRETS, 'PUBLIC_URL', 'BRAND_POSTAL_ADDRESS'] as const) {
      if (!env[name]) throw new ConfigError(`${name} is required when NODE_ENV=production`);
    }
  }

  const dataDir = resolve(env.DATA_DIR ?? './data');
  const missingSecret = GENERATED_SECRETS.some((name) => !env[name]);
  const generated = missingSecret ? loadOrCreateSecrets(dataDir) : undefined;
  const secret = (name: SecretName) => env[name] ?? generated![name];

  const encryptionKey = Buffer.from(secret('ENCRYPTION_KEY'), 'base64');
  if (encryptionKey.length !== 32) {
    throw new ConfigError('ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }
  const port = env.PORT ?? 3000;

  return new AppConfig({
    env: nodeEnv,
    role,
    port,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX ?? 'goodword',
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    dkim: env.DKIM_DOMAIN
      ? { domainName: env.DKIM_DOMAIN, keySelector: env.DKIM_SELECTOR!, privateKey: env.DKIM_PRIVATE_KEY! }
      : undefined,
    brandName: env.BRAND_NAME ?? 'Goodword Demo Motors',
    brandPostalAddress: env.BRAND_POSTAL_ADDRESS ?? '1 Example Street, Springfield, USA',
    jwtSecret: secret('JWT_SECRET'),
    encryptionKey,
    hashKey: secret('HASH_KEY'),
    x: env.X_CLIENT_ID ? { clientId: env.X_CLIENT_ID, clientSecret: env.X_CLIENT_SECRET! } : undefined,
    xApiBase: (env.X_API_BASE ?? 'https://api.x.com').replace(/\/+$/, ''),
    xMonthlyPostBudget: env.X_MONTHLY_POST_BUDGET ?? 500,
    xBearerToken: env.X_BEARER_TOKEN,
    xMonthlyReadBudget: env.X_MONTHLY_READ_BUDGET ?? 2000,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
  } as AppConfig);
}
