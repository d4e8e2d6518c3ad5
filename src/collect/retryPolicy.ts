/**
 * The one HTTP retry policy of the program: 429 and 5xx are retried with exponential backoff,
 * honouring Retry-After, a bounded number of times, and never past the request's deadline.
 */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/**
 * How long to wait before the next attempt, or null to give up: when attempts are used up or the
 * wait would end after the deadline. `attempt` is the number of attempts made so far (1 after the first).
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | null,
  remainingMs: number,
): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const delay = retryAfterMs === null ? backoff : Math.max(retryAfterMs, backoff);
  return delay < remainingMs ? delay : null;
}
