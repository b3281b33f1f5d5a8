/**
 * `value` if it is a path on this site (`/i/abc?x=1`), else null: never `//host`, `/\host`, a scheme,
 * or control characters, so a redirect to it can't leave the site.
 */
export function localPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 500) return null;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return null;
  return value;
}

/** `path` with `name=value` added to its query string (before any #fragment). */
export function withQueryFlag(path: string, name: string, value: string): string {
  const hashAt = path.indexOf('#');
  const [base, hash] = hashAt >= 0 ? [path.slice(0, hashAt), path.slice(hashAt)] : [path, ''];
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}${hash}`;
}
