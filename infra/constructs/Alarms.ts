/**
 * The alarms an operator needs to trust the ledger is being written: a run that failed or timed
 * out, any function error, and a day without a run (the schedule disabled or failing to start),
 * each notifying an SNS topic (the one given, or one created here, encrypted with the AWS managed
 * SNS key).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AlarmsProps {
  /** Functions whose every error raises an alarm, by a short name used in the alarm's name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The function that must run at least once a day (the run's first step). */
  readonly daily: IFunction;
  /** @default - no state machine alarms */
  readonly stateMachine?: IStateMachine;
  /**
   * @default - a topic created here
   */
  readonly topic?: ITopic;
}

export class Alarms extends Construct {
  readonly topic: ITopic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic =
      props.topic ??
      new Topic(this, 'Topic', {
        displayName: 'fleetledger alarms',
        enforceSSL: true,
        masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      });
    const action = new SnsAction(this.topic);
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarms.push(
        new Alarm(this, `${name}Errors`, {
          alarmDescription: `fleetledger: the ${name} function failed (see its log group for the run id)`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    if (props.stateMachine) {
      for (const [name, metric] of [
        ['RunFailed', props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' })],
        ['RunTimedOut', props.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' })],
      ] as const) {
        this.alarms.push(
          new Alarm(this, name, {
            alarmDescription: `fleetledger: a run ${name === 'RunFailed' ? 'failed' : 'timed out'} (see the execution in Step Functions)`,
            metric,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
        );
      }
    }
    this.alarms.push(
      new Alarm(this, 'NoDailySnapshot', {
        alarmDescription:
          'fleetledger: no snapshot run for a day (schedule disabled, throttled, or failing before start)',
        metric: props.daily.metricInvocations({ period: Duration.days(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        // No data points at all is exactly the failure this alarm is for.
        treatMissingData: TreatMissingData.BREACHING,
      }),
    );
    for (const alarm of this.alarms) alarm.addAlarmAction(action);
  }
}
