import { parse } from 'csv-parse';
import { pipeline, Readable } from 'node:stream';
import { guessDelimiter } from './delimiter';
import { duplicateColumns, mapHeaders } from './header.util';
import { GuardedRecord, RecordGuard } from './record-guard';

/** The file as a whole can't be imported (not text, no header, a required column missing). Nothing is written. */
export class CsvFormatError extends Error {}

export interface CsvRow {
  /** 1-based line number in the file where the record starts (header is line 1). */
  line: number;
  fields: Record<string, string>;
}

export interface CsvRowError {
  line: number;
  reason: string;
}

/**
 * The largest row read (bytes). No contract field may exceed a few thousand characters; this leaves room
 * for the many extra columns survey exports carry, while one huge field can't take the process's memory.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface CsvReadOptions {
  /** canonical field → accepted header spellings */
  aliases: Record<string, string[]>;
  required: string[];
  /** Malformed records (unclosed quotes, wrong field counts, too large, NUL characters) are reported here; reading goes on. */
  onRowError: (error: CsvRowError) => void;
  /** Overrides MAX_RECORD_BYTES (tests). */
  maxRecordBytes?: number;
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * Binary files (spreadsheets, images, UTF-16 text) have NUL bytes in their first line, many of them, or
 * NULs among other control bytes; a stray NUL in a text cell is that row's problem, not the file's.
 */
const BINARY_SIGNATURES = [
  Buffer.from('PK\x03\x04', 'latin1'), // zip: .xlsx, .docx
  Buffer.from('\x89PNG', 'latin1'),
  Buffer.from('%PDF', 'latin1'),
  Buffer.from('GIF8', 'latin1'),
  Buffer.from([0xff, 0xd8, 0xff]), // JPEG
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), // legacy .xls
];

function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 4096);
  const firstBreak = sample.findIndex((byte) => byte === 0x0a || byte === 0x0d);
  let nuls = 0;
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) nuls++;
    else if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) controls++;
  }
  if (nuls === 0) return false;
  if (BINARY_SIGNATURES.some((magic) => sample.subarray(0, magic.length).equals(magic))) return true;
  // A few stray NUL or control characters in a cell make a bad row (refused with its line), not a binary file.
  const many = Math.max(16, sample.length / 64);
  return nuls > many || controls > many || sample.subarray(0, firstBreak === -1 ? sample.length : firstBreak).includes(0);
}

/**
 * Streams a CSV (UTF-8, optional BOM, comma, semicolon or tab, quoted newlines) as records keyed by canonical
 * field names, so memory stays flat however large the file. Header problems throw CsvFormatError before
 * any record is yielded.
 */
export async function* readCsv(input: Readable, options: CsvReadOptions): AsyncGenerator<CsvRow> {
  const source = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await source.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  if (head.length === 0) throw new CsvFormatError('The file is empty.');
  if (looksBinary(head)) throw new CsvFormatError('The file is not a CSV text file.');

  const delimiter = guessDelimiter(head.subarray(0, 65536).toString('utf8'));
  // Records the guard dropped (too large, unclosed quote), reported in file order among the rows.
  const guarded: GuardedRecord[] = [];
  let firstDropped: GuardedRecord | undefined;
  const guard = new RecordGuard(delimiter.charCodeAt(0), options.maxRecordBytes ?? MAX_RECORD_BYTES, (record) => {
    firstDropped ??= record;
    guarded.push(record);
  });
  const parser = parse({ bom: true, delimiter, relax_column_count: true, skip_records_with_error: true });
  // pipeline, not pipe: an upload that fails (too large, aborted) ends the parser with that error.
  pipeline(Readable.from(prepend(head, source as AsyncIterator<Buffer>)), guard, parser, () => undefined);
  // Line numbers are counted here: csv-parse counts a CRLF inside quotes as two lines. The parser runs
  // ahead of this loop, so its 'skip' events (malformed records) are queued with the number of records
  // emitted before them and reported in file order, before the record that follows them.
  let nextLine = 1;
  let emitted = 0;
  const skipped: { records: number; lines?: number; reason: string }[] = [];
  parser.on('skip', (error: { records?: number; lines?: number; message: string }) => {
    skipped.push({ records: error.records ?? Number.MAX_SAFE_INTEGER, lines: error.lines, reason: `Malformed CSV: ${error.message}` });
  });
  const reportSkipped = (upTo: number) => {
    while (guarded.length > 0 && guarded[0].line < nextLine) options.onRowError(guarded.shift()!);
    while (skipped.length > 0 && skipped[0].records <= upTo) {
      const skip = skipped.shift()!;
      options.onRowError({ line: nextLine, reason: skip.reason });
      // Where the parser picked up again (its count: exact unless earlier rows had CRLFs inside quotes).
      if (skip.lines) nextLine = Math.max(nextLine + 1, skip.lines + 1);
    }
  };

  let fieldsByIndex: (string | null)[] | undefined;
  for await (const record of parser as AsyncIterable<string[]>) {
    reportSkipped(emitted);
    emitted++;
    const line = nextLine;
    let span = 0;
    for (const value of record) {
      if (value.indexOf('\n') !== -1 || value.indexOf('\r') !== -1) span += value.match(/\r\n|\r|\n/g)?.length ?? 0;
    }
    nextLine += 1 + span;
    // Blank lines and rows of only separators (spreadsheet exports add them) are not data.
    if (record.every((value) => value.trim() === '')) continue;
    if (!fieldsByIndex) {
      if (record.some((value) => value.includes('\0'))) throw new CsvFormatError('The file is not a CSV text file.');
      fieldsByIndex = mapHeaders(record, options.aliases);
      const found = new Set(fieldsByIndex.filter(Boolean));
      if (found.size === 0) throw noHeader(firstDropped);
      const duplicates = duplicateColumns(record, fieldsByIndex);
      if (duplicates.length > 0) throw new CsvFormatError(`Duplicate columns: ${duplicates.join('; ')}. Keep one of each.`);
      const missing = options.required.filter((field) => !found.has(field));
      if (missing.length > 0) throw new CsvFormatError(`Missing required column(s): ${missing.join(', ')}.`);
      continue;
    }
    if (record.length > fieldsByIndex.length) {
      options.onRowError({ line, reason: `Row has ${record.length} fields, header has ${fieldsByIndex.length}` });
      continue;
    }
    const fields: Record<string, string> = {};
    const withNul: string[] = [];
    fieldsByIndex.forEach((field, index) => {
      if (!field || record[index] === undefined) return;
      fields[field] = record[index];
      // PostgreSQL text can't hold U+0000; the row is refused here rather than failing its batch.
      if (record[index].includes('\0')) withNul.push(field);
    });
    if (withNul.length > 0) {
      options.onRowError({ line, reason: `${withNul.join(', ')} contain${withNul.length === 1 ? 's' : ''} a NUL character (\\0), which text may not hold` });
      continue;
    }
    yield { line, fields };
  }
  if (!fieldsByIndex) throw noHeader(firstDropped);
  reportSkipped(Number.MAX_SAFE_INTEGER);
  for (const record of guarded.splice(0)) options.onRowError(record);
}

/** Says why when the guard dropped what may have been the header (an unclosed quote in it, say). */
function noHeader(dropped?: GuardedRecord): CsvFormatError {
  const why = dropped ? ` (line ${dropped.line}: ${dropped.reason})` : '';
  return new CsvFormatError(`No recognisable header row: the first line must name the columns${why}.`);
}
