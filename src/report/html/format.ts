/**
 * How numbers, deltas and dates read in the HTML report and the e-mail: one place, so both say
 * the same thing the same way.
 */
import { DateTime } from 'luxon';

/** 0.7241 -> "72.4%"; null (nothing could be evaluated) -> "n/a". */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`;
}

/** What a no-data report shows wherever a score would be: it is unknown, not 0%. */
export const NO_DATA = 'no data';

/** A score as the report shows it: NO_DATA in a no-data report, else formatPercent. */
export function formatScore(ratio: number | null, noData: boolean | undefined): string {
  return noData ? NO_DATA : formatPercent(ratio);
}

/** A ratio delta in percentage points: 0.031 -> "+3.1 pts", -0.02 -> "-2.0 pts", null -> null. */
export function formatDeltaPoints(delta: number | null): string | null {
  if (delta === null) return null;
  const points = Math.round(delta * 1000) / 10;
  if (points === 0) return '±0.0 pts';
  return `${points > 0 ? '+' : '-'}${Math.abs(points).toFixed(1)} pts`;
}

export type TrendDirection = 'up' | 'down' | 'flat' | 'unknown';

/** The direction of a delta; changes under 0.05 points are flat (rounding noise). */
export function trendDirection(delta: number | null): TrendDirection {
  if (delta === null) return 'unknown';
  if (Math.abs(delta) < 0.0005) return 'flat';
  return delta > 0 ? 'up' : 'down';
}

const ARROWS: Record<TrendDirection, string> = { up: '▲', down: '▼', flat: '▶', unknown: '–' };

export function trendArrow(direction: TrendDirection): string {
  return ARROWS[direction];
}

/** An ISO instant as "2026-11-25 09:00 UTC" in the report's time zone. */
export function formatInstant(iso: string, timeZone: string): string {
  const instant = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone);
  if (!instant.isValid) return iso;
  return `${instant.toFormat('yyyy-MM-dd HH:mm')} ${timeZone === 'UTC' ? 'UTC' : instant.toFormat('ZZZZ')}`;
}

/** An ISO instant as its calendar day "2026-11-25" in the time zone. */
export function formatDay(iso: string, timeZone: string): string {
  const instant = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone);
  return instant.isValid ? instant.toFormat('yyyy-MM-dd') : iso;
}

/** Whole days from `from` to `to` (negative when `to` is earlier), rounded toward -infinity. */
export function daysBetween(fromIso: string, toIso: string): number {
  const from = DateTime.fromISO(fromIso, { zone: 'utc' });
  const to = DateTime.fromISO(toIso, { zone: 'utc' });
  return Math.floor(to.diff(from, 'days').days);
}
