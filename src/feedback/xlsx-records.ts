import * as ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { CsvFormatError } from '../common/csv/csv-reader';

/** A spreadsheet row as the CSV parser would give it: cell texts, and the row's number in the sheet. */
export interface SheetRecord {
  record: string[];
  info: { lines: number };
}

/** Whether the bytes start like a ZIP archive (an .xlsx workbook is one). */
export function looksLikeXlsx(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/**
 * The first worksheet of an .xlsx file, row by row, through exceljs's streaming reader (the workbook is never
 * held whole; shared strings are). Cells become the text a CSV export would hold: dates as `YYYY-MM-DD HH:MM:SS`
 * wall time (Excel stores no zone), formulas as their result, rich text as its plain text.
 */
export async function* xlsxRecords(input: Readable): AsyncGenerator<SheetRecord> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as ExcelJS.CellValue[]).slice(1); // exceljs rows are 1-based
        yield { record: Array.from(values, cellText), info: { lines: row.number } };
      }
      return; // the first worksheet is the responses
    }
  } catch (error) {
    if (error instanceof CsvFormatError) throw error;
    throw new CsvFormatError(`The spreadsheet (.xlsx) could not be read: ${(error as Error).message ?? 'damaged file'}.`);
  }
}

function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  if ('error' in value) return '';
  return String(value);
}
