/**
 * Errors as logs and stored error messages may carry them: names and codes, never values. A database
 * driver error holds the values of the statement that failed — TypeORM's QueryFailedError its
 * `parameters` and `query`, PostgreSQL's `detail` ("Key (email)=(ana@example.com) already exists",
 * "Failing row contains (…)") — and an import batch's statement holds emails, names, phones and
 * comments. So only fields that name things are kept (allow-list), quoted values in a database
 * error's message are masked (PostgreSQL quotes the values it quotes back), and email addresses are
 * masked in every text.
 */
export interface SafeError {
  type: string;
  message: string;
  [field: string]: string | number | boolean | SafeError | undefined;
}

/** Fields that say what failed and where (SQLSTATE, constraint, table, SMTP reply code), never with what. */
const SAFE_FIELDS = [
  'code', 'errno', 'severity', 'routine', 'schema', 'table', 'column', 'constraint', 'dataType',
  'statusCode', 'status', 'syscall', 'command', 'responseCode', 'permanent',
] as const;

const EMAIL = /[^\s"'<>()[\]\\,;:=]+@[^\s"'<>()[\]\\,;:=]+\.[A-Za-z]{2,}/g;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;
const MAX_DEPTH = 3;

/** `text` with every email address replaced by `[email]`. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '[email]');
}

/** The error's message, safe to log or store. */
export function safeErrorMessage(value: unknown): string {
  if (!(value instanceof Error)) return maskEmails(String(value)).slice(0, 1000);
  let message = maskEmails(value.message ?? '');
  if (isDatabaseError(value)) {
    const names = new Set(SAFE_FIELDS.map((field) => (value as unknown as Record<string, unknown>)[field]).filter((v) => typeof v === 'string'));
    message = message.replace(QUOTED, (whole, inner: string) => (names.has(inner) ? whole : '"[value]"'));
  }
  return message.slice(0, 1000);
}

/** Type and message, then the stack's frames only (its first line repeats the raw message). */
export function serializeError(value: unknown, depth = 0): SafeError {
  if (!(value instanceof Error)) return { type: typeof value, message: safeErrorMessage(value) };
  const error = value as Error & Record<string, unknown>;
  const safe: SafeError = { type: error.name || error.constructor?.name || 'Error', message: safeErrorMessage(error) };
  for (const field of SAFE_FIELDS) {
    const fieldValue = error[field];
    if (typeof fieldValue === 'number' || typeof fieldValue === 'boolean') safe[field] = fieldValue;
    else if (typeof fieldValue === 'string') safe[field] = maskEmails(fieldValue).slice(0, 200);
  }
  const frames = stackFrames(error.stack);
  if (frames) safe.stack = `${safe.type}: ${safe.message}\n${frames}`;
  if (error.cause !== undefined && depth < MAX_DEPTH) safe.cause = serializeError(error.cause, depth + 1);
  return safe;
}

/** `Type: message` plus the stack's frames: for a command-line tool's last words. */
export function describeErrorSafely(value: unknown): string {
  const safe = serializeError(value);
  return typeof safe.stack === 'string' ? safe.stack : `${safe.type}: ${safe.message}`;
}

/** The `    at …` lines of a stack, without the message lines above them. */
export function stackFrames(stack: unknown): string {
  if (typeof stack !== 'string') return '';
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/** TypeORM's wrapper, pg's DatabaseError (it has `severity` and `routine`) or better-sqlite3's SqliteError. */
function isDatabaseError(error: Error): boolean {
  const fields = error as unknown as Record<string, unknown>;
  return (
    error.name === 'QueryFailedError' ||
    error.name === 'SqliteError' ||
    (typeof fields.severity === 'string' && typeof fields.routine === 'string') ||
    'driverError' in fields
  );
}
