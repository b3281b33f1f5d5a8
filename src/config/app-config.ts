import { ProcessRole } from './env.schema';

export interface DkimConfig {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** The validated, defaulted configuration every module reads; injected as `AppConfig`. */
export class AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly role: ProcessRole;
  readonly port: number;
  readonly host: string;
  readonly trustProxy: boolean | number | string[];
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly queuePrefix: string;
  readonly smtpUrl?: string;
  /** MAIL_FROM as set; unset, each email is from the brand (settings) at DEFAULT_SENDER_ADDRESS. */
  readonly mailFrom?: string;
  readonly dkim?: DkimConfig;
  readonly brandName: string;
  readonly brandPostalAddress: string;
  readonly jwtSecret: string;
  readonly encryptionKey: Buffer;
  readonly hashKey: string;
  readonly x?: { clientId: string; clientSecret: string };
  readonly xApiBase: string;
  readonly xMonthlyPostBudget: number;
  /** App-only bearer token for reading post metrics; unset, no metrics are read. */
  readonly xBearerToken?: string;
  /** Posts read from X per calendar month (UTC) at most (X bills each). */
  readonly xMonthlyReadBudget: number;
  readonly logLevel: string;

  constructor(values: AppConfig) {
    Object.assign(this, values);
    Object.freeze(this);
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }

  get runsApi(): boolean {
    return this.role !== 'worker';
  }

  get runsWorker(): boolean {
    return this.role !== 'api';
  }

  get dialect(): 'postgres' | 'sqlite' {
    return this.databaseUrl ? 'postgres' : 'sqlite';
  }
}
