/**
 * When the state machine runs (EventBridge Scheduler, in a named time zone): daily, snapshots
 * only; weekly, snapshots then the report of the week just ended and its e-mail.
 */
import { Duration, type TimeZone } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { checkClockTime, WEEKDAYS } from './scheduleTimes.js';

export interface RunSchedulesProps {
  readonly stateMachine: IStateMachine;
  readonly timeZone: TimeZone;
  /** @default 5 */
  readonly snapshotHour?: number;
  /** @default 'MON' */
  readonly reportWeekday?: string;
  /** @default 6 */
  readonly reportHour?: number;
}

export class RunSchedules extends Construct {
  readonly daily: Schedule;
  readonly weekly: Schedule;

  constructor(scope: Construct, id: string, props: RunSchedulesProps) {
    super(scope, id);
    const snapshotHour = props.snapshotHour ?? 5;
    const reportHour = props.reportHour ?? 6;
    const weekDay = props.reportWeekday ?? 'MON';
    checkClockTime(this, 'snapshotHour', snapshotHour);
    checkClockTime(this, 'reportHour', reportHour);
    if (!WEEKDAYS.includes(weekDay)) {
      throw new Error(`${this.node.path}: reportWeekday must be one of ${WEEKDAYS.join(', ')}, got "${weekDay}"`);
    }
    const zone = props.timeZone.timezoneName;
    // An execution that cannot be started is retried twice within the hour, not the scheduler's
    // default 185 times over a day: each one opens a run in a write-once ledger.
    const start = (input: Record<string, unknown>) =>
      new StepFunctionsStartExecution(props.stateMachine, {
        input: ScheduleTargetInput.fromObject(input),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      });
    this.daily = new Schedule(this, 'Daily', {
      description: `fleetledger: snapshot the fleet daily at ${snapshotHour}:00 ${zone}`,
      schedule: ScheduleExpression.cron({ minute: '0', hour: String(snapshotHour), timeZone: props.timeZone }),
      target: start({}),
    });
    this.weekly = new Schedule(this, 'Weekly', {
      description: `fleetledger: snapshot, then report and e-mail the week just ended, every ${weekDay} at ${reportHour}:00 ${zone}`,
      schedule: ScheduleExpression.cron({ minute: '0', hour: String(reportHour), weekDay, timeZone: props.timeZone }),
      target: start({ report: true, period: 'previous' }),
    });
  }
}
