import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { validatePlain } from '../common/validation/validate-plain';
import { AppConfig } from '../config/app-config';
import { UpdateSettingsDto } from './dto/settings.dto';
import { MAX_FREQUENCY_CAP, SETTING_DEFAULTS, SETTING_KEYS, Settings } from './settings';
import { SettingValue } from './setting.entity';
import { SettingsRepository } from './settings.repository';

/**
 * Other processes (workers, other API instances) see a change within this time; the process that
 * made the change sees it at once.
 */
export const SETTINGS_CACHE_MS = 10_000;

/** Run-time settings: stored overrides over defaults from the environment, cached in memory. */
@Injectable()
export class SettingsService {
  private readonly logger = new Logger(SettingsService.name);
  private cached?: { settings: Readonly<Settings>; at: number };
  private loading?: Promise<Readonly<Settings>>;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The current settings (a frozen object: read it, don't keep it for long). */
  async get(): Promise<Readonly<Settings>> {
    if (this.cached && Date.now() - this.cached.at < SETTINGS_CACHE_MS) return this.cached.settings;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Changes the given settings (validated as the API validates them) and audits the changed field names. */
  async update(actor: Actor, patch: Partial<Settings>): Promise<Readonly<Settings>> {
    const result = validatePlain(UpdateSettingsDto, patch ?? {});
    if (result.errors) throw new BadRequestException(result.errors);
    const current = await this.load();
    const changes: Partial<Settings> = {};
    for (const key of SETTING_KEYS) {
      const value = result.value[key];
      if (value !== undefined && value !== current[key]) (changes as Record<string, unknown>)[key] = value;
    }
    const fields = Object.keys(changes);
    if (fields.length > 0) {
      await this.repository.transaction(async (manager) => {
        await this.repository.put(changes as Record<string, SettingValue>, manager);
        await this.audit.record(actor, { action: 'settings.update', subjectType: 'settings', details: { fields } }, manager);
      });
    }
    return this.load();
  }

  /** Drops the cache so the next `get()` reads the database. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async load(): Promise<Readonly<Settings>> {
    const stored = new Map((await this.repository.all()).map((row) => [row.key, row.value]));
    const settings: Settings = {
      brandName: this.config.brandName,
      brandPostalAddress: this.config.brandPostalAddress,
      ...SETTING_DEFAULTS,
    };
    for (const key of SETTING_KEYS) {
      if (!stored.has(key)) continue;
      // A stored value is used only if it passes today's rules (someone may have edited the table by hand).
      const check = validatePlain(UpdateSettingsDto, { [key]: stored.get(key) });
      if (check.errors) this.logger.warn({ msg: 'ignoring invalid stored setting, using its default', key });
      else (settings as unknown as Record<string, unknown>)[key] = check.value[key];
    }
    settings.frequencyCap = Math.min(settings.frequencyCap, MAX_FREQUENCY_CAP);
    const frozen = Object.freeze(settings);
    this.cached = { settings: frozen, at: Date.now() };
    return frozen;
  }
}
