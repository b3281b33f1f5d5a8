export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Error name and message only, bounded: enough to act on, and stored in the outbox row's last_error. */
export function describeError(value: unknown): string {
  const error = asError(value);
  return `${error.name}: ${error.message}`.slice(0, 1000);
}
