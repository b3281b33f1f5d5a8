import { Injectable, Logger } from '@nestjs/common';
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;
const FONT_DIR = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf');
/** The font ships as a dependency, so a card looks the same on every machine (no system fonts are read). */
const FONT_FILES = [join(FONT_DIR, 'DejaVuSans.ttf'), join(FONT_DIR, 'DejaVuSans-Bold.ttf')];
const MAX_LINES = 6;
const CHARS_PER_LINE = 46;

export interface QuoteCardInput {
  id: string;
  text: string;
  author: string;
  locationName: string;
}

/**
 * The link-preview image of `/p/:id`: the customer's approved words, their first name and initial, and the
 * location, drawn as SVG and rendered to a 1200×630 PNG. An approved text never changes, so each card is drawn
 * once and kept on disk (DATA_DIR/cards); `forget` removes it when the recommendation is withdrawn, hidden or erased.
 */
@Injectable()
export class QuoteCards {
  private readonly logger = new Logger(QuoteCards.name);
  private readonly dir: string;

  constructor(config: AppConfig) {
    this.dir = join(config.dataDir, 'cards');
  }

  png(card: QuoteCardInput): Buffer {
    const path = this.pathOf(card.id);
    try {
      return readFileSync(path);
    } catch {
      const png = renderQuoteCard(card);
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, png, { mode: 0o600 });
      renameSync(temporary, path); // never a half-written card for a concurrent reader
      return png;
    }
  }

  forget(id: string): void {
    try {
      rmSync(this.pathOf(id), { force: true });
    } catch (error) {
      this.logger.warn(`could not remove quote card ${id}: ${(error as Error).message}`);
    }
  }

  private pathOf(id: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error('not a recommendation id');
    return join(this.dir, `${id}.png`);
  }
}

export function renderQuoteCard(card: Omit<QuoteCardInput, 'id'>): Buffer {
  const lines = wrap(card.text, CHARS_PER_LINE, MAX_LINES);
  const fontSize = lines.length > 4 ? 40 : 48;
  const lineHeight = Math.round(fontSize * 1.3);
  const top = 190 + Math.max(0, (MAX_LINES - lines.length) * lineHeight) / 2 - 40;
  const text = lines
    .map((line, i) => `<text x="110" y="${top + i * lineHeight}" font-size="${fontSize}" fill="#1a1d21">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}">
<rect width="100%" height="100%" fill="#f4f7fc"/>
<rect x="0" y="0" width="18" height="${CARD_HEIGHT}" fill="#1f5fbf"/>
<text x="90" y="150" font-size="160" font-weight="bold" fill="#1f5fbf" opacity="0.25">“</text>
<g font-family="DejaVu Sans">${text}</g>
<text x="110" y="560" font-family="DejaVu Sans" font-size="34" font-weight="bold" fill="#1a1d21">${escapeXml(truncate(`— ${card.author}`, 40))}</text>
<text x="110" y="600" font-family="DejaVu Sans" font-size="28" fill="#4a5361">${escapeXml(truncate(`recommends ${card.locationName}`, 60))}</text>
</svg>`;
  return new Resvg(svg, { font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'original' } })
    .render()
    .asPng();
}

/** Words to lines of at most `width` characters, each paragraph on new lines; past `maxLines` the last line ends with "…". */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let cut = false;
  for (const paragraph of text.split(/\n+/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean)) {
    let current = '';
    for (const word of paragraph.split(' ')) {
      const piece = word.length > width ? `${word.slice(0, width - 1)}…` : word;
      if (current && current.length + 1 + piece.length > width) {
        lines.push(current);
        current = '';
      }
      current = current ? `${current} ${piece}` : piece;
    }
    lines.push(current);
  }
  if (lines.length > maxLines) {
    lines.length = maxLines;
    cut = true;
  }
  if (cut) lines[maxLines - 1] = truncate(`${lines[maxLines - 1]}…`, width);
  return lines;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Every character that could end an SVG text node or attribute is written as an entity. */
export function escapeXml(text: string): string {
  // Control characters are not allowed in XML at all; the rest become entities.
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
