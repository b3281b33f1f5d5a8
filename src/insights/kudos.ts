/**
 * First names that are also everyday words: they count as kudos only where they are used as a name
 * (capitalised mid-sentence, or followed by something a person does: "Will explained", "thanks to Grace").
 */
export const COMMON_WORD_NAMES = new Set([
  'will', 'grace', 'hope', 'faith', 'joy', 'bill', 'mark', 'sue', 'rose', 'art', 'jack', 'pat', 'ray', 'dawn', 'summer', 'may',
  'june', 'april', 'august', 'frank', 'rich', 'chase', 'carol', 'sunny', 'penny', 'drew', 'guy', 'gene', 'max', 'jay', 'ivy',
  'amber', 'crystal', 'harmony', 'patience', 'sky', 'rob', 'nick', 'cliff', 'dean', 'earl', 'page', 'miles', 'hunter', 'mason',
  'sandy', 'holly', 'ruby', 'pearl', 'angel', 'dot', 'lily', 'iris', 'destiny', 'precious', 'honor', 'major', 'king', 'royal',
  'sol', 'luz', 'paz', 'rosa', 'blanca', 'pierre', 'constance', 'prudence', 'rusty', 'buck', 'bob', 'don',
]);

/** Words after a name that say a person did something: "Will explained", "Grace was". */
const PERSON_VERBS = new Set([
  'explained', 'helped', 'was', 'is', 'made', 'took', 'went', 'did', 'answered', 'showed', 'got', 'treated', 'handled', 'sorted', 'fixed',
  'kept', 'knew', 'walked', 'greeted', 'listened', 'found', 'gave', 'called', 'came', 'always', 'really',
  'truly', 'personally', 'has', 'had', 'stayed', 'worked', 'checked', 'served', 'recommended', 'suggested', 'made', 'remembered',
  'rocks', 'rocked', 'deserves', 'nailed', 'explicó', 'ayudó', 'fue', 'nos', 'est', 'nous',
]);

export interface RosterName {
  id: string;
  firstName: string;
  neverMatch: boolean;
}

/** The roster entries a text thanks by name (once each). */
export function namesMentioned(text: string, roster: RosterName[]): RosterName[] {
  const found: RosterName[] = [];
  const words = [...text.matchAll(/[\p{L}'-]+|[.!?]/gu)].map((m) => m[0]);
  for (const entry of roster) {
    if (entry.neverMatch) continue;
    const key = entry.firstName.toLowerCase();
    const common = COMMON_WORD_NAMES.has(key);
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      if (word.toLowerCase() !== key) continue;
      if (!common) {
        found.push(entry);
        break;
      }
      if (word[0] !== word[0].toUpperCase()) continue; // "with grace", "I hope"
      const sentenceStart = i === 0 || /^[.!?]$/.test(words[i - 1]);
      const before = sentenceStart ? '' : words[i - 1].toLowerCase();
      const after = (words[i + 1] ?? '').toLowerCase();
      // Capitalised mid-sentence ("thanks to Grace") is a name; at a sentence start only when the person does something.
      if (PERSON_VERBS.has(after) || (!sentenceStart && before !== 'i')) {
        found.push(entry);
        break;
      }
    }
  }
  return found;
}

/** "Ana S." from "Ana Silva"; a lone name stays; none gives "A customer". */
export function firstNameAndInitial(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return 'A customer';
  const first = parts[0][0].toUpperCase() + parts[0].slice(1);
  return parts.length > 1 ? `${first} ${parts[parts.length - 1][0].toUpperCase()}.` : first;
}
