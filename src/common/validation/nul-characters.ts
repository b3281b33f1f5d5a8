/**
 * U+0000 can't be stored in PostgreSQL text (SQLite would keep it and hand it to every later reader), so
 * text holding it is refused at the door: JSON and form bodies, query strings and route parameters by a
 * global hook, CSV cells row by row, webhook items one by one.
 */
export function hasNul(text: string): boolean {
  return text.indexOf('\0') !== -1;
}

/** The path of the first string (value or key) holding a NUL character, or null. Depth is bounded by the body parser. */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return hasNul(value) ? path || 'value' : null;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (hasNul(key)) return here;
    const found = findNul(item, here);
    if (found) return found;
  }
  return null;
}

/** The message for a NUL character found at `path` (a field name, or `query.x`, `body.y`). */
export function nulMessage(path: string): string {
  return `${path.replace(/\0/g, '\\0')} must not contain a NUL character (\\0)`;
}
