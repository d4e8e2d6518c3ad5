/** What the two schedules share: the clock-time check and the retry policy. */
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The days a weekly schedule may run on, as EventBridge Scheduler's cron names them. */
export const WEEKDAYS: readonly string[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

export function checkClockTime(scope: Construct, name: string, hour: number): void {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new Error(`${scope.node.path}: ${name} must be a whole hour from 0 to 23, got ${hour}`);
  }
}

/**
 * A run that failed is retried twice within the hour, not the scheduler's default 185 times over a
 * day: each attempt writes new objects to a write-once ledger.
 */
export const scheduleRetries = { retryAttempts: 2, maxEventAge: Duration.hours(1) } as const;
