/**
 * Net Promoter Score of some responses: the share of promoters (9–10) minus the share of detractors (0–6), from
 * −100 to 100, to one decimal; null without responses. The one definition behind every page, report, CSV and
 * API answer, so that a figure reads the same wherever it appears (the home page's and a report's of one range).
 */
export function npsOf(responses: number, promoters: number, detractors: number): number | null {
  return responses === 0 ? null : Math.round(((promoters - detractors) / responses) * 1000) / 10;
}
