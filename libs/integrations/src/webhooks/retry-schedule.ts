/** How a failing delivery backs off (WebhooksConfig). */
export interface RetryPolicy {
  retryFirstDelaySeconds: number;
  retryMaxDelaySeconds: number;
}

/**
 * The wait after `failedAttempts` failures: the first delay doubled per failure up to the maximum,
 * then "equal jitter" (half of it fixed, half random), so receivers that failed together (one
 * outage) are not all retried in the same second, while the backoff still grows.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(policy.retryFirstDelaySeconds * 2 ** exponent, policy.retryMaxDelaySeconds) * 1000;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * When to try again after a failed attempt at `now`, or null when the retry period is over. A wait
 * reaching past the period's end is cut to its end, so the last attempt is made at the end itself.
 */
export function nextAttemptAt(
  now: Date,
  failedAttempts: number,
  retryUntil: Date,
  policy: RetryPolicy,
  random = Math.random,
): Date | null {
  if (now.getTime() >= retryUntil.getTime()) return null;
  const at = now.getTime() + retryDelayMs(failedAttempts, policy, random);
  return new Date(Math.min(at, retryUntil.getTime()));
}
