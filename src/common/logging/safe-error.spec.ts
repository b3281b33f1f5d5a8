import { QueryFailedError } from 'typeorm';
import { describeError } from '../../jobs/job-error.util';
import { safeErrorMessage, serializeError } from './safe-error';

/** What pg's DatabaseError looks like for `invalid input syntax` and a unique violation. */
function pgError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { name: 'error', severity: 'ERROR', routine: 'x', ...fields });
}

describe(serializeError.name, () => {
  it('keeps what failed and where, never the values: no parameters, query, detail or quoted values', () => {
    const driverError = pgError('duplicate key value violates unique constraint "uq_customer_email"', {
      code: '23505',
      table: 'customer',
      constraint: 'uq_customer_email',
      detail: 'Key (email)=(ana@example.com) already exists.',
    });
    const sut = serializeError(new QueryFailedError(`INSERT INTO customer VALUES ('ana@example.com', 'Ana Silva')`, ['ana@example.com', 'Ana Silva'], driverError));
    expect(sut).toMatchObject({
      type: 'QueryFailedError',
      message: 'duplicate key value violates unique constraint "uq_customer_email"',
      code: '23505',
      table: 'customer',
      constraint: 'uq_customer_email',
    });
    expect(sut.stack).toMatch(/^QueryFailedError: duplicate key value[^\n]*\n\s+at /);
    expect(JSON.stringify(sut)).not.toMatch(/ana@example\.com|Ana Silva|detail|parameters|INSERT/);
  });

  it('masks the values PostgreSQL quotes back in a message, and email addresses in any message', () => {
    const quoted = pgError('invalid input syntax for type integer: "Ana Silva"', { code: '22P02' });
    expect(safeErrorMessage(quoted)).toBe('invalid input syntax for type integer: "[value]"');
    expect(serializeError(quoted).stack).not.toContain('Ana Silva');
    expect(safeErrorMessage(new Error('no mailbox for ana.silva+x@mail.example.com, sorry'))).toBe('no mailbox for [email], sorry');
    expect(describeError(quoted)).toBe('error: invalid input syntax for type integer: "[value]"');
  });

  it('serialises causes the same way, to a bounded depth', () => {
    const inner = pgError('value "555-0101" is out of range for type integer', { code: '22003' });
    const sut = serializeError(new Error('batch failed', { cause: inner }));
    expect(sut.cause).toMatchObject({ type: 'error', message: 'value "[value]" is out of range for type integer', code: '22003' });
  });
});
