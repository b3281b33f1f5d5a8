import { stringify } from 'csv-stringify';
import { pipeline, Readable } from 'node:stream';

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
    // pipeline, not pipe: a failing row source destroys the CSV stream too, so the response ends with an error
    // instead of hanging open.
    pipeline(Readable.from(this.rows as AsyncIterable<T>), stringifier, () => undefined);
    return stringifier;
  }
}
