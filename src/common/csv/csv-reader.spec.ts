import { Readable } from 'node:stream';
import { CsvFormatError, CsvRow, CsvRowError, readCsv } from './csv-reader';
import { RecordGuard } from './record-guard';

const ALIASES = { id: ['response id'], email: ['email address'], note: [] as string[] };

/** Reads `text` (in chunks of `chunk` bytes, as an upload arrives) and collects rows and row errors. */
async function read(text: string | Buffer, options: { chunk?: number; maxRecordBytes?: number } = {}) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const size = options.chunk ?? 64 * 1024;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const rows: CsvRow[] = [];
  const errors: CsvRowError[] = [];
  for await (const row of readCsv(Readable.from(chunks), {
    aliases: ALIASES,
    required: ['id', 'email'],
    onRowError: (e) => errors.push(e),
    maxRecordBytes: options.maxRecordBytes,
  })) {
    rows.push(row);
  }
  return { rows, errors, ids: rows.map((r) => `${r.line}:${r.fields.id}`) };
}

describe('readCsv on bad input', () => {
  it('refuses a row holding a NUL character, with its line, and keeps the others', async () => {
    const sut = await read('id,email,note\n1,a@x.io,fine\n2,b@x.io,bad\u0000note\n3,c@x.io,"also\u0000bad"\n4,d@x.io,ok\n');
    expect(sut.ids).toEqual(['2:1', '5:4']);
    expect(sut.errors).toEqual([
      { line: 3, reason: 'note contains a NUL character (\\0), which text may not hold' },
      { line: 4, reason: 'note contains a NUL character (\\0), which text may not hold' },
    ]);
  });

  it('still refuses binary files (UTF-16, spreadsheets) as a whole', async () => {
    await expect(read(Buffer.from('id,email\n1,a@x.io\n', 'utf16le'))).rejects.toThrow(new CsvFormatError('The file is not a CSV text file.'));
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    await expect(read(png)).rejects.toThrow(new CsvFormatError('The file is not a CSV text file.'));
  });

  it.each([
    ['in one chunk', 1 << 30],
    ['in small chunks', 4096],
  ])('drops a row larger than the limit, with its lines, and reads on (%s)', async (_, chunk) => {
    const huge = 'y'.repeat(300_000);
    const text = `id,email,note\n1,a@x.io,ok\n2,b@x.io,"${huge}\n${huge}"\n3,c@x.io,"two\nlines"\n4,d@x.io,${huge}\n5,e@x.io,last`;
    const sut = await read(text, { chunk, maxRecordBytes: 100_000 });
    expect(sut.ids).toEqual(['2:1', '5:3', '8:5']);
    expect(sut.errors).toEqual([
      { line: 3, reason: 'Row larger than 98 KB, the most one row may hold: lines 3–4 were not read' },
      { line: 7, reason: 'Row larger than 98 KB, the most one row may hold: line 7 was not read' },
    ]);
  });

  it('keeps line numbers with CRLF and CR-only line ends around a dropped row', async () => {
    const huge = 'z'.repeat(5000);
    for (const eol of ['\r\n', '\r']) {
      const text = ['id,email', '1,a@x.io', `2,b@x.io,"${huge}${eol}${huge}"`, '3,c@x.io', ''].join(eol);
      const sut = await read(text, { chunk: 1000, maxRecordBytes: 4000 });
      expect(sut.ids).toEqual(['2:1', '5:3']);
      expect(sut.errors).toEqual([{ line: 3, reason: 'Row larger than 4 KB, the most one row may hold: lines 3–4 were not read' }]);
    }
  });

  it('says where a quote that never closes opened and which lines were not read', async () => {
    const sut = await read('id,email,note\n1,a@x.io,"oops\n2,b@x.io,ok\n3,c@x.io,ok\n');
    expect(sut.rows).toEqual([]);
    expect(sut.errors).toEqual([{ line: 2, reason: 'A quote opened on line 2 is never closed, so lines 2–4 were not read' }]);

    const later = await read('id,email,note\n1,a@x.io,fine\n2,b@x.io,"a ""quoted"" word\n\n3,c@x.io,ok');
    expect(later.ids).toEqual(['2:1']);
    expect(later.errors).toEqual([{ line: 3, reason: 'A quote opened on line 3 is never closed, so lines 3–5 were not read' }]);
  });

  it('reads a file whose header starts with a BOM and a quoted name', async () => {
    const sut = await read('\uFEFF"id",email\n1,a@x.io\n');
    expect(sut.ids).toEqual(['2:1']);
  });

  it.each([
    ['id,email,email\n1,a@x.io,b@x.io\n', '"email" (column 2) and "email" (column 3) both name email'],
    ['Response ID,email,response_id\n1,a@x.io,2\n', '"Response ID" (column 1) and "response_id" (column 3) both name id'],
  ])('refuses duplicate columns by name: %j', async (text, names) => {
    await expect(read(text)).rejects.toThrow(new CsvFormatError(`Duplicate columns: ${names}. Keep one of each.`));
  });

  it('does not call two spellings of one field duplicates, nor repeated unrecognised columns', async () => {
    const sut = await read('id,Email Address,email,Other,Other\n1,a@x.io,b@x.io,x,y\n');
    expect(sut.rows).toEqual([{ line: 2, fields: { id: '1', email: 'a@x.io' } }]);
  });

  it('passes any input through unchanged, in any chunking, unless a quote is left open at the end', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const alphabet = ['a', 'b', ',', '"', '"', '\n', '\r', '\r\n', ' '];
    for (let run = 0; run < 200; run++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 120) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const results = new Set<string>();
      for (const size of [1, 3, 7, 64]) {
        const chunks: Buffer[] = [];
        for (let i = 0; i < text.length; i += size) chunks.push(Buffer.from(text.slice(i, i + size)));
        const dropped: { reason: string }[] = [];
        const out: Buffer[] = [];
        for await (const piece of Readable.from(chunks).pipe(new RecordGuard(0x2c, 1 << 20, (record) => dropped.push(record)))) out.push(piece as Buffer);
        const passed = Buffer.concat(out).toString();
        if (dropped.length === 0) expect(passed).toBe(text);
        else {
          expect(dropped).toEqual([{ line: expect.any(Number), reason: expect.stringMatching(/^A quote opened on line \d+ is never closed/) }]);
          expect(text.startsWith(passed)).toBe(true);
        }
        results.add(JSON.stringify({ passed, dropped }));
      }
      expect({ text, results: results.size }).toEqual({ text, results: 1 });
    }
  });
});
