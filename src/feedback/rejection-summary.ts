/** Rejected rows of an import counted by reason, as stored (one reason may list several problems, joined by "; "). */
export interface ReasonCount {
  reason: string;
  rows: number;
}

/** One kind of problem, the rows it refused, a few of the values behind it, and what to do about it. */
export interface RejectionProblem {
  problem: string;
  rows: number;
  examples: string[];
  advice: string | null;
}

const MAX_EXAMPLES = 3;

/**
 * Problems that name the value at fault: the kind is the text without it, the value an example
 * ("unknown location code NOPE-9" and "unknown location code X-1" are one problem with two examples).
 */
const VARIABLE: { pattern: RegExp; kind: (m: RegExpExecArray) => string; example: (m: RegExpExecArray) => string }[] = [
  { pattern: /^unknown location code (.+)$/, kind: () => 'unknown location code', example: (m) => m[1] },
  { pattern: /^(.+) is not a date: (.+) does not exist$/, kind: (m) => `${m[1]} is not a date: no such day`, example: (m) => m[2] },
  { pattern: /^Row has (\d+) fields, header has (\d+)$/, kind: () => 'the row has more or fewer fields than the header', example: (m) => `${m[1]} of ${m[2]}` },
  { pattern: /^A quote opened on line (\d+) is never closed, .*$/, kind: () => 'a quote is never closed, so the rest of the file was not read', example: (m) => `line ${m[1]}` },
  { pattern: /^Row larger than ([^:]+): .*$/, kind: (m) => `the row is larger than ${m[1]}`, example: () => '' },
];

/** What a marketer can do, for the problems a real export runs into most. */
const ADVICE: [RegExp, string][] = [
  [/^unknown location code$/, 'Add the location (or correct its code in the file), then import the file again: rows already imported are not written twice.'],
  [/^score is required$/, 'No answer to the 0–10 question: a respondent who skipped it or did not finish the survey. Such rows cannot count for NPS.'],
  [/ is not a date/, 'Dates must match the column’s format; a file whose dates are written another way can be mapped with its own date format.'],
  [/must be an email address$/, 'Correct the address in the file, or leave it blank: a response without an address still counts for NPS.'],
  [/must be a whole number from 0 to 10$/, 'Scores must be whole numbers from 0 to 10: check that the mapped column is the 0–10 recommend question.'],
  [/^erased on request$/, 'This person asked for their data to be erased; their responses are never stored again.'],
];

function adviceFor(problem: string): string | null {
  for (const [pattern, advice] of ADVICE) if (pattern.test(problem)) return advice;
  return null;
}

/**
 * Folds reasons into problems, most rows first: each problem of a reason counts that reason's rows (a row
 * refused for two things counts under both), values at fault become examples.
 */
export function summariseRejections(counts: ReasonCount[]): RejectionProblem[] {
  const problems = new Map<string, RejectionProblem>();
  for (const { reason, rows } of counts) {
    for (const part of reason.split('; ')) {
      let kind = part;
      let example = '';
      for (const variable of VARIABLE) {
        const m = variable.pattern.exec(part);
        if (m) {
          kind = variable.kind(m);
          example = variable.example(m);
          break;
        }
      }
      let problem = problems.get(kind);
      if (!problem) problems.set(kind, (problem = { problem: kind, rows: 0, examples: [], advice: adviceFor(kind) }));
      problem.rows += rows;
      if (example && problem.examples.length < MAX_EXAMPLES && !problem.examples.includes(example)) problem.examples.push(example);
    }
  }
  return [...problems.values()].sort((a, b) => b.rows - a.rows || a.problem.localeCompare(b.problem));
}
