/** The days before a secret's expiry at which admins hear of it, once each. */
export const EXPIRY_THRESHOLDS = [30, 7, 1] as const;
export type ExpiryThreshold = (typeof EXPIRY_THRESHOLDS)[number];

/**
 * The tightest threshold `daysLeft` has reached, or undefined above 30 days. A secret first seen
 * with 5 days left is announced once, as "7", not as "30" and then "7"; one already past its
 * expiry date still counts as "1" until the re-check finds it failing.
 */
export function expiryThreshold(daysLeft: number): ExpiryThreshold | undefined {
  let reached: ExpiryThreshold | undefined;
  for (const threshold of EXPIRY_THRESHOLDS) if (daysLeft <= threshold) reached = threshold;
  return reached;
}

/** What is remembered per announced threshold: a secret is its app and its expiry date. */
export function expiryNoticeKey(appId: string, expiresAt: string, threshold: ExpiryThreshold): string {
  return `secret-expiring|${appId}|${expiresAt}|${threshold}`;
}

export function failingNoticeKey(since: string): string {
  return `connection-failing|${since}`;
}
