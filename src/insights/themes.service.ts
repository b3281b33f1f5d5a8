import { BadRequestException, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { UpdateThemeDto } from './dto/insights.dto';
import { InsightsRepository } from './insights.repository';
import { DEFAULT_THEMES } from './themes/default-themes';
import { ThemeMatcher } from './themes/theme-matcher';
import { THEME_LANGUAGES } from './themes/text';

export interface ThemeView {
  key: string;
  label: string;
  sector: string;
  enabled: boolean;
  terms: Record<string, string[]>;
}

/** Edits reach other processes within this long. */
const MATCHER_TTL_MS = 30_000;

/** The brand's theme list: seeded with defaults at start (missing keys only), edited by admins and marketers. */
@Injectable()
export class ThemesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ThemesService.name);
  private cached?: { matcher: ThemeMatcher; at: number };

  constructor(
    private readonly repo: InsightsRepository,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.repo.insertMissingThemes(DEFAULT_THEMES);
    } catch (error) {
      this.logger.warn({ msg: 'could not seed the default themes', error: (error as Error).message });
    }
  }

  async list(): Promise<ThemeView[]> {
    return (await this.repo.themes()).map((t) => ({ key: t.key, label: t.label, sector: t.sector, enabled: t.enabled, terms: t.terms }));
  }

  async update(actor: Actor, key: string, dto: UpdateThemeDto): Promise<ThemeView> {
    if (dto.terms) validateTerms(dto.terms);
    const saved = await this.repo.transaction(async (manager) => {
      const theme = await this.repo.theme(key, manager);
      if (!theme) throw new NotFoundException(`No theme ${key}`);
      if (dto.label !== undefined) theme.label = dto.label;
      if (dto.enabled !== undefined) theme.enabled = dto.enabled;
      if (dto.terms) theme.terms = dto.terms;
      await this.repo.saveTheme(theme, manager);
      await this.audit.record(actor, { action: 'theme.update', subjectType: 'theme', subjectId: theme.id, details: { key, fields: Object.keys(dto) } }, manager);
      return theme;
    });
    this.cached = undefined;
    return { key: saved.key, label: saved.label, sector: saved.sector, enabled: saved.enabled, terms: saved.terms };
  }

  /** The matcher over the enabled themes (rebuilt after an edit here, or within 30 s of one elsewhere). */
  async matcher(now = Date.now()): Promise<ThemeMatcher> {
    if (this.cached && now - this.cached.at < MATCHER_TTL_MS) return this.cached.matcher;
    const themes = (await this.repo.themes()).filter((t) => t.enabled);
    const matcher = new ThemeMatcher(themes.map((t) => ({ key: t.key, label: t.label, terms: t.terms })));
    this.cached = { matcher, at: now };
    return matcher;
  }
}

function validateTerms(terms: Record<string, string[]>): void {
  const problems: string[] = [];
  for (const [language, list] of Object.entries(terms)) {
    if (!(THEME_LANGUAGES as readonly string[]).includes(language)) problems.push(`terms: language must be one of ${THEME_LANGUAGES.join(', ')}`);
    else if (!Array.isArray(list) || list.length > 300) problems.push(`terms.${language} must be a list of at most 300 words or phrases`);
    else if (list.some((t) => typeof t !== 'string' || t.trim().length === 0 || t.length > 80)) problems.push(`terms.${language}: each term is 1 to 80 characters`);
  }
  if (problems.length) throw new BadRequestException(problems);
}
