/**
 * A period with no snapshot of any expected cluster is not a report: a page of 0% (or n/a) that
 * looks like a result would be stored for good on write-once storage. generateReport stops with
 * this error before anything is written, unless asked to store an explicit no-data report
 * (`--allow-empty`).
 */
import type { DateTime } from 'luxon';
import { OperationalError } from '../core/errors.js';
import type { Period } from '../core/period.js';
import { formatDay } from './html/format.js';

/** One line (exit 1 in the CLI), naming the period, its days and time zone. */
export class EmptyPeriodError extends OperationalError {
  constructor(
    readonly period: Period,
    /** The instant the period was read up to (the report's now). */
    readonly asOf: DateTime,
    /** Snapshot keys of the period that could not be read. */
    readonly unreadable: readonly string[],
  ) {
    super(describeEmptyPeriod(period, asOf, unreadable));
  }
}

function describeEmptyPeriod(period: Period, asOf: DateTime, unreadable: readonly string[]): string {
  const lastDay = period.end.minus({ milliseconds: 1 });
  const days = `${formatDay(period.start.toISO(), period.timeZone)} to ${formatDay(lastDay.toISO()!, period.timeZone)}`;
  const upTo = asOf < period.end ? ` up to ${asOf.toUTC().toISO()}` : '';
  const what = unreadable.length === 0 ? 'no snapshot' : 'no readable snapshot';
  const why = unreadable.length === 0 ? '' : `, ${unreadable.length} unreadable (run fleetledger verify)`;
  return `${what} of any expected cluster in ${period.id} (${period.timeZone}, ${days})${upTo}${why}: no report stored (--allow-empty stores an explicit no-data report)`;
}
