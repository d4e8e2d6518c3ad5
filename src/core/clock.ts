import { DateTime } from 'luxon';
import { ConfigError } from './errors.js';

/** ISO 8601 (and every real time zone) keeps UTC offsets within ±18:00. */
const MAX_OFFSET_MINUTES = 18 * 60;

/**
 * The clock is injected everywhere: commands take `--now` so every run can be reproduced.
 * Returns the given instant in UTC, or the current time.
 */
export function resolveNow(now?: string): DateTime<true> {
  if (now === undefined) return DateTime.utc();
  const parsed = DateTime.fromISO(now, { setZone: true });
  if (!parsed.isValid) {
    throw new ConfigError(`--now: expected an ISO 8601 date-time such as 2026-11-25T09:00:00Z, got "${now}"`);
  }
  if (Math.abs(parsed.offset) > MAX_OFFSET_MINUTES) {
    throw new ConfigError(`--now: expected a UTC offset between -18:00 and +18:00, got "${now}"`);
  }
  return parsed.toUTC();
}

/** ISO 8601 in UTC with milliseconds, e.g. 2026-11-25T09:00:00.000Z. */
export function isoUtc(instant: DateTime): string {
  return instant.toUTC().toISO({ suppressMilliseconds: false }) ?? '';
}
