import { Logger } from '@nestjs/common';
import { Logger as TypeOrmLogger } from 'typeorm';
import { serializeError } from '../common/logging/safe-error';

/**
 * TypeORM's log lines through the application's JSON logger, without values. TypeORM's own loggers
 * print a failing query with its parameters (an import batch's: every email, name, phone and comment
 * in it); here a failure is logged by the statement's kind and the error's name and code only.
 */
export class DatabaseLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.warn({ msg: 'query failed', statement: statementKind(query), error: serializeError(error) });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', ms: time, statement: statementKind(query) });
  }

  // As before (TypeORM `logging: ['error']`): schema and migration chatter isn't logged; the migration
  // runner reports what it applied itself.
  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ msg: String(message) });
  }
}

/** `INSERT`, `SELECT`, …: what kind of statement failed, without its text (which may embed values). */
function statementKind(query: string): string {
  return /^\s*(\w+)/.exec(query)?.[1]?.toUpperCase() ?? 'unknown';
}
