/** Column names match ignoring case, spaces, underscores and punctuation ("Email Address" = "email_address"). */
export function normalizeHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Maps each normalized header to a canonical field using alias lists; returns the fields found by column index.
 * Aliases are compared normalized, and an alias ending in `*` matches any header starting with it.
 */
export function mapHeaders(headers: string[], aliases: Record<string, string[]>): (string | null)[] {
  const rules = Object.entries(aliases).flatMap(([field, names]) =>
    [field, ...names].map((alias) => ({
      field,
      prefix: alias.endsWith('*'),
      key: normalizeHeader(alias.replace(/\*$/, '')),
    })),
  );
  const taken = new Set<string>();
  return headers.map((header) => {
    const key = normalizeHeader(header);
    const rule = rules.find((r) => !taken.has(r.field) && (r.prefix ? key.startsWith(r.key) : key === r.key));
    if (!rule) return null;
    taken.add(rule.field);
    return rule.field;
  });
}

/**
 * Columns that repeat a recognised column under the same name (`email,email`, `Response ID,response_id`):
 * which one holds the data can't be known, so the file is refused rather than one silently ignored.
 * Different spellings of one field (`EndDate`, `RecordedDate`) are not duplicates: the first recognised wins.
 */
export function duplicateColumns(headers: string[], fieldsByIndex: (string | null)[]): string[] {
  const recognised = new Map<string, number>();
  fieldsByIndex.forEach((field, index) => {
    if (field) recognised.set(normalizeHeader(headers[index]), index);
  });
  const problems: string[] = [];
  headers.forEach((header, index) => {
    const first = recognised.get(normalizeHeader(header));
    if (first === undefined || first === index) return;
    problems.push(`"${headers[first].replace(/^\uFEFF/, '')}" (column ${first + 1}) and "${header}" (column ${index + 1}) both name ${fieldsByIndex[first]}`);
  });
  return problems;
}
