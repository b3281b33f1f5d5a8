import { Transform } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { emptyToUndefined } from '../common/validation/query-transforms';

export const ROLES = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof ROLES)[number];
export const NODE_ENVS = ['development', 'production', 'test'] as const;

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const PORT_MESSAGE = 'PORT must be a whole number from 0 to 65535';
const BUDGET_MESSAGE = 'X_MONTHLY_POST_BUDGET must be a whole number, 0 or more';
const READ_BUDGET_MESSAGE = 'X_MONTHLY_READ_BUDGET must be a whole number, 0 or more';

/** The environment variables Goodword reads (names from DESIGN.md), as raw strings checked at boot. */
export class EnvironmentVariables {
  @IsOptional() @IsIn(NODE_ENVS)
  NODE_ENV?: (typeof NODE_ENVS)[number];

  @IsOptional() @IsIn(ROLES)
  GOODWORD_ROLE?: ProcessRole;

  @Transform(toInt) @IsOptional()
  @IsInt({ message: PORT_MESSAGE }) @Min(0, { message: PORT_MESSAGE }) @Max(65535, { message: PORT_MESSAGE })
  PORT?: number;

  /** Interface to listen on: loopback by default in development, all interfaces in production. */
  @Transform(emptyToUndefined) @IsOptional() @IsString()
  HOST?: string;

  @Transform(emptyToUndefined) @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  DATA_DIR?: string;

  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(200)
  MAIL_FROM?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  DKIM_DOMAIN?: string;

  @Transform(emptyToUndefined) @ValidateIf((env) => !!env.DKIM_DOMAIN || !!env.DKIM_SELECTOR)
  @IsString({ message: 'DKIM_SELECTOR is required when DKIM_DOMAIN is set' })
  DKIM_SELECTOR?: string;

  @Transform(emptyToUndefined) @ValidateIf((env) => !!env.DKIM_DOMAIN || !!env.DKIM_PRIVATE_KEY)
  @Matches(/-----BEGIN (RSA )?PRIVATE KEY-----/, {
    message: 'DKIM_PRIVATE_KEY must be a PEM private key (required when DKIM_DOMAIN is set)',
  })
  DKIM_PRIVATE_KEY?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(100)
  BRAND_NAME?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(300)
  BRAND_POSTAL_ADDRESS?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(emptyToUndefined) @IsOptional()
  @IsBase64(undefined, { message: 'ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)' })
  ENCRYPTION_KEY?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32, { message: 'HASH_KEY must be at least 32 characters' })
  HASH_KEY?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  X_CLIENT_ID?: string;

  @Transform(emptyToUndefined) @ValidateIf((env) => !!env.X_CLIENT_ID || !!env.X_CLIENT_SECRET)
  @IsString({ message: 'X_CLIENT_SECRET is required when X_CLIENT_ID is set' })
  X_CLIENT_SECRET?: string;

  @Transform(emptyToUndefined) @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  X_API_BASE?: string;

  @Transform(toInt) @IsOptional()
  @IsInt({ message: BUDGET_MESSAGE }) @Min(0, { message: BUDGET_MESSAGE })
  X_MONTHLY_POST_BUDGET?: number;

  /** App-only bearer token (X developer console): reads the public metrics of posts made through Goodword. */
  @Transform(emptyToUndefined) @IsOptional() @IsString()
  X_BEARER_TOKEN?: string;

  @Transform(toInt) @IsOptional()
  @IsInt({ message: READ_BUDGET_MESSAGE }) @Min(0, { message: READ_BUDGET_MESSAGE })
  X_MONTHLY_READ_BUDGET?: number;

  /** Behind a reverse proxy: `true`, a hop count, or comma-separated proxy addresses/CIDRs (for client IPs in rate limits). */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count or comma-separated proxy addresses',
  })
  TRUST_PROXY?: string;

  /** Key prefix for queues in Redis; lets several deployments (or test files) share one Redis. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[a-zA-Z0-9_-]{1,40}$/, { message: 'QUEUE_PREFIX must be 1-40 letters, digits, - or _' })
  QUEUE_PREFIX?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
}
