/**
 * What an invocation may ask for: `{ now?, period?, backfill? }` (a manual re-run, a reproducible test).
 * `period` is an ISO week, or `current` / `previous` relative to `now` in the time zone: the weekly
 * schedule asks for `previous`, the week that has just ended.
 * Anything else in the event (a scheduler's or EventBridge's own fields) is ignored.
 */
import { DateTime } from 'luxon';
import { ConfigError } from '../src/core/errors.js';
import { parsePeriod, periodContaining, shiftPeriod } from '../src/core/period.js';

export interface InvocationRequest {
  /** The run's instant: event.now, else the current time (UTC). */
  readonly now: DateTime<true>;
  /** An ISO week such as 2026-W48, when the event names one (`current`/`previous` resolved). */
  readonly period: string | null;
  /** event.backfill: a re-run earlier than the ledger's newest run, recorded as such (as `--backfill`). */
  readonly backfill: boolean;
}

function field(event: unknown, name: string): unknown {
  return typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[name] : undefined;
}

export function parseInvocationEvent(event: unknown, timeZone: string): InvocationRequest {
  const now = field(event, 'now');
  // null: what a state machine passes on for an execution that named no period.
  const period = field(event, 'period') ?? undefined;
  const backfillField = field(event, 'backfill');
  if (backfillField !== undefined && typeof backfillField !== 'boolean') {
    throw new ConfigError(`event.backfill: expected true or false, got ${JSON.stringify(backfillField)}`);
  }
  const backfill = backfillField === true;
  let instant = DateTime.utc();
  if (now !== undefined) {
    const parsed = typeof now === 'string' ? DateTime.fromISO(now, { setZone: true }) : null;
    if (!parsed?.isValid) {
      throw new ConfigError(
        `event.now: expected an ISO 8601 date-time such as 2026-11-25T09:00:00Z, got ${JSON.stringify(now)}`,
      );
    }
    instant = parsed.toUTC();
  }
  if (period === 'current' || period === 'previous') {
    const current = periodContaining(instant, timeZone);
    return { now: instant, period: period === 'current' ? current.id : shiftPeriod(current, -1).id, backfill };
  }
  if (period !== undefined) {
    if (typeof period !== 'string') {
      throw new ConfigError(
        `event.period: expected an ISO week such as 2026-W48, current or previous, got ${JSON.stringify(period)}`,
      );
    }
    try {
      parsePeriod(period, timeZone);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(
        `event.period: expected an ISO week such as 2026-W48, current or previous, got "${period}"`,
      );
    }
  }
  return { now: instant, period: typeof period === 'string' ? period : null, backfill };
}
