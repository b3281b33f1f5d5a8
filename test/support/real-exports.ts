import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ColumnMapping } from '../../src/feedback/survey-export';

/** The real survey-tool exports shared by the team (../shared/real-exports), with their .meta.json. */
export const REAL_EXPORTS_DIR = process.env.REAL_EXPORTS_DIR ?? findUp(join('shared', 'real-exports'));

function findUp(relative: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) throw new Error(`${relative} not found above ${__dirname}: set REAL_EXPORTS_DIR`);
  }
}

export interface RealExport {
  file: string;
  path: string;
  meta: {
    header_rows: number;
    score_column: string | null;
    email_column: string | null;
    respondent_id_column: string | null;
    date_column: { name: string; format: string } | null;
    expected: { total: number; score_ok: number; promoters: number; passives: number; detractors: number; email_ok: number };
  };
}

/** The column name a meta field names ("EndDate (also StartDate …)" → "EndDate"). */
function columnOf(described: string | null | undefined): string | undefined {
  if (!described) return undefined;
  return described.replace(/\s+\((?!UTC\)).*$/, '').trim();
}

export function realExports(): RealExport[] {
  return readdirSync(REAL_EXPORTS_DIR)
    .filter((f) => f.endsWith('.meta.json'))
    .sort()
    .map((metaFile) => {
      const meta = JSON.parse(readFileSync(join(REAL_EXPORTS_DIR, metaFile), 'utf8'));
      return { file: meta.file, path: join(REAL_EXPORTS_DIR, meta.file), meta };
    });
}

/** The mapping the meta describes (score, email, id and date columns); dates M/D/YYYY H:MM:SS become a CLDR pattern. */
export function mappingOf(real: RealExport): ColumnMapping {
  const m = real.meta;
  const mapping: ColumnMapping = {};
  const score = columnOf(m.score_column);
  if (score) mapping.score = m.score_column!;
  const email = columnOf(m.email_column);
  if (email) mapping.email = email;
  const id = columnOf(m.respondent_id_column);
  if (id) mapping.responseId = id;
  const date = columnOf(m.date_column?.name);
  if (date) mapping.respondedAt = date;
  if (m.date_column?.format.startsWith('M/D/YYYY H:MM:SS')) mapping.dateFormat = 'M/d/yyyy H:mm:ss';
  return mapping;
}

/**
 * The export as a spreadsheet tool would save it (.xlsx, one sheet): whole numbers as numbers, and the
 * response-time column's M/D/YYYY H:MM:SS texts as real date cells (wall time), the rest as text.
 */
export async function xlsxCopyOf(real: RealExport): Promise<Buffer> {
  const { parse } = await import('csv-parse/sync');
  const ExcelJS = await import('exceljs');
  const records: string[][] = parse(readFileSync(real.path), { bom: true, relax_column_count: true });
  const dateColumn = records[0].indexOf(columnOf(real.meta.date_column?.name) ?? '\u0000');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Responses');
  records.forEach((record, i) => {
    if (i < real.meta.header_rows) return void sheet.addRow(record);
    sheet.addRow(
      record.map((cell, c) => {
        const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})$/.exec(cell);
        if (c === dateColumn && us) return new Date(Date.UTC(+us[3], +us[1] - 1, +us[2], +us[4], +us[5], +us[6]));
        return /^\d+$/.test(cell) ? Number(cell) : cell;
      }),
    );
  });
  if (dateColumn >= 0) sheet.getColumn(dateColumn + 1).numFmt = 'm/d/yyyy h:mm:ss';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
