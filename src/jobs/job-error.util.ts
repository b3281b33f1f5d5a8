import { safeErrorMessage } from '../common/logging/safe-error';

export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Error name and message only, bounded: enough to act on, and stored in the outbox row's last_error.
 * Values a database error quotes back and email addresses are masked (see safe-error).
 */
export function describeError(value: unknown): string {
  const error = asError(value);
  return `${error.name}: ${safeErrorMessage(error)}`.slice(0, 1000);
}
