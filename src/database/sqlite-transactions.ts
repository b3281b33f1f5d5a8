import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, QueryRunner } from 'typeorm';

type Runner = QueryRunner & { transactionDepth: number };

/**
 * TypeORM's better-sqlite3 driver shares ONE connection (and query runner) between all callers, so two
 * concurrent transactions would nest into each other: one could commit or roll back the other's writes.
 * This makes transactions take turns: `manager.transaction()` holds a lock for its whole callback (nested
 * calls from inside it pass straight through), implicit transactions (a `save()` outside `transaction()`)
 * take the same lock, and a query from outside the running transaction waits until it ends instead of
 * slipping into it. PostgreSQL needs none of this: each transaction has its own pooled connection.
 */
export function serializeSqliteTransactions(dataSource: DataSource): void {
  const runner = dataSource.createQueryRunner() as Runner; // the driver's single shared runner
  const context = new AsyncLocalStorage<symbol>();
  const IMPLICIT = Symbol('implicit transaction');
  let owner: symbol | null = null;
  let queue: Promise<void> = Promise.resolve();
  let waiters: (() => void)[] = [];
  let releaseImplicit: (() => void) | null = null;

  async function acquire(token: symbol): Promise<() => void> {
    let release!: () => void;
    const previous = queue;
    queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    owner = token;
    return () => {
      owner = null;
      const woken = waiters;
      waiters = [];
      woken.forEach((wake) => wake());
      release();
    };
  }

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = (async (...args: unknown[]) => {
    const current = context.getStore();
    if (current && current === owner) return transaction(...args);
    const token = Symbol('transaction');
    const release = await acquire(token);
    try {
      return await context.run(token, () => transaction(...args));
    } finally {
      release();
    }
  }) as typeof manager.transaction;

  const startTransaction = runner.startTransaction.bind(runner);
  runner.startTransaction = async (isolationLevel) => {
    if (runner.transactionDepth === 0 && owner === null) releaseImplicit = await acquire(IMPLICIT);
    return startTransaction(isolationLevel);
  };
  const endImplicit = () => {
    if (runner.transactionDepth === 0 && owner === IMPLICIT && releaseImplicit) {
      const release = releaseImplicit;
      releaseImplicit = null;
      release();
    }
  };
  for (const method of ['commitTransaction', 'rollbackTransaction'] as const) {
    const original = runner[method].bind(runner);
    runner[method] = async () => {
      try {
        await original();
      } finally {
        endImplicit();
      }
    };
  }

  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = (async (...args: unknown[]) => {
    // Outside the running explicit transaction: wait for it rather than become part of it.
    while (owner !== null && owner !== IMPLICIT && context.getStore() !== owner) {
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
    return query(...args);
  }) as typeof runner.query;
}
