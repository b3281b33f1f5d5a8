import { ThemeDefinition, ThemeMatcher } from './theme-matcher';

export interface ThemeScore {
  theme: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

/** Micro-averaged precision and recall of the matcher against labelled comments, and per theme. */
export function evaluateThemes(themes: ThemeDefinition[], labelled: { text: string; themes: string[] }[]) {
  const matcher = new ThemeMatcher(themes);
  const scores = new Map<string, ThemeScore>(themes.map((t) => [t.key, { theme: t.key, tp: 0, fp: 0, fn: 0, precision: 0, recall: 0 }]));
  const errors: { text: string; expected: string[]; got: string[] }[] = [];
  let labels = 0;
  for (const item of labelled) {
    const got = new Set(matcher.themesOf(item.text));
    const expected = new Set(item.themes);
    labels += expected.size;
    for (const key of got) scores.get(key)![expected.has(key) ? 'tp' : 'fp'] += 1;
    for (const key of expected) if (!got.has(key)) scores.get(key)!.fn += 1;
    if (got.size !== expected.size || [...got].some((k) => !expected.has(k))) errors.push({ text: item.text, expected: [...expected], got: [...got] });
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  const perTheme = [...scores.values()].map((s) => ({ ...s, precision: ratio(s.tp, s.tp + s.fp), recall: ratio(s.tp, s.tp + s.fn) }));
  const tp = perTheme.reduce((n, s) => n + s.tp, 0);
  const fp = perTheme.reduce((n, s) => n + s.fp, 0);
  const fn = perTheme.reduce((n, s) => n + s.fn, 0);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1), labels, perTheme, errors };
}
