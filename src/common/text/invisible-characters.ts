/**
 * Characters that change how the text around them is shown without showing themselves. A right-to-left override
 * in a name can flip the sentence it is put into ("Hi ‮nimda‬," on a page or in an email); zero-width characters
 * can hide a word or make two names look alike.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** Bidi controls and marks, zero-width characters, BOM, other C0/C1 controls (names have no use for any). */
const NAME_INVISIBLES = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** Free text (comments): embeddings, overrides and isolates removed; joiners and marks stay (emoji, Arabic, Indic scripts need them). */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

const VISIBLE_RUN = `[^\\s${NAME_INVISIBLES.source.slice(1, -1)}]+`;
/** Already clean: no invisible character, single spaces between words, none around them (most names of an import). */
const CLEAN_NAME = new RegExp(`^${VISIBLE_RUN}(?: ${VISIBLE_RUN})*$`);

/** A person's or a place's name: every invisible and control character removed, spaces collapsed. */
export function cleanName(text: string): string {
  if (CLEAN_NAME.test(text)) return text;
  return text.replace(NAME_INVISIBLES, '').replace(/\s+/g, ' ').trim();
}

/** Text without any character cleanName removes: for `@Matches` on email addresses, which have no use for them either. */
export const WITHOUT_INVISIBLES = new RegExp(`^[^${NAME_INVISIBLES.source.slice(1, -1)}]*$`);

export function hasInvisibles(text: string): boolean {
  return !WITHOUT_INVISIBLES.test(text);
}

/** A class-transformer `@Transform` for staff-written text shown to others: trimmed, direction overrides removed. */
export const trimText = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? stripBidiControls(value).trim() : value);
