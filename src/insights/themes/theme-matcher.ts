import { isTypoOf, sentenceLanguages, stem, THEME_LANGUAGES, ThemeLanguage, Token, tokenize } from './text';

export interface ThemeDefinition {
  key: string;
  label: string;
  /** Terms per language, as in ThemeSeed (`+good word`, `!absence`). */
  terms: Partial<Record<ThemeLanguage, string[]>>;
}

type Polarity = 'problem' | 'good' | 'absence';

interface CompiledTerm {
  theme: string;
  language: ThemeLanguage;
  polarity: Polarity;
  words: string[];
  stems: string[];
}

export interface ThemeMatch {
  theme: string;
  /** Index of the first matched token. */
  start: number;
}

const NEGATORS: Record<ThemeLanguage, Set<string>> = {
  en: new Set(['no', 'not', 'never', 'without', 'none', 'nothing', 'zero', 'hardly', 'barely', 'nobody', 'neither', 'nor', 'cannot', 'lack', 'nope']),
  es: new Set(['no', 'nunca', 'sin', 'nada', 'ningún', 'ninguna', 'ninguno', 'tampoco', 'jamás', 'nadie', 'ni']),
  fr: new Set(['ne', 'pas', 'jamais', 'sans', 'aucun', 'aucune', 'rien', 'personne', 'ni']),
};
/** Words that take the negation for themselves: "not happy with the price" is still about the price. */
const NEGATION_TAKERS = new Set([
  'happy', 'pleased', 'satisfied', 'impressed', 'worth', 'great', 'good', 'thrilled', 'sure', 'recommend', 'acceptable', 'ok', 'okay', 'fan',
  'contento', 'contenta', 'satisfecho', 'satisfecha', 'bueno', 'buena', 'content', 'contente', 'satisfait', 'satisfaite', 'bon', 'bonne',
]);
/** After a problem word, "was not long" or "wasn't a problem" takes it back. */
const TAKEN_BACK = new Set(['long', 'bad', 'an', 'a', 'big', 'issue', 'problem', 'too', 'that', 'largo', 'larga', 'mal', 'problema', 'longue', 'problème', 'grave']);
const WINDOW = 3;

function isNegator(word: string): boolean {
  return word.endsWith("n't") || NEGATORS.en.has(word) || NEGATORS.es.has(word) || NEGATORS.fr.has(word);
}

/**
 * Finds which themes a comment talks about. Words are compared by their Snowball stem in the term's
 * language, a long word also one typo away ("expensiv", "waitng"); a match in a negated clause ("no wait
 * at all", "didn't have to wait") is not a complaint, while a good word only counts negated ("not clean").
 */
export class ThemeMatcher {
  private readonly terms: CompiledTerm[] = [];
  private readonly byFirstStem = new Map<string, CompiledTerm[]>();
  private readonly fuzzy: CompiledTerm[] = [];
  readonly labels = new Map<string, string>();

  constructor(themes: ThemeDefinition[]) {
    for (const theme of themes) {
      this.labels.set(theme.key, theme.label);
      for (const language of THEME_LANGUAGES) {
        for (const raw of theme.terms[language] ?? []) {
          const polarity: Polarity = raw.startsWith('+') ? 'good' : raw.startsWith('!') ? 'absence' : 'problem';
          const words = tokenize(raw.replace(/^[+!]/, '')).map((t) => t.word);
          if (words.length === 0) continue;
          const term: CompiledTerm = { theme: theme.key, language, polarity, words, stems: words.map((w) => stem(w, language)) };
          this.terms.push(term);
          const key = `${language}:${term.stems[0]}`;
          this.byFirstStem.set(key, [...(this.byFirstStem.get(key) ?? []), term]);
          if (words.length === 1 && words[0].length >= 4) this.fuzzy.push(term);
        }
      }
    }
  }

  /** The themes mentioned, once each, in the order first seen. */
  themesOf(text: string, language: ThemeLanguage = 'en'): string[] {
    return [...new Set(this.matches(text, language).map((m) => m.theme))];
  }

  /** `language`: the location's, for sentences that don't show their own. */
  matches(text: string, language: ThemeLanguage = 'en', tokens: Token[] = tokenize(text)): ThemeMatch[] {
    const languages = sentenceLanguages(tokens, language);
    const stems = tokens.map((t, i) => stem(t.word, languages[i]));
    const found: ThemeMatch[] = [];
    for (let i = 0; i < tokens.length; i++) {
      for (const term of this.candidates(tokens, stems, languages, i)) {
        const negated = this.negated(tokens, i, term);
        const counts = term.polarity === 'absence' || (term.polarity === 'good' ? negated : !negated);
        if (counts) found.push({ theme: term.theme, start: i });
      }
    }
    return found;
  }

  /** Token indexes covered by any term (matched or not): what "other things people mention" leaves out. */
  covered(tokens: Token[], language: ThemeLanguage = 'en'): Set<number> {
    const languages = sentenceLanguages(tokens, language);
    const stems = tokens.map((t, i) => stem(t.word, languages[i]));
    const covered = new Set<number>();
    for (let i = 0; i < tokens.length; i++) {
      for (const term of this.candidates(tokens, stems, languages, i)) for (let k = 0; k < term.words.length; k++) covered.add(i + k);
    }
    return covered;
  }

  private *candidates(tokens: Token[], stems: string[], languages: ThemeLanguage[], i: number): Iterable<CompiledTerm> {
    const language = languages[i];
    const seen = new Set<CompiledTerm>();
    for (const term of this.byFirstStem.get(`${language}:${stems[i]}`) ?? []) {
      if (this.followsOn(tokens, stems, i, term)) {
        seen.add(term);
        yield term;
      }
    }
    const word = tokens[i].word;
    if (word.length < 4 || seen.size > 0) return;
    for (const term of this.fuzzy) {
      if (term.language !== language || seen.has(term)) continue;
      if (isTypoOf(word, term.words[0]) || (stems[i].length >= 6 && isTypoOf(stems[i], term.stems[0]))) {
        seen.add(term);
        yield term;
      }
    }
  }

  private followsOn(tokens: Token[], stems: string[], i: number, term: CompiledTerm): boolean {
    for (let k = 1; k < term.stems.length; k++) {
      if (i + k >= tokens.length || tokens[i + k].clause !== tokens[i].clause || stems[i + k] !== term.stems[k]) return false;
    }
    return true;
  }

  /** A negator shortly before in the same clause (and no word taking it for itself), or "… was not long" after. */
  private negated(tokens: Token[], i: number, term: CompiledTerm): boolean {
    if (isNegator(term.words[0])) return false;
    const clause = tokens[i].clause;
    for (let j = i - 1; j >= Math.max(0, i - WINDOW); j--) {
      if (tokens[j].clause !== clause) break;
      if (NEGATION_TAKERS.has(tokens[j].word)) return false;
      if (isNegator(tokens[j].word)) return true;
    }
    if (term.polarity !== 'problem') return false;
    const end = i + term.words.length;
    for (let j = end; j < Math.min(tokens.length - 1, end + WINDOW + 1); j++) {
      if (tokens[j].clause !== clause) break;
      if (isNegator(tokens[j].word) && TAKEN_BACK.has(tokens[j + 1].word) && tokens[j + 1].clause === clause) return true;
    }
    return false;
  }
}
