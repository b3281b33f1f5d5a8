import { newStemmer } from 'snowball-stemmers';

/** Languages the theme matcher stems; a theme's terms are written in one of them. */
export const THEME_LANGUAGES = ['en', 'es', 'fr'] as const;
export type ThemeLanguage = (typeof THEME_LANGUAGES)[number];

const ALGORITHM: Record<ThemeLanguage, string> = { en: 'english', es: 'spanish', fr: 'french' };
const stemmers = new Map<ThemeLanguage, { stem(word: string): string }>();

/** The Snowball stem of one lower-case word (cached stemmer per language). */
export function stem(word: string, language: ThemeLanguage): string {
  let stemmer = stemmers.get(language);
  if (!stemmer) {
    stemmer = newStemmer(ALGORITHM[language]);
    stemmers.set(language, stemmer);
  }
  return stemmer.stem(word);
}

/** The theme language for a location locale (`en-US` → `en`); unknown locales read as English. */
export function languageOf(locale: string | null | undefined): ThemeLanguage {
  const base = (locale ?? 'en').slice(0, 2).toLowerCase();
  return (THEME_LANGUAGES as readonly string[]).includes(base) ? (base as ThemeLanguage) : 'en';
}

export interface Token {
  /** Lower case, accents kept (stemmers expect them), apostrophes folded to `'`. */
  word: string;
  /** Index of the clause the token is in: punctuation and "but" start a new one (negation does not cross). */
  clause: number;
  /** Index of the sentence (. ! ? and new lines end one). */
  sentence: number;
}

const CLAUSE_BREAK = new Set(['but', 'however', 'though', 'although', 'pero', 'aunque', 'mais', 'cependant']);

/** Words and clause boundaries of a comment. "didn't" stays one token; "n't" forms are negators. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  let sentence = 0;
  const parts = text.toLowerCase().replace(/[’`´]/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*|[.!?;:,()\n]/gu) ?? [];
  for (const part of parts) {
    if (/^[.!?;:,()\n]$/.test(part) || CLAUSE_BREAK.has(part)) {
      clause += 1;
      if (/^[.!?\n]$/.test(part)) sentence += 1;
      continue;
    }
    // French elision: "l'attente" → "attente", "n'était" → negator "ne" + "était".
    const elided = /^([ldjmnstc]|qu)'(\p{L}.*)$/u.exec(part);
    if (elided) {
      if (elided[1] === 'n') tokens.push({ word: 'ne', clause, sentence });
      tokens.push({ word: elided[2], clause, sentence });
      continue;
    }
    tokens.push({ word: part, clause, sentence });
  }
  return tokens;
}

const STOPWORDS: Record<ThemeLanguage, Set<string>> = {
  en: new Set('the a an and or of to in on at for with was were is are it i my me we our they them this that you your not no but have had has be been very so too just there their from after before all'.split(' ')),
  es: new Set('el la los las un una y o de del en con por para fue era es son muy no pero me mi nos lo le se que al más sin su todo estaba está hay como eso esta este nada'.split(' ')),
  fr: new Set("le la les un une et ou de du des en avec pour par était est sont très ne pas mais je me mon ma nous on il elle qui que au aux plus sans tout ça depuis dans sur été avait ai y cette ce ces nos vos leur lui moi".split(' ')),
};

/** Stopwords of a language (for "other things people mention"). */
export function isStopword(word: string): boolean {
  return STOPWORDS.en.has(word) || STOPWORDS.es.has(word) || STOPWORDS.fr.has(word);
}

/**
 * The language of each token: sentences are told apart by their stopwords (a comment may switch language
 * between sentences); a sentence without a clear winner is in `fallback`, the location's language.
 */
export function sentenceLanguages(tokens: Token[], fallback: ThemeLanguage): ThemeLanguage[] {
  const result: ThemeLanguage[] = new Array(tokens.length);
  const sentences: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= tokens.length; i++) {
    if (i === tokens.length || tokens[i].sentence !== tokens[i - 1].sentence) {
      sentences.push([start, i]);
      start = i;
    }
  }
  for (const [from, to] of sentences) {
    const votes: Record<ThemeLanguage, number> = { en: 0, es: 0, fr: 0 };
    for (let i = from; i < to; i++) for (const l of THEME_LANGUAGES) if (STOPWORDS[l].has(tokens[i].word)) votes[l] += 1;
    if (/[ñ¿¡]|ción\b/.test(tokens.slice(from, to).map((t) => t.word).join(' '))) votes.es += 2;
    if (/[àâçèêëîïôœùûé]/.test(tokens.slice(from, to).map((t) => t.word).join(' '))) votes.fr += 1;
    let best: ThemeLanguage = fallback;
    for (const l of THEME_LANGUAGES) if (votes[l] > votes[best]) best = l;
    for (let i = from; i < to; i++) result[i] = best;
  }
  return result;
}

/**
 * A likely typo of `term`: one letter left out or added (words of 5+ letters), two neighbours swapped
 * (4+), or one letter changed (7+, where a real other word is unlikely: "change" is not "charge").
 */
export function isTypoOf(word: string, term: string): boolean {
  if (word === term || word[0] !== term[0]) return false;
  if (word.length === term.length) {
    const diff: number[] = [];
    for (let i = 0; i < word.length; i++) if (word[i] !== term[i]) diff.push(i);
    if (diff.length === 2 && diff[1] === diff[0] + 1 && word[diff[0]] === term[diff[1]] && word[diff[1]] === term[diff[0]]) return word.length >= 4;
    return diff.length === 1 && word.length >= 7;
  }
  if (Math.min(word.length, term.length) < 5) return false;
  return editDistance(word, term, 1) === 1;
}

/** Optimal string alignment distance, stopping early above `max`. */
export function editDistance(a: string, b: string, max = 1): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      rowMin = Math.min(rowMin, d[i][j]);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length][b.length];
}
