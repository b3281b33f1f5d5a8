/** A customer's latest feedback response, as the feedback module hands it over. */
export interface LatestResponse {
  /** The feedback_response id. */
  id: string;
  score: number;
  segment: 'promoter' | 'passive' | 'detractor';
  locationId: string;
  respondedAt: Date;
  marketingConsent: boolean | null;
  name: string | null;
  phone: string | null;
  /** Import order: the later of two responses at the same time is the one imported last. */
  importSeq: number;
}
