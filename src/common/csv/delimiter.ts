/**
 * Comma, semicolon (Excel in much of Europe) or tab (Excel's "Unicode text", TSV exports): the one that splits the
 * first lines into the same number of fields, most fields first. Question texts hold commas ("How likely is it,
 * …") and answers hold all three, so the header alone can't tell: a tab-separated header with a comma in a question
 * would otherwise read as two columns.
 */
export function guessDelimiter(sample: string): ',' | ';' | '\t' {
  const lines = sample.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).slice(0, 11);
  if (lines.length > 1) lines.pop(); // the last may be cut off mid-line
  const unquoted = lines.map((line) => line.replace(/"[^"]*"/g, ''));
  let best: { delimiter: ',' | ';' | '\t'; agree: number; fields: number } = { delimiter: ',', agree: -1, fields: 0 };
  for (const delimiter of [',', ';', '\t'] as const) {
    const counts = unquoted.map((line) => line.split(delimiter).length - 1);
    if (counts[0] === 0) continue;
    const agree = counts.slice(1).filter((n) => n === counts[0]).length;
    if (agree > best.agree || (agree === best.agree && counts[0] > best.fields)) best = { delimiter, agree, fields: counts[0] };
  }
  return best.delimiter;
}
