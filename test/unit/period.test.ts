import { DateTime } from 'luxon';
import { ConfigError } from '../../src/core/errors.js';
import {
  assertPeriodStarted,
  parsePeriod,
  periodContaining,
  periodContains,
  periodUpTo,
  shiftPeriod,
} from '../../src/core/period.js';

describe('periods', () => {
  it('parses an ISO week in UTC as Monday 00:00 to the next Monday', () => {
    const period = parsePeriod('2026-W48');
    expect(period.start.toISO()).toBe('2026-11-23T00:00:00.000Z');
    expect(period.end.toISO()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('parses a week in a time zone on local midnight', () => {
    const period = parsePeriod('2026-W48', 'Europe/Berlin');
    expect(period.start.toUTC().toISO()).toBe('2026-11-22T23:00:00.000Z');
  });

  it('finds the week of an instant, across a year boundary', () => {
    expect(periodContaining(DateTime.fromISO('2027-01-01T12:00:00Z')).id).toBe('2026-W53');
    expect(periodContaining(DateTime.fromISO('2026-11-25T10:00:00Z')).id).toBe('2026-W48');
  });

  it('counts an instant at the boundary as part of the later week only', () => {
    const period = parsePeriod('2026-W48');
    expect(periodContains(period, DateTime.fromISO('2026-11-30T00:00:00Z'))).toBe(false);
    expect(periodContains(shiftPeriod(period, 1), DateTime.fromISO('2026-11-30T00:00:00Z'))).toBe(true);
    expect(shiftPeriod(period, -1).id).toBe('2026-W47');
  });

  it('rejects malformed periods and unknown time zones with a ConfigError', () => {
    expect(() => parsePeriod('2026-48')).toThrow(ConfigError);
    expect(() => parsePeriod('2025-W53')).toThrow('expected an ISO week such as 2026-W48, got "2025-W53"');
    expect(() => parsePeriod('2026-W48', 'Mars/Olympus')).toThrow('--time-zone');
  });
});

describe('periods and now', () => {
  it('rejects a period that starts after now as a configuration error, and accepts one that has begun', () => {
    const period = parsePeriod('2027-W10');
    expect(() => assertPeriodStarted(period, DateTime.fromISO('2027-03-07T23:59:59Z'))).toThrow(ConfigError);
    expect(() => assertPeriodStarted(period, DateTime.fromISO('2027-03-07T23:59:59Z'))).toThrow(
      '--period: 2027-W10 (UTC) starts 2027-03-08T00:00:00.000Z, after now (2027-03-07T23:59:59.000Z): choose a period that has begun',
    );
    expect(() => assertPeriodStarted(period, DateTime.fromISO('2027-03-08T00:00:00Z'))).not.toThrow();
  });

  it('ends the period just after now when now falls inside it, so an instant equal to now is still in', () => {
    const period = parsePeriod('2026-W48');
    const now = DateTime.fromISO('2026-11-25T09:00:00Z');
    const upTo = periodUpTo(period, now);
    expect(upTo.end.toUTC().toISO()).toBe('2026-11-25T09:00:00.001Z');
    expect([periodContains(upTo, now), periodContains(upTo, now.plus({ milliseconds: 1 }))]).toEqual([true, false]);
    expect(periodUpTo(period, DateTime.fromISO('2026-12-01T00:00:00Z'))).toBe(period);
  });
});
