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

  /**
   * The stream, once the first row is read: a source that fails at once (an unknown location, a dealer
   * asking for another's) fails here, before any header is sent, and gets the same answer as the JSON form.
   */
  async open(): Promise<Readable> {
    if (!(Symbol.asyncIterator in this.rows)) return this.toStream();
    const rows = this.rows[Symbol.asyncIterator]();
    const first = await rows.next();
    async function* replay(): AsyncGenerator<T> {
      if (first.done) return;
      yield first.value;
      for (let next = await rows.next(); !next.done; next = await rows.next()) yield next.value;
    }
    return new CsvResponse(this.filename, this.columns, replay()).toStream();
  }

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
