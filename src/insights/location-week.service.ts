import { Injectable } from '@nestjs/common';
import { Actor, SYSTEM_ACTOR } from '../common/actor';
import { DAY_MS, daysBefore, lastDays, utcDay } from '../common/time/days';
import { AlertsService } from '../feedback/alerts.service';
import { Location } from '../locations/location.entity';
import { LocationsService } from '../locations/locations.service';
import { ReachSummary } from '../reach/reach-summary.service';
import { CommentRow, InsightsReadModel } from './insights.read-model';
import { firstNameAndInitial, namesMentioned } from './kudos';
import { maskPersonalData, shorten } from './mask';
import { RosterService } from './roster.service';
import { ThemesService } from './themes.service';
import { isStopword, languageOf, tokenize } from './themes/text';
import { ThemeMatcher } from './themes/theme-matcher';

const WEEK = 7 * DAY_MS;
/** The focus looks at this many days of detractor comments, and its trend at 12 weeks. */
export const FOCUS_DAYS = 28;
export const TREND_WEEKS = 12;
const QUOTES = 3;

export interface FocusView {
  /** Theme key (`wait-time`), or null when no detractor comment of the last 4 weeks names a theme. */
  theme: string | null;
  label: string | null;
  /** Detractor comments naming the theme in the last 4 weeks. */
  mentions: number;
  /** Its share of this location's detractor comments, and of the brand's, in the last 4 weeks (0–1). */
  share: number;
  brandShare: number;
  /** Detractor mentions per week, oldest first, the last ending now. */
  trend: { weekStart: string; mentions: number }[];
  /** Short, masked: no names, emails or phone numbers. */
  quotes: string[];
}

export interface KudosEntry {
  firstName: string;
  role: string | null;
  count: number;
  /** Who thanked them, latest first: first name and initial only. */
  from: string[];
}

export interface LocationWeek {
  location: { code: string; name: string; timezone: string };
  from: string;
  to: string;
  focus: FocusView;
  /** Frequent words and phrases in unhappy comments that no theme covers. */
  otherMentions: { phrase: string; count: number }[];
  /** Last 90 days, most thanked first (the API's `kudos`). */
  kudos: { firstName: string; count: number }[];
  kudosBoard: { days: 30 | 90; entries: KudosEntry[] }[];
  /** Recommendations approved in the last 7 days. */
  advocates: { name: string; line: string; approvedAt: Date }[];
  reach: { humanClicks: number; uniqueVisitors: number; previousHumanClicks: number; previousUniqueVisitors: number; change: number | null };
  openAlerts: { count: number; latest: { id: string; score: number; respondedAt: Date; comment: string | null }[] };
}

type Language = ReturnType<typeof languageOf>;

/** The brand's detractor comments in the focus window: how many, and how many name each theme. */
interface BrandThemes {
  comments: number;
  counts: Map<string, number>;
}

/** The manager's week for one location: page, API and digest email all show this. */
@Injectable()
export class LocationWeekService {
  private brand?: { matcher: ThemeMatcher; at: number; byLanguage: Map<Language, Promise<BrandThemes>> };

  constructor(
    private readonly locations: LocationsService,
    private readonly read: InsightsReadModel,
    private readonly themes: ThemesService,
    private readonly roster: RosterService,
    private readonly reach: ReachSummary,
    private readonly alerts: AlertsService,
  ) {}

  /** Dealers get a 404 for a location not theirs (LocationsService.get). */
  async execute(actor: Actor, code: string, now = new Date()): Promise<LocationWeek> {
    const location = await this.locations.get(actor, code);
    return this.forLocation(location, now, actor);
  }

  async forLocation(location: Location, now: Date, actor: Actor = SYSTEM_ACTOR): Promise<LocationWeek> {
    const matcher = await this.themes.matcher();
    const roster = await this.roster.entriesFor(location.id);
    const [focus, otherMentions] = await this.focus(location, matcher, roster.map((r) => r.firstName), now);
    const kudosBoard = await this.kudos(location, roster, now);
    const advocates = (await this.read.approved(location.id, new Date(now.getTime() - WEEK), now)).map((r) => ({
      name: r.authorName ?? 'A customer',
      line: shorten(maskPersonalData(withoutDisclosure(r.text, r.rewardAccepted)), 140),
      approvedAt: r.approvedAt,
    }));
    const today = now.getTime();
    // The last 7 UTC days and the 7 before: the reports' "7 days" and its comparison.
    const week = lastDays(7, today);
    const weekBefore = daysBefore(week);
    const thisWeek = await this.reach.forLocation(location.id, week.from, week.to);
    const lastWeek = await this.reach.forLocation(location.id, weekBefore.from, weekBefore.to);
    const open = await this.alerts.list(actor, { status: 'open', location: location.code, order: 'newest' }, 1000, 0);
    return {
      location: { code: location.code, name: location.name, timezone: location.timezone },
      from: new Date(today - WEEK).toISOString(),
      to: now.toISOString(),
      focus,
      otherMentions,
      kudos: kudosBoard[1].entries.map((e) => ({ firstName: e.firstName, count: e.count })),
      kudosBoard,
      advocates,
      reach: {
        humanClicks: thisWeek.humanClicks,
        uniqueVisitors: thisWeek.uniqueVisitors,
        previousHumanClicks: lastWeek.humanClicks,
        previousUniqueVisitors: lastWeek.uniqueVisitors,
        change: lastWeek.humanClicks === 0 ? null : (thisWeek.humanClicks - lastWeek.humanClicks) / lastWeek.humanClicks,
      },
      openAlerts: {
        count: open.length,
        latest: open.slice(0, 5).map((a) => ({ id: a.id, score: a.score, respondedAt: a.respondedAt, comment: a.comment })),
      },
    };
  }

  /**
   * The theme whose detractor mentions here most exceed what the brand-wide share of that theme would
   * predict (ties: more mentions), over the last 4 weeks; with its 12-week trend and a few masked quotes.
   */
  private async focus(location: Location, matcher: ThemeMatcher, staffNames: string[], now: Date): Promise<[FocusView, { phrase: string; count: number }[]]> {
    const since = new Date(now.getTime() - FOCUS_DAYS * DAY_MS);
    const language = languageOf(location.locale);
    const brand = await this.brandThemes(matcher, language, now);
    const brandCounts = brand.counts;

    const trendFrom = new Date(now.getTime() - TREND_WEEKS * WEEK);
    const local = await this.read.comments({ locationIds: [location.id], segments: ['detractor', 'passive'], from: trendFrom, to: now });
    const themed = local.map((row) => ({ row, themes: matcher.themesOf(row.comment, language) }));
    const recentDetractors = themed.filter((t) => t.row.segment === 'detractor' && t.row.respondedAt >= since);
    const counts = new Map<string, number>();
    for (const t of recentDetractors) for (const theme of t.themes) counts.set(theme, (counts.get(theme) ?? 0) + 1);

    let best: { theme: string; mentions: number; excess: number } | null = null;
    for (const [theme, mentions] of counts) {
      const excess = mentions - recentDetractors.length * ((brandCounts.get(theme) ?? 0) / Math.max(brand.comments, 1));
      if (!best || excess > best.excess || (excess === best.excess && mentions > best.mentions)) best = { theme, mentions, excess };
    }
    const trend = Array.from({ length: TREND_WEEKS }, (_, i) => {
      const end = now.getTime() - (TREND_WEEKS - 1 - i) * WEEK;
      const start = end - WEEK;
      const mentions = best
        ? themed.filter((t) => t.row.segment === 'detractor' && t.themes.includes(best!.theme) && t.row.respondedAt.getTime() >= start && t.row.respondedAt.getTime() < end).length
        : 0;
      return { weekStart: utcDay(start), mentions };
    });
    const quotes = best ? this.quotes(themed.filter((t) => t.row.respondedAt >= since && t.themes.includes(best!.theme)).map((t) => t.row), matcher, best.theme, language, staffNames) : [];
    const focus: FocusView = {
      theme: best?.theme ?? null,
      label: best ? matcher.labels.get(best.theme) ?? best.theme : null,
      mentions: best?.mentions ?? 0,
      share: best ? best.mentions / Math.max(recentDetractors.length, 1) : 0,
      brandShare: best ? (brandCounts.get(best.theme) ?? 0) / Math.max(brand.comments, 1) : 0,
      trend,
      quotes,
    };
    const unthemed = themed.filter((t) => t.row.respondedAt >= since && t.themes.length === 0).map((t) => t.row);
    return [focus, otherMentions(unthemed, matcher, language, staffNames)];
  }

  /**
   * The brand's detractor comments of the 4 weeks before `now`, counted per theme. Kept for the last `now` asked
   * (per language and theme set): the weekly digest asks for every location with the same one, and reads and
   * themes them once instead of once per location.
   */
  private brandThemes(matcher: ThemeMatcher, language: Language, now: Date): Promise<BrandThemes> {
    if (this.brand?.matcher !== matcher || this.brand.at !== now.getTime()) this.brand = { matcher, at: now.getTime(), byLanguage: new Map() };
    const kept = this.brand.byLanguage;
    let counted = kept.get(language);
    if (!counted) {
      counted = this.read.comments({ segments: ['detractor'], from: new Date(now.getTime() - FOCUS_DAYS * DAY_MS), to: now }).then((rows) => {
        const counts = new Map<string, number>();
        for (const row of rows) for (const theme of matcher.themesOf(row.comment, language)) counts.set(theme, (counts.get(theme) ?? 0) + 1);
        return { comments: rows.length, counts };
      });
      counted.catch(() => kept.delete(language)); // a failed read is not kept
      kept.set(language, counted);
    }
    return counted;
  }

  /** Detractors first, then passives, newest first; cut around the theme's word. */
  private quotes(rows: CommentRow[], matcher: ThemeMatcher, theme: string, language: Language, staffNames: string[]): string[] {
    const ordered = [...rows.filter((r) => r.segment === 'detractor'), ...rows.filter((r) => r.segment !== 'detractor')];
    const quotes: string[] = [];
    for (const row of ordered) {
      const masked = maskPersonalData(row.comment, [...staffNames, ...(row.name ? [row.name] : [])]);
      const tokens = tokenize(masked);
      const match = matcher.matches(masked, language, tokens).find((m) => m.theme === theme);
      const word = match ? tokens[match.start].word : '';
      const quote = shorten(masked, 140, word ? masked.toLowerCase().indexOf(word) : 0);
      if (!quotes.includes(quote)) quotes.push(quote);
      if (quotes.length === QUOTES) break;
    }
    return quotes;
  }

  private async kudos(location: Location, roster: { id: string; firstName: string; role: string | null; neverMatch: boolean }[], now: Date): Promise<LocationWeek['kudosBoard']> {
    const since = new Date(now.getTime() - 90 * DAY_MS);
    const since30 = now.getTime() - 30 * DAY_MS;
    const texts: { text: string; customer: string; at: Date }[] = [
      ...(await this.read.comments({ locationIds: [location.id], segments: ['promoter'], from: since, to: now })).map((r) => ({ text: r.comment, customer: firstNameAndInitial(r.name), at: r.respondedAt })),
      ...(await this.read.approved(location.id, since, now)).map((r) => ({ text: r.text, customer: r.authorName ?? 'A customer', at: r.approvedAt })),
    ].sort((a, b) => b.at.getTime() - a.at.getTime());
    const board = (days: 30 | 90) => {
      const byId = new Map<string, KudosEntry>();
      for (const t of texts) {
        if (days === 30 && t.at.getTime() < since30) continue;
        for (const entry of namesMentioned(t.text, roster)) {
          const row = byId.get(entry.id) ?? { firstName: entry.firstName, role: roster.find((r) => r.id === entry.id)?.role ?? null, count: 0, from: [] };
          row.count += 1;
          if (row.from.length < 5 && !row.from.includes(t.customer)) row.from.push(t.customer);
          byId.set(entry.id, row);
        }
      }
      return { days, entries: [...byId.values()].sort((a, b) => b.count - a.count || a.firstName.localeCompare(b.firstName)) };
    };
    return [board(30), board(90)];
  }
}

/** The approved text without its reward disclosure line (the first line when a reward was accepted). */
function withoutDisclosure(text: string, rewardAccepted: boolean): string {
  return rewardAccepted ? text.split('\n').slice(1).join(' ').trim() || text : text;
}

/**
 * "Other things people mention": two-word phrases (else single words) that come up in two or more unhappy
 * comments no theme covers, most frequent first.
 */
export function otherMentions(rows: CommentRow[], matcher: ThemeMatcher, language: Language, staffNames: string[] = []): { phrase: string; count: number }[] {
  const names = new Set(staffNames.map((n) => n.toLowerCase()));
  const phrases = new Map<string, Set<string>>();
  const words = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, id: string) => map.set(key, (map.get(key) ?? new Set()).add(id));
  for (const row of rows) {
    const tokens = tokenize(maskPersonalData(row.comment, row.name ? [row.name] : []));
    const covered = matcher.covered(tokens, language);
    const content = tokens
      .map((t, i) => ({ ...t, index: i, keep: !covered.has(i) && !isStopword(t.word) && t.word.length >= 3 && !/\d/.test(t.word) && !names.has(t.word) && t.word !== 'name' }))
      .filter((t) => t.keep || isStopword(t.word));
    // Phrases are two content words in a row, stopwords between them skipped ("parking was hard" → "parking hard").
    const kept = content.filter((t) => t.keep);
    for (let k = 0; k < kept.length; k++) {
      if (kept[k].word.length >= 4) add(words, kept[k].word, row.id);
      const next = kept[k + 1];
      if (next && next.clause === kept[k].clause && next.index - kept[k].index <= 3) add(phrases, `${kept[k].word} ${next.word}`, row.id);
    }
  }
  const rank = (map: Map<string, Set<string>>) =>
    [...map].filter(([, ids]) => ids.size >= 2).map(([phrase, ids]) => ({ phrase, count: ids.size })).sort((a, b) => b.count - a.count || a.phrase.localeCompare(b.phrase));
  const top = rank(phrases).slice(0, 5);
  const inPhrases = new Set(top.flatMap((p) => p.phrase.split(' ')));
  return [...top, ...rank(words).filter((w) => !inPhrases.has(w.phrase))].slice(0, 5);
}
