/* Precision and recall of the theme matcher on the labelled fixture: `npm run eval:themes`. */
import { DEFAULT_THEMES } from '../src/insights/themes/default-themes';
import { evaluateThemes } from '../src/insights/themes/theme-evaluation';
import { HELD_OUT_COMMENTS, themeFixture } from '../test/fixtures/theme-comments';

const fixture = themeFixture();
const result = evaluateThemes(DEFAULT_THEMES, fixture);
console.log(`theme matcher on ${fixture.length} labelled comments (${result.labels} theme labels)`);
console.log(`overall  precision ${(result.precision * 100).toFixed(1)}%  recall ${(result.recall * 100).toFixed(1)}%  F1 ${(result.f1 * 100).toFixed(1)}%`);
for (const t of result.perTheme) {
  console.log(`  ${t.theme.padEnd(16)} precision ${(t.precision * 100).toFixed(1).padStart(5)}%  recall ${(t.recall * 100).toFixed(1).padStart(5)}%  (tp ${t.tp}, fp ${t.fp}, fn ${t.fn})`);
}
if (process.argv.includes('--errors')) for (const e of result.errors) console.log(`  ${JSON.stringify(e.text)} expected [${e.expected}] got [${e.got}]`);

const heldOut = HELD_OUT_COMMENTS.map(([text, themes]) => ({ text, themes }));
const unseen = evaluateThemes(DEFAULT_THEMES, heldOut);
console.log(`held out (${heldOut.length} comments written after tuning, never tuned on): precision ${(unseen.precision * 100).toFixed(1)}%  recall ${(unseen.recall * 100).toFixed(1)}%  F1 ${(unseen.f1 * 100).toFixed(1)}%`);
if (process.argv.includes('--errors')) for (const e of unseen.errors) console.log(`  ${JSON.stringify(e.text)} expected [${e.expected}] got [${e.got}]`);
