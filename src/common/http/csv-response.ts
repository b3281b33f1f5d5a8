import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';

/**
 * A list answered as CSV. Controllers return it; CsvResponseInterceptor streams it with the right headers.
 * Cells that start with = + - @ are prefixed with ' so spreadsheets never run them as formulas.
 */
export class CsvResponse<T extends object> {
  constructor(
    readonly filename: string,
    readonly columns: readonly (keyof T & string)[],
    readonly rows: Iterable<T> | AsyncIterable<T>,
  ) {}

  toStream(): Readable {
    const stringifier = stringify({
      header: true,
      columns: [...this.columns],
      cast: {
        date: (value) => value.toISOString(),
        boolean: (value) => (value ? 'true' : 'false'),
        string: (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value),
      },
    });
    return Readable.from(this.rows as AsyncIterable<T>).pipe(stringifier);
  }
}
