import { CSV_LABELS, FeedbackField, FeedbackInput, parseFeedback } from './feedback-fields';

/**
 * The Feedback CSV contract (DESIGN.md): columns matched ignoring case, spaces, underscores and
 * punctuation, with common survey-export spellings; `*` matches any ending ("How likely are you to
 * recommend us to a friend?"). Keys are the contract's snake_case names, so messages use them.
 */
export const FEEDBACK_CSV_COLUMNS: Record<string, string[]> = {
  response_id: ['response id', 'responseid', 'respondent id', 'submission id', 'survey response id'],
  email: ['email address', 'e-mail', 'e-mail address', 'customer email', 'recipient email', 'respondent email'],
  location_code: ['location', 'location id', 'store code', 'store', 'dealer code', 'dealer', 'branch code', 'site code'],
  score: [
    'nps', 'nps score', 'likelihood to recommend', 'recommend score',
    'How likely are you to recommend*', 'How likely is it that you would recommend*', 'How likely would you be to recommend*',
  ],
  name: ['customer name', 'full name', 'respondent name'],
  phone: ['phone number', 'mobile', 'mobile number', 'telephone'],
  comment: ['comments', 'feedback', 'verbatim', 'open comment', 'feedback comment'],
  // When the response was given, as survey tools name it: Delighted `Created At`, Qualtrics `RecordedDate`
  // and `EndDate`, SurveyMonkey `End Date`, Typeform `Submit Date (UTC)`, Google Forms `Timestamp`.
  responded_at: [
    'response date', 'response time', 'responded', 'created at', 'recorded date', 'end date', 'submit date',
    'submit date (utc)', 'submitted at', 'submission date', 'date submitted', 'completed at',
    'completion date', 'timestamp', 'date',
  ],
  visited_at: ['visit date', 'date of visit', 'service date', 'purchase date', 'transaction date'],
  touchpoint: ['touch point', 'department', 'interaction', 'journey stage'],
  marketing_consent: ['consent', 'marketing opt in', 'marketing opt-in', 'opt in', 'marketing', 'contact consent', 'may we contact you*'],
};

export const REQUIRED_CSV_COLUMNS = ['response_id', 'location_code', 'score'];

const FIELD_BY_COLUMN = Object.fromEntries(Object.entries(CSV_LABELS).map(([field, column]) => [column, field])) as Record<
  string,
  FeedbackField
>;

/** One CSV record (keyed by contract column) → a validated response, or the reasons it was refused. */
export function parseCsvRecord(
  fields: Record<string, string>,
  now = Date.now(),
): { value: FeedbackInput; errors: null } | { value: null; errors: string[] } {
  const raw: Partial<Record<FeedbackField, unknown>> = {};
  for (const column in fields) raw[FIELD_BY_COLUMN[column]] = fields[column];
  return parseFeedback(raw, CSV_LABELS, now);
}
