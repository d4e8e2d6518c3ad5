import { DateTime } from 'luxon';
import { ConfigError } from './errors.js';

/** A reporting period: one ISO week (Monday 00:00 to the next Monday 00:00) in a time zone. */
export interface Period {
  /** e.g. 2026-W48 */
  readonly id: string;
  readonly timeZone: string;
  /** Inclusive start. */
  readonly start: DateTime<true>;
  /** Exclusive end (start of the next period). */
  readonly end: DateTime<true>;
}

const PERIOD_PATTERN = /^(\d{4})-W(\d{2})$/;

function checkTimeZone(timeZone: string): void {
  if (!DateTime.now().setZone(timeZone).isValid) {
    throw new ConfigError(`--time-zone: expected an IANA time zone such as Europe/Berlin or UTC, got "${timeZone}"`);
  }
}

function periodOf(start: DateTime<true>, timeZone: string): Period {
  const end = start.plus({ weeks: 1 }) as DateTime<true>;
  const id = `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`;
  return { id, timeZone, start, end };
}

/** Parses `2026-W48` (also `2026-w48`, as people type it) in the given time zone (default UTC). */
export function parsePeriod(id: string, timeZone = 'UTC'): Period {
  checkTimeZone(timeZone);
  const match = PERIOD_PATTERN.exec(id.trim().toUpperCase());
  const start = match
    ? DateTime.fromObject({ weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 }, { zone: timeZone })
    : null;
  if (!start?.isValid || start.weekNumber !== Number(match?.[2])) {
    throw new ConfigError(`--period: expected an ISO week such as 2026-W48, got "${id}"`);
  }
  return periodOf(start.startOf('day') as DateTime<true>, timeZone);
}

/** The period (ISO week in the time zone) that contains the instant. */
export function periodContaining(instant: DateTime, timeZone = 'UTC'): Period {
  checkTimeZone(timeZone);
  const local = instant.setZone(timeZone);
  return periodOf(local.startOf('week') as DateTime<true>, timeZone);
}

/** The period `count` weeks before (negative) or after (positive) the given one. */
export function shiftPeriod(period: Period, weeks: number): Period {
  return periodOf(period.start.plus({ weeks }).startOf('week') as DateTime<true>, period.timeZone);
}

export function periodContains(period: Period, instant: DateTime): boolean {
  return instant >= period.start && instant < period.end;
}

/**
 * A report or evaluation cannot be made for a week that has not begun: it would be stored (on
 * write-once storage, for good) with nothing in it. ConfigError naming the period and `now`.
 */
export function assertPeriodStarted(period: Period, now: DateTime): void {
  if (period.start > now) {
    throw new ConfigError(
      `--period: ${period.id} (${period.timeZone}) starts ${period.start.toISO()}, after now (${now.toUTC().toISO()}): choose a period that has begun`,
    );
  }
}

/**
 * The part of the period up to and including `now`: what was known at that instant. The end stays
 * exclusive, so a snapshot collected exactly at `now` is still inside.
 */
export function periodUpTo(period: Period, now: DateTime): Period {
  const bound = now.plus({ milliseconds: 1 }) as DateTime<true>;
  return bound < period.end ? { ...period, end: bound } : period;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;
// 1970-01-01 was a Thursday: the Monday of its ISO week is 3 days earlier.
const EPOCH_MONDAY_OFFSET_MS = 3 * DAY_MS;

/**
 * The position of an ISO week on a time axis: consecutive weeks differ by 1, whatever the year
 * (52 or 53 weeks). Null when the id is no ISO week. The time zone does not matter: an ISO week
 * id names the same week in every zone.
 *
 * @example
 * isoWeekOrdinal('2027-W01')! - isoWeekOrdinal('2026-W53')! // 1
 */
export function isoWeekOrdinal(id: string): number | null {
  const match = PERIOD_PATTERN.exec(id);
  if (!match) return null;
  const start = DateTime.fromObject(
    { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
    { zone: 'utc' },
  );
  if (!start.isValid || start.weekNumber !== Number(match[2])) return null;
  return Math.floor((start.toMillis() + EPOCH_MONDAY_OFFSET_MS) / WEEK_MS);
}

/** The ISO week id at a position of isoWeekOrdinal. */
export function isoWeekIdAt(ordinal: number): string {
  return DateTime.fromMillis(ordinal * WEEK_MS - EPOCH_MONDAY_OFFSET_MS, { zone: 'utc' }).toFormat("kkkk-'W'WW");
}
