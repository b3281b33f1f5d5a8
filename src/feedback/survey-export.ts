import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { pipeline, Readable, Transform } from 'node:stream';
import * as chardet from 'chardet';
import * as iconv from 'iconv-lite';
import { CsvFormatError } from '../common/csv/csv-reader';
import { guessDelimiter } from '../common/csv/delimiter';
import { normalizeHeader } from '../common/csv/header.util';
import { FEEDBACK_CSV_COLUMNS, REQUIRED_CSV_COLUMNS } from './feedback-csv';
import { checkDate, checkScore } from './feedback-fields';
import { dateFormatChoices, isDatePattern, normaliseDate } from './export-dates';
import { looksLikeXlsx, SheetRecord, xlsxRecords } from './xlsx-records';

/**
 * Survey-tool exports as they come (Qualtrics, legacy Qualtrics, SurveyMonkey, Typeform, Google Forms):
 * the bytes decoded whatever their encoding, the header rows recognised, and a mapping from our fields
 * to the file's columns applied to each row. Streaming: the file is never held whole.
 */

/** Our fields, and the file column (by header name) each is read from. */
export const MAPPING_FIELDS = [
  'responseId', 'email', 'score', 'comment', 'respondedAt', 'location', 'name', 'phone', 'marketingConsent', 'touchpoint',
] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

export interface ColumnMapping extends Partial<Record<MappingField, string>> {
  /** How the respondedAt column writes dates, in CLDR tokens (`M/d/yyyy H:mm:ss`); ISO 8601 when absent. */
  dateFormat?: string;
}

export const NO_SCORE_COLUMN_MESSAGE =
  'No 0–10 column: choose the question that asked how likely they are to recommend you.';

/** Checks a mapping given as JSON (CLI file, API field): field names known, values header names. */
export function parseMapping(json: string): ColumnMapping {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CsvFormatError('The mapping is not JSON: give an object of field name → column header, e.g. {"score": "NPS"}.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new CsvFormatError('The mapping must be a JSON object of field name → column header.');
  }
  const mapping: ColumnMapping = {};
  for (const [key, header] of Object.entries(value as Record<string, unknown>)) {
    if (header === null || header === '') continue;
    if (typeof header !== 'string' || header.length > 500) throw new CsvFormatError(`The mapping's ${key} must be a column header (text).`);
    if (key === 'dateFormat') {
      if (!isDatePattern(header)) throw new CsvFormatError(`The mapping's dateFormat ${header} is not a date pattern such as M/d/yyyy H:mm:ss.`);
      mapping.dateFormat = header;
    } else if ((MAPPING_FIELDS as readonly string[]).includes(key)) mapping[key as MappingField] = header;
    else throw new CsvFormatError(`The mapping names an unknown field "${key}": use ${MAPPING_FIELDS.join(', ')} or dateFormat.`);
  }
  return mapping;
}

// ---------------------------------------------------------------------------------------------------
// Encodings

export interface DecodeReport {
  encoding: string;
  /** Characters that could not be decoded and were replaced by U+FFFD. */
  replaced: number;
}

function detectEncoding(head: Buffer): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // A chunk may end inside a multi-byte character: look at whole characters only.
  let end = head.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const byte = head[end - i];
    if ((byte & 0xc0) === 0xc0) {
      end -= i;
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  if (isUtf8(head.subarray(0, end))) return 'utf-8';
  const guess = (chardet.detect(head) ?? '').toLowerCase();
  if (guess.startsWith('utf-16') || guess.startsWith('utf-32')) return guess;
  // Western single-byte guesses are read as Windows-1252, the superset Excel and survey tools write.
  if (!guess || guess.startsWith('iso-8859-1') || guess.startsWith('windows-1252') || guess === 'ascii' || guess === 'utf-8') return 'windows-1252';
  return iconv.encodingExists(guess) ? guess : 'windows-1252';
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** The file as UTF-8 text (no BOM), with the encoding found and the count of replaced characters. */
export async function decodeExport(input: Readable): Promise<{ text: Readable; report: DecodeReport }> {
  const source = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await source.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  if (head.length === 0) throw new CsvFormatError('The file is empty.');
  const report: DecodeReport = { encoding: detectEncoding(head), replaced: 0 };
  const count = new Transform({
    decodeStrings: false,
    transform(chunk: string, _encoding, done) {
      for (let i = chunk.indexOf('\uFFFD'); i !== -1; i = chunk.indexOf('\uFFFD', i + 1)) report.replaced++;
      done(null, chunk);
    },
  });
  const text = pipeline(
    Readable.from(prepend(head, source as AsyncIterator<Buffer>)),
    iconv.decodeStream(report.encoding, { stripBOM: true }),
    count,
    () => undefined,
  );
  return { text, report };
}

// ---------------------------------------------------------------------------------------------------
// Header rows

export interface ExportHeader {
  /** How many rows of the file are header rows (1–3). */
  rows: number;
  /** The tool the layout points to, in words. */
  layout: 'qualtrics' | 'qualtrics-legacy' | 'surveymonkey' | 'plain';
  /** One name per column: what mappings refer to. */
  names: string[];
  /** Each column's question as the tool wrote it (Qualtrics and legacy labels, SurveyMonkey's question row; else the name). */
  questions: string[];
  /** The header rows as read: a saved mapping applies when a new file's are identical. */
  signature: string;
}

const IMPORT_ID = /^\{\s*["']ImportId["']\s*:/;

/** Recognises the header rows from the first three records of the file. */
export function detectHeader(records: string[][]): ExportHeader {
  const [first = [], second, third] = records;
  const clean = (row: string[]) => row.map((cell) => cell.replace(/^\uFEFF/, '').trim());
  const r1 = clean(first);
  const signature = (n: number) => createHash('sha256').update(JSON.stringify(records.slice(0, n))).digest('hex');
  if (third && third.some((cell) => IMPORT_ID.test(cell.trim()))) {
    // Qualtrics: column ids / question text / {"ImportId": …} (older exports: {'ImportId': …}). Ids are stable across languages.
    const r2 = clean(second!);
    const names = r1[0] === 'V1' ? legacyNames(r1, r2) : r1;
    return { rows: 3, layout: 'qualtrics', names, questions: r1.map((id, i) => r2[i] || id), signature: signature(3) };
  }
  if (second && /^V1$/.test(r1[0] ?? '') && /^V2$/.test(r1[1] ?? '')) {
    // Legacy Qualtrics: V1…V10 over their labels (ResponseID, EmailAddress, …), question ids as they are.
    const labels = clean(second);
    return { rows: 2, layout: 'qualtrics-legacy', names: legacyNames(r1, labels), questions: r1.map((id, i) => labels[i] || id), signature: signature(2) };
  }
  if (second && (second[0] ?? '').trim() === '' && second.some((cell) => cell.trim() === 'Response')) {
    // SurveyMonkey: the question row over an answer-option row; a multi-column question has its text on
    // its first column only, so the others are named "question - option".
    const r2 = clean(second);
    let question = '';
    const questions: string[] = [];
    const names = r1.map((cell, index) => {
      if (cell) question = cell;
      questions.push(question);
      const option = r2[index] ?? '';
      if (!option || option === 'Response' || option === 'Open-Ended Response') return cell || question;
      return cell && index + 1 < r1.length && r1[index + 1] !== '' ? cell : `${question} - ${option}`;
    });
    return { rows: 2, layout: 'surveymonkey', names, questions, signature: signature(2) };
  }
  return { rows: 1, layout: 'plain', names: r1, questions: r1, signature: signature(1) };
}

function legacyNames(ids: string[], labels: string[]): string[] {
  return ids.map((id, index) => (/^V\d+$/.test(id) && labels[index] ? labels[index] : id));
}

// ---------------------------------------------------------------------------------------------------
// Reading rows

export interface ExportRow {
  /** 1-based line number where the record starts. */
  line: number;
  cells: string[];
}

export interface ExportReader {
  header: ExportHeader;
  decoding: DecodeReport;
  rows: AsyncGenerator<ExportRow>;
}

/** Decodes (CSV) or unpacks (.xlsx, first sheet), recognises the header rows; the data rows are then streamed. */
export async function readExport(input: Readable): Promise<ExportReader> {
  const source = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await source.next();
  const start = first.done ? Buffer.alloc(0) : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  if (start.length === 0) throw new CsvFormatError('The file is empty.');
  const whole = Readable.from(prepend(start, source as AsyncIterator<Buffer>));
  if (looksLikeXlsx(start)) return recognise(xlsxRecords(whole), { encoding: 'xlsx', replaced: 0 });
  return readCsvExport(whole);
}

async function readCsvExport(input: Readable): Promise<ExportReader> {
  const { text, report } = await decodeExport(input);
  const head = await text[Symbol.asyncIterator]().next();
  const sample = head.done ? '' : String(head.value);
  // Excel's `sep=;` line (written by tools whose CSV is meant for Excel) names the delimiter and is no header.
  const excelSep = /^\uFEFF?sep=(.)[ \t]*\r?\n/i.exec(sample);
  const delimiter = excelSep?.[1] ?? guessDelimiter(sample);
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, max_record_size: 1024 * 1024, info: true, from_line: excelSep ? 2 : 1 });
  async function* again(): AsyncGenerator<string> {
    if (!head.done) yield sample;
    for await (const chunk of text) yield String(chunk);
  }
  pipeline(Readable.from(again()), parser, () => undefined);
  return recognise(parser as AsyncIterable<SheetRecord>, report);
}

/** The header rows from the first records, then the data rows (blank ones skipped), CSV or spreadsheet alike. */
async function recognise(source: AsyncIterable<SheetRecord>, report: DecodeReport): Promise<ExportReader> {
  const records = source[Symbol.asyncIterator]();
  const blank = (record: string[]) => record.every((cell) => cell.trim() === '');
  const buffered: { record: string[]; info: { lines: number } }[] = [];
  while (buffered.length < 3) {
    const next = await records.next();
    if (next.done) break;
    if (blank(next.value.record) && buffered.length === 0) continue;
    buffered.push({ record: next.value.record, info: { lines: next.value.info.lines } });
  }
  if (buffered.length === 0) throw new CsvFormatError('The file has no header row.');
  const header = detectHeader(buffered.map((b) => b.record));
  async function* rows(): AsyncGenerator<ExportRow> {
    for (const b of buffered.slice(header.rows)) if (!blank(b.record)) yield { line: b.info.lines, cells: b.record };
    for (let next = await records.next(); !next.done; next = await records.next()) {
      if (!blank(next.value.record)) yield { line: next.value.info.lines, cells: next.value.record };
    }
  }
  return { header, decoding: report, rows: rows() };
}

// ---------------------------------------------------------------------------------------------------
// Mapping

export interface ResolvedMapping {
  index: Partial<Record<MappingField, number>>;
  dateFormat?: string;
}

/** Header name → column index (first of equal names); a name the file doesn't have is refused in words. */
export function resolveMapping(mapping: ColumnMapping, header: ExportHeader): ResolvedMapping {
  const index: Partial<Record<MappingField, number>> = {};
  for (const field of MAPPING_FIELDS) {
    const name = mapping[field];
    if (name === undefined) continue;
    let at = header.names.indexOf(name);
    if (at === -1) at = header.names.findIndex((n) => normalizeHeader(n) === normalizeHeader(name));
    if (at === -1) throw new CsvFormatError(`The mapping's ${field} column "${name}" is not in the file.`);
    index[field] = at;
  }
  return { index, dateFormat: mapping.dateFormat };
}

/** Rows the mapping step samples, and rows read ahead to tell how a mapping without a date format writes its dates. */
export const SAMPLE_ROWS = 500;

/**
 * A mapping given without a date format (CLI, API, "Automatic" on the page) gets the one its dates are
 * written in, told from the first rows as the mapping step would (`11/25/2026 10:32:15 AM` → `M/d/yyyy h:mm:ss a`);
 * when the order of day and month can't be told it is refused in words, before anything is written. Returns the
 * reader's rows, those read ahead included.
 */
export async function settleDateFormat(reader: ExportReader, resolved: ResolvedMapping): Promise<AsyncIterable<ExportRow>> {
  const column = resolved.index.respondedAt;
  if (column === undefined || resolved.dateFormat) return reader.rows;
  const ahead: ExportRow[] = [];
  while (ahead.length < SAMPLE_ROWS) {
    const next = await reader.rows.next();
    if (next.done) break;
    ahead.push(next.value);
  }
  const choices = dateFormatChoices(ahead.map((row) => row.cells[column] ?? ''));
  if (choices && choices.length > 1) {
    const name = reader.header.names[column];
    throw new CsvFormatError(`The dates in "${name}" could be day-first or month-first: give the mapping's dateFormat (${choices.join(' or ')}).`);
  }
  if (choices) resolved.dateFormat = choices[0];
  return (async function* () {
    yield* ahead;
    yield* reader.rows;
  })();
}

const ALIASES: Partial<Record<MappingField, string[]>> = {
  // Typeform `#` and `Token`; Microsoft Forms numbers its responses `ID`.
  responseId: ['response_id', 'responseid', ...FEEDBACK_CSV_COLUMNS.response_id, '#', 'token', 'id'],
  email: ['email', ...FEEDBACK_CSV_COLUMNS.email, 'emailaddress', 'recipientemail'],
  location: [
    'location_code', ...FEEDBACK_CSV_COLUMNS.location_code, 'location name', 'store name', 'branch', 'branch name', 'dealership',
    'dealer name', 'site', 'showroom', 'Which location*', 'Which store*', 'Which branch*', 'Which dealer*',
  ],
  // A first name when the file has no whole one (SurveyMonkey, Qualtrics' RecipientFirstName): what greetings use.
  name: ['name', ...FEEDBACK_CSV_COLUMNS.name, 'first name', 'recipient first name', 'given name'],
  phone: ['phone', ...FEEDBACK_CSV_COLUMNS.phone],
  comment: ['comment', ...FEEDBACK_CSV_COLUMNS.comment],
  // Microsoft Forms `Completion time`; Delighted and others `Created At (UTC)`.
  respondedAt: [
    'responded_at', ...FEEDBACK_CSV_COLUMNS.responded_at, 'enddate', 'recordeddate', 'completion time', 'end time', 'submitted',
    'date completed', 'created at (utc)', 'submitted at (utc)', 'completed at (utc)', 'created', 'created (utc)', 'date (utc)',
  ],
  marketingConsent: [
    'marketing_consent', ...FEEDBACK_CSV_COLUMNS.marketing_consent,
    'Einwilligung*', 'Consentimiento*', 'Consentimento*', 'Consentement*', 'Consenso*', 'Toestemming*',
  ],
  touchpoint: ['touchpoint', 'touch point', 'channel'],
};

/** Each field of `aliases` mapped to the first column (not yet `taken`) named like one of its aliases. */
function byAliases(header: Pick<ExportHeader, 'names'>, aliases: Partial<Record<MappingField, string[]>>, taken = new Set<number>()): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const field of MAPPING_FIELDS) {
    // As for the contract's columns: an alias ending in `*` names the start of a question ("May we contact you…").
    const rules = (aliases[field] ?? []).map((alias) => ({ prefix: alias.endsWith('*'), key: normalizeHeader(alias.replace(/\*$/, '')) }));
    const matches = (name: string) => {
      const key = normalizeHeader(name);
      return rules.some((rule) => (rule.prefix ? key.startsWith(rule.key) : key === rule.key));
    };
    const at = header.names.findIndex((name, i) => !taken.has(i) && name !== '' && matches(name));
    if (at !== -1) {
      taken.add(at);
      mapping[field] = header.names[at];
    }
  }
  return mapping;
}

/**
 * The mapping of a file whose one header row names the import contract's required columns (response id,
 * location, score), whatever its form (an .xlsx, another encoding): every field by its contract name or alias.
 * Undefined for any other file: a survey-tool export needs the marketer's mapping.
 */
export function contractMapping(header: Pick<ExportHeader, 'rows' | 'names'>): ColumnMapping | undefined {
  if (header.rows !== 1) return undefined;
  const mapping = byAliases(header, { ...ALIASES, score: ['score', ...FEEDBACK_CSV_COLUMNS.score] });
  const field: Record<string, MappingField> = { response_id: 'responseId', location_code: 'location', score: 'score' };
  return REQUIRED_CSV_COLUMNS.every((column) => mapping[field[column]] !== undefined) ? mapping : undefined;
}

export interface Proposal {
  mapping: ColumnMapping;
  /** Columns whose sampled values are all 0–10 whole numbers (and look like a 0–10 scale). */
  scoreCandidates: string[];
  /** What the marketer must still decide, in words. */
  questions: string[];
  /** When the dates could be month first or day first: both patterns, month first first (the marketer chooses). */
  dateChoices?: string[];
}

/**
 * How the recommend question reads in a header or its text, in the languages dealers' surveys are most often
 * written in: recommend, recomendar/recomiende, recommanderiez, raccomandare/consiglieresti, weiterempfehlen,
 * aanbevelen/aanraden.
 */
const RECOMMEND = /\bnps\b|recommend|recom(?:end|iend)|recommand|raccomand|consiglier|empfehl|aanbevel|aanraden/i;
/** A question that says it is asked on a 0–10 scale ("On a scale of 0 to 10, …", "0-10"). */
const ZERO_TO_TEN = /\b0\s*(?:-|–|to|bis|a|à|al)\s*10\b/i;

/** The wording of the open question that explains a score ("What is the primary reason for your score?", "…why?"). */
const EXPLAINS = /\b(why|reasons?|comments?|feedback|tell us|anything else|improve|better)\b/i;

/** The sampled answers of column `i`, blanks left out. */
const answersIn = (sample: string[][], i: number) => sample.map((row) => (row[i] ?? '').trim()).filter(Boolean);

/** The columns no field has taken yet (by index), unnamed ones left out. */
const untaken = (header: ExportHeader, taken: Set<number>) => header.names.map((_, i) => i).filter((i) => !taken.has(i) && header.names[i] !== '');

/** A column's name and, where the tool writes one (Qualtrics, SurveyMonkey), its question text. */
const textsOf = (header: ExportHeader, i: number) => [header.names[i], header.questions[i] ?? ''];

/** There is an answer at least, and every one passes `test`. */
const allAnswers = (answers: string[], test: (cell: string) => boolean) => answers.length > 0 && answers.every(test);

/** Every answer is an email address, and there is one at least. */
const allEmails = (answers: string[]) => allAnswers(answers, (cell) => EMAIL.test(cell));

/** Every answer is a date with a time, ISO 8601 or of one shape we read, and there is one at least. */
const allDates = (answers: string[]) =>
  allAnswers(answers, (cell) => /\d:\d\d/.test(cell)) && (dateFormatChoices(answers) !== undefined || answers.every((cell) => checkDate('date', cell).ok));

/** Answers in the customer's words: some with a letter and a space, none a bare number or an email address. */
const freeText = (answers: string[]) =>
  answers.some((cell) => /\p{L}/u.test(cell) && /\s/.test(cell)) && !answers.some((cell) => /^[-+]?\d+(?:[.,]\d+)?$/.test(cell) || EMAIL.test(cell));

/**
 * The comment column when none is named like one: a free-text question worded like the score's follow-up (by its
 * name or its text, Qualtrics naming columns Q2), the nearest after the score first; else the free-text column
 * right after the score, where survey templates put that follow-up.
 */
function commentColumn(header: ExportHeader, sample: string[][], taken: Set<number>, score: number): number | undefined {
  const open = untaken(header, taken).filter((i) => i !== score && freeText(answersIn(sample, i)));
  const worded = open.filter((i) => textsOf(header, i).some((text) => EXPLAINS.test(text)));
  // Columns after the score by distance, then those before it (or all, with no score) in file order.
  const rank = (i: number) => (score >= 0 && i > score ? i - score : header.names.length + i);
  if (worded.length > 0) return worded.sort((a, b) => rank(a) - rank(b))[0];
  return score >= 0 && open.includes(score + 1) ? score + 1 : undefined;
}

/**
 * The proposed mapping for the mapping step, from the header names and a sample of rows. A score column
 * is proposed only when its sampled values are all 0–10 whole numbers and go above 6 (not a 1–6 ranking, a
 * 0/1 yes/no or a 0–6 rating), and are filled on every row — except in the recommend question (by its name or
 * its text, in several languages) or one that says it is on a 0–10 scale, where a blank is a respondent who skipped it (that row is refused as "score is required", the rest
 * import). Where several qualify and none asks to recommend, nothing is proposed and the marketer is asked.
 */
export function proposeMapping(header: ExportHeader, sample: string[][], knowsLocation?: (cell: string) => boolean): Proposal {
  const taken = new Set<number>();
  const mapping = byAliases(header, ALIASES, taken);
  if (!mapping.location && knowsLocation) {
    // Named otherwise (SurveyMonkey's Custom Data 1, a store id passed in the survey link): the column whose
    // answers are all our locations' codes or names.
    const at = untaken(header, taken).find((i) => allAnswers(answersIn(sample, i), knowsLocation));
    if (at !== undefined) (mapping.location = header.names[at]), taken.add(at);
  }
  // The recommend question, by its name or its text (Qualtrics names columns Q1, Q2…).
  const asksToRecommend = (i: number) => textsOf(header, i).some((text) => RECOMMEND.test(text) || normalizeHeader(text) === 'nps');
  const saysZeroToTen = (i: number) => textsOf(header, i).some((text) => ZERO_TO_TEN.test(text));
  const candidates = header.names
    .map((name, i) => ({ name, i }))
    .filter(({ i }) => {
      if (taken.has(i) || sample.length === 0) return false;
      let max = -1;
      for (const row of sample) {
        const cell = (row[i] ?? '').trim();
        // A blank is a respondent who skipped the recommend question, or a question that says it is on a 0–10
        // scale (partial responses are common); any other question must be answered on every row, or a count
        // such as "how many months ago?" could pass.
        if (cell === '' && (asksToRecommend(i) || saysZeroToTen(i))) continue;
        const check = checkScore('score', scoreText(cell));
        if (!check.ok) return false;
        max = Math.max(max, check.value);
      }
      return max > 6;
    });
  const questions: string[] = [];
  const named = candidates.filter(({ i }) => asksToRecommend(i));
  if (candidates.length === 1) mapping.score = candidates[0].name;
  else if (named.length === 1) mapping.score = named[0].name;
  else if (candidates.length > 1) questions.push(`Several columns hold 0–10 answers (${candidates.map((c) => `"${c.name}"`).join(', ')}): choose the one that asked how likely they are to recommend you.`);
  else questions.push(NO_SCORE_COLUMN_MESSAGE);
  if (!mapping.comment) {
    const at = commentColumn(header, sample, taken, mapping.score === undefined ? -1 : header.names.indexOf(mapping.score));
    if (at !== undefined) (mapping.comment = header.names[at]), taken.add(at);
  }
  if (!mapping.email) {
    // Named otherwise ("Your email", "What is your email address?"): the column whose answers are all addresses.
    const at = untaken(header, taken).find((i) => allEmails(answersIn(sample, i)));
    if (at !== undefined) (mapping.email = header.names[at]), taken.add(at);
  }
  if (!mapping.email) questions.push('No email column: these responses count for NPS and reports, but nobody can be invited.');
  else {
    const i = header.names.indexOf(mapping.email);
    if (sample.length > 0 && sample.every((row) => personText(row[i] ?? '').trim() === '')) {
      questions.push(`The email column "${mapping.email}" is empty: these responses count for NPS and reports, but nobody can be invited.`);
    }
  }
  if (!mapping.respondedAt) {
    // Named otherwise (another language, "Fecha de finalización"): the last column whose answers are all dates, as
    // tools write when the response started, then when it was completed.
    const at = untaken(header, taken).filter((i) => allDates(answersIn(sample, i))).pop();
    if (at !== undefined) (mapping.respondedAt = header.names[at]), taken.add(at);
  }
  let dateChoices: string[] | undefined;
  if (mapping.respondedAt && !mapping.dateFormat) {
    const i = header.names.indexOf(mapping.respondedAt);
    dateChoices = dateFormatChoices(sample.map((row) => row[i] ?? ''));
    if (dateChoices?.length === 1) mapping.dateFormat = dateChoices[0];
    else if (dateChoices) questions.push(`The dates in "${mapping.respondedAt}" could be day-first or month-first: choose the date format.`);
  }
  return { mapping, scoreCandidates: candidates.map((c) => c.name), questions, ...(dateChoices && dateChoices.length > 1 ? { dateChoices } : {}) };
}

/** A stable id for a row of a file without response ids: the same row of the same source always gets the same one. */
export function stableResponseId(source: string, timestamp: string, cells: string[]): string {
  const hash = createHash('sha256').update(JSON.stringify([source, timestamp, cells])).digest('base64url').slice(0, 32);
  return `${source.slice(0, 40)}:${hash}`;
}

// ---------------------------------------------------------------------------------------------------
// Applying a mapping to rows

export interface MapOptions {
  /** The location code for every row when the mapping names no location column. */
  location?: string;
  /** The location's time zone, for naive times. */
  zone: string;
}

/**
 * A 0–10 answer written with its label: `10 - Extremely likely`, `0 (Not at all likely)` (Qualtrics choice
 * text). A decimal such as `9.0` (a column with blanks saved by pandas or R) needs nothing here: `checkScore`
 * reads it.
 */
const WORDED_SCORE = /^(\d{1,2})\s*(?:[-–—:=]|\()\s*[^\d\s].*$/s;

/** A score cell as the import reads it: the number of such an answer, anything else as it is. */
export function scoreText<T extends string | undefined>(cell: T): T {
  const worded = cell === undefined ? null : WORDED_SCORE.exec(cell.trim());
  return (worded ? worded[1] : cell) as T;
}

/**
 * A consent answer worded as a survey option, in the languages the recommend question is told in: `Yes, you may
 * contact me` → yes, `No thanks` → no, `Ja, gerne` → yes, `Sí` → yes, `Non merci` → no.
 */
const WORDED_CONSENT = /^(yes|no|ja|nein|nee|sí|si|sim|não|nao|oui|non)(?=[\s,.;:!-]|$)/i;
const CONSENT_WORDS: Record<string, 'yes' | 'no'> = {
  yes: 'yes', ja: 'yes', sí: 'yes', si: 'yes', sim: 'yes', oui: 'yes',
  no: 'no', nein: 'no', nee: 'no', não: 'no', nao: 'no', non: 'no',
};

/**
 * A ticked checkbox or a chosen option that says it agrees (`I agree to receive offers`, `Ich stimme zu`, `Acepto
 * recibir…`, `J'accepte`, `Acconsento`, `Ik ga akkoord`, `Concordo`), or declines by the same words negated
 * (`I do not agree`, `Ich stimme nicht zu`, `Ik ga niet akkoord`) or by opting out.
 */
const AGREES =
  /\b(?:agree|consent|accept|opt[- ]?in|subscribe|zustimm\w*|stimme\b.*\bzu|einverstanden|willige\b.*\bein|acepto|consiento|autorizo|de acuerdo|j['’]accepte|accepte|d['’]accord|accetto|acconsento|akkoord|stem\b.*\bin|concordo|aceito)\b/i;
const NEGATED = /\b(?:not|don['’]?t|never|nicht|kein\w*|niet|geen|pas|nunca|mai)\b|\bn['’]/i;
const OPTS_OUT = /\bopt[- ]?out\b|\bunsubscribe\b/i;

/** A consent cell as the import reads it: a worded yes or no as that word; anything else as it is (refused in words if unclear). */
export function consentText<T extends string | undefined>(cell: T): T {
  if (cell === undefined) return cell;
  const text = cell.trim();
  const worded = WORDED_CONSENT.exec(text);
  if (worded) return CONSENT_WORDS[worded[1].toLowerCase()] as T;
  if (OPTS_OUT.test(text)) return 'no' as T;
  if (AGREES.test(text)) return (NEGATED.test(text) ? 'no' : 'yes') as T;
  return cell;
}

/** What a tool writes for a respondent it doesn't know: Microsoft Forms' `anonymous` in Email and Name. */
const NOBODY = /^\s*(?:anonymous|anonym|anónimo|anonyme)\s*$/i;

/** An email or name cell as the import reads it: a placeholder for an anonymous respondent as blank. */
export function personText<T extends string | undefined>(cell: T): T {
  return (cell !== undefined && NOBODY.test(cell) ? '' : cell) as T;
}

/** One data row → fields keyed by the Feedback CSV contract's columns (what parseCsvRecord reads). */
export function mapRow(header: ExportHeader, resolved: ResolvedMapping, cells: string[], options: MapOptions): Record<string, string> {
  const cell = (field: MappingField) => (resolved.index[field] === undefined ? undefined : (cells[resolved.index[field]!] ?? ''));
  const fields: Record<string, string> = {};
  const put = (column: string, value: string | undefined) => {
    if (value !== undefined) fields[column] = value;
  };
  const rawDate = cell('respondedAt');
  const dateHeader = resolved.index.respondedAt === undefined ? '' : header.names[resolved.index.respondedAt];
  put('responded_at', rawDate === undefined ? undefined : normaliseDate(rawDate, resolved.dateFormat, options.zone, /\butc\b/i.test(dateHeader)));
  put('response_id', cell('responseId')?.trim() || stableResponseId(header.signature.slice(0, 12), rawDate ?? '', cells));
  put('email', personText(cell('email')));
  put('score', scoreText(cell('score')));
  put('comment', cell('comment'));
  put('name', personText(cell('name')));
  put('phone', cell('phone'));
  put('marketing_consent', consentText(cell('marketingConsent')));
  put('touchpoint', cell('touchpoint'));
  put('location_code', cell('location')?.trim() || options.location);
  return fields;
}

export interface ExportSummary {
  header: Pick<ExportHeader, 'rows' | 'layout' | 'names'>;
  decoding: DecodeReport;
  total: number;
  scoreOk: number;
  promoters: number;
  passives: number;
  detractors: number;
  emailOk: number;
  /** Problems with the mapping, in words (no score column, no email column). */
  notes: string[];
}

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

/** The dry run: what importing the file with this mapping would count, nothing written. */
export async function summariseExport(input: Readable, mapping: ColumnMapping): Promise<ExportSummary> {
  const reader = await readExport(input);
  const resolved = resolveMapping(mapping, reader.header);
  const summary: ExportSummary = {
    header: { rows: reader.header.rows, layout: reader.header.layout, names: reader.header.names },
    decoding: reader.decoding,
    total: 0, scoreOk: 0, promoters: 0, passives: 0, detractors: 0, emailOk: 0,
    notes: [],
  };
  for await (const row of reader.rows) {
    summary.total++;
    // The import's own check, so the dry run counts exactly the scores the import would keep.
    const score = resolved.index.score === undefined ? undefined : checkScore('score', scoreText(row.cells[resolved.index.score]));
    if (score?.ok) {
      summary.scoreOk++;
      const n = score.value;
      if (n >= 9) summary.promoters++;
      else if (n >= 7) summary.passives++;
      else summary.detractors++;
    }
    const email = resolved.index.email === undefined ? '' : (row.cells[resolved.index.email] ?? '').trim();
    if (EMAIL.test(email)) summary.emailOk++;
  }
  if (resolved.index.score === undefined) summary.notes.push(NO_SCORE_COLUMN_MESSAGE);
  if (summary.emailOk === 0) summary.notes.push('no email: these responses count for NPS and reports, but nobody can be invited.');
  if (reader.decoding.replaced > 0) summary.notes.push(`${reader.decoding.replaced} character(s) could not be decoded and were replaced by �.`);
  return summary;
}

/** A fixture-style mapping description → our mapping (used by the CLI's --mapping file too). */
export function describeMapping(mapping: ColumnMapping): string {
  return Object.entries(mapping).map(([field, header]) => `${field} ← "${header}"`).join(', ');
}

export interface ExportPreview {
  header: Pick<ExportHeader, 'rows' | 'layout' | 'names' | 'signature'>;
  decoding: DecodeReport;
  /** Each column with up to three sample values (the mapping step shows them). */
  columns: { name: string; samples: string[] }[];
  proposal: Proposal;
}

/**
 * The mapping step's data: columns, samples and the proposed mapping, from the first rows (the rest is
 * drained, or with `whole: false` left unread and the input closed).
 */
export interface PreviewOptions {
  /** false: stop reading after the sample (the CLI). */
  whole?: boolean;
  /** Whether a cell names one of our locations (by code or name): a location column is then proposed by its answers. */
  knowsLocation?: (cell: string) => boolean;
}

export async function previewExport(input: Readable, sampleRows = SAMPLE_ROWS, options: PreviewOptions = {}): Promise<ExportPreview> {
  const reader = await readExport(input);
  const sample: string[][] = [];
  for await (const row of reader.rows) {
    if (sample.length < sampleRows) sample.push(row.cells);
    else if (options.whole === false) break;
  }
  if (options.whole === false) input.destroy();
  const columns = reader.header.names.map((name, i) => ({
    name,
    samples: sample.map((row) => (row[i] ?? '').trim()).filter(Boolean).slice(0, 3).map((v) => v.slice(0, 200)),
  }));
  return {
    header: { rows: reader.header.rows, layout: reader.header.layout, names: reader.header.names, signature: reader.header.signature },
    decoding: reader.decoding,
    columns,
    proposal: proposeMapping(reader.header, sample, options.knowsLocation),
  };
}
