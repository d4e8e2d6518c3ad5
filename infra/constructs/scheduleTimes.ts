/** What the schedules check: clock hours and week days. */
import type { Construct } from 'constructs';

/** The days a weekly schedule may run on, as EventBridge Scheduler's cron names them. */
export const WEEKDAYS: readonly string[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

export function checkClockTime(scope: Construct, name: string, hour: number): void {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new Error(`${scope.node.path}: ${name} must be a whole hour from 0 to 23, got ${hour}`);
  }
}
