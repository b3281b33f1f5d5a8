import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { mapHeaders } from './header.util';

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

export interface CsvReadOptions {
  /** canonical field → accepted header spellings */
  aliases: Record<string, string[]>;
  required: string[];
  /** Malformed records (unclosed quotes, wrong field counts) are reported here; reading goes on. */
  onRowError: (error: CsvRowError) => void;
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Comma or semicolon, whichever the header line uses more (outside quotes). */
function sniffDelimiter(head: string): ',' | ';' {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].replace(/"[^"]*"/g, '');
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/**
 * Streams a CSV (UTF-8, optional BOM, comma or semicolon, quoted newlines) as records keyed by canonical
 * field names, so memory stays flat however large the file. Header problems throw CsvFormatError before
 * any record is yielded.
 */
export async function* readCsv(input: Readable, options: CsvReadOptions): AsyncGenerator<CsvRow> {
  const source = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await source.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  if (head.length === 0) throw new CsvFormatError('The file is empty.');
  if (head.subarray(0, 4096).includes(0)) throw new CsvFormatError('The file is not a CSV text file.');

  const parser = Readable.from(prepend(head, source as AsyncIterator<Buffer>)).pipe(
    parse({
      bom: true,
      delimiter: sniffDelimiter(head.subarray(0, 65536).toString('utf8')),
      relax_column_count: true,
      skip_records_with_error: true,
    }),
  );
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
      fieldsByIndex = mapHeaders(record, options.aliases);
      const found = new Set(fieldsByIndex.filter(Boolean));
      if (found.size === 0) throw new CsvFormatError('No recognisable header row: the first line must name the columns.');
      const missing = options.required.filter((field) => !found.has(field));
      if (missing.length > 0) throw new CsvFormatError(`Missing required column(s): ${missing.join(', ')}.`);
      continue;
    }
    if (record.length > fieldsByIndex.length) {
      options.onRowError({ line, reason: `Row has ${record.length} fields, header has ${fieldsByIndex.length}` });
      continue;
    }
    const fields: Record<string, string> = {};
    fieldsByIndex.forEach((field, index) => {
      if (field && record[index] !== undefined) fields[field] = record[index];
    });
    yield { line, fields };
  }
  reportSkipped(Number.MAX_SAFE_INTEGER);
  if (!fieldsByIndex) throw new CsvFormatError('No recognisable header row: the first line must name the columns.');
}
