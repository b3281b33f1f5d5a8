/** Settings an admin changes at run time (the environment holds only their first defaults). */
export interface Settings {
  /** Shown on customer pages and in emails. */
  brandName: string;
  /** CAN-SPAM footer of every marketing email. */
  brandPostalAddress: string;
  /** Marketing messages per customer in any rolling 30 days, across campaigns: 0-2, never more than 2. */
  frequencyCap: number;
  /** Days after a detractor response during which it raises an alert. */
  alertWindowDays: number;
  /** Days personal data is kept before it is deleted or anonymised. */
  dataRetentionDays: number;
  /** Days raw click events are kept; the daily reach rollups stay. */
  rawClickRetentionDays: number;
}

export const SETTING_KEYS = ['brandName', 'brandPostalAddress', 'frequencyCap', 'alertWindowDays', 'dataRetentionDays', 'rawClickRetentionDays'] as const;

/** Principle 3: the cap can be lowered, never raised above this. */
export const MAX_FREQUENCY_CAP = 2;

export const SETTING_LIMITS = {
  brandName: { min: 1, max: 100 },
  brandPostalAddress: { min: 1, max: 300 },
  frequencyCap: { min: 0, max: MAX_FREQUENCY_CAP },
  alertWindowDays: { min: 1, max: 365 },
  dataRetentionDays: { min: 30, max: 3650 },
  rawClickRetentionDays: { min: 7, max: 3650 },
} as const;

export const SETTING_DEFAULTS = {
  frequencyCap: MAX_FREQUENCY_CAP,
  alertWindowDays: 14,
  dataRetentionDays: 730,
  rawClickRetentionDays: 90,
} as const;
