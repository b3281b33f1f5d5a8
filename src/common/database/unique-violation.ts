/** PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE: a concurrent insert won the race for a unique key. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
