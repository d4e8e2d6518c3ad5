/** The daily snapshot: the snapshot handler, its least-privilege grants and its schedule. */
import { Stack, type TimeZone } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { type FunctionNetwork, HandlerFunction, type HandlerFunctionSizing } from './HandlerFunction.js';
import type { LedgerBucket } from './LedgerBucket.js';
import type { SigningKey } from './SigningKey.js';
import { checkClockTime, scheduleRetries } from './scheduleTimes.js';

export interface SnapshotScheduleProps extends HandlerFunctionSizing {
  readonly ledger: LedgerBucket;
  /**
   * The KMS key the function signs its runs with (FLEETLEDGER_SIGNING_KEY).
   * @default - unsigned runs
   */
  readonly signingKey?: SigningKey;
  /** IANA zone of the schedule and of the ledger's weekly periods. */
  readonly timeZone: TimeZone;
  /**
   * The fleet file, under the ledger bucket's config prefix.
   * @default 'fleet.yaml'
   */
  readonly fleetFile?: string;
  /**
   * Hour of the day (0-23, in timeZone) the snapshot runs.
   * @default 5
   */
  readonly hour?: number;
  /**
   * EKS clusters the function may describe (endpoint and CA of `eks:` fleet entries).
   * @default - every cluster of the stack's account and region
   */
  readonly eksClusterArns?: readonly string[];
  /**
   * Roles the function may assume (`eks.roleArn` of fleet entries in other accounts).
   * @default - none
   */
  readonly assumeRoleArns?: readonly string[];
  /**
   * The VPC, subnets and security groups to run in (clusters with private endpoints).
   * @default - outside any VPC
   */
  readonly network?: FunctionNetwork;
}

export class SnapshotSchedule extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: SnapshotScheduleProps) {
    super(scope, id);
    const hour = props.hour ?? 5;
    checkClockTime(this, 'hour', hour);

    this.function = new HandlerFunction(this, 'Handler', {
      entryFile: 'snapshotHandler.ts',
      environment: {
        LEDGER: props.ledger.ledgerLocation,
        FLEET_FILE: props.ledger.configLocation(props.fleetFile ?? 'fleet.yaml'),
        TIME_ZONE: props.timeZone.timezoneName,
        ...(props.signingKey ? { FLEETLEDGER_SIGNING_KEY: props.signingKey.setting } : {}),
      },
      ...(props.memorySize ? { memorySize: props.memorySize } : {}),
      ...(props.timeout ? { timeout: props.timeout } : {}),
      ...(props.network ? { network: props.network } : {}),
    }).function;

    props.ledger.grantLedgerAccess(this.function);
    props.signingKey?.grantSigning(this.function);
    const stack = Stack.of(this);
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['eks:DescribeCluster'],
        resources: props.eksClusterArns
          ? [...props.eksClusterArns]
          : [stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: '*' })],
      }),
    );
    if (props.assumeRoleArns && props.assumeRoleArns.length > 0) {
      this.function.addToRolePolicy(
        new PolicyStatement({ actions: ['sts:AssumeRole'], resources: [...props.assumeRoleArns] }),
      );
    }

    this.schedule = new Schedule(this, 'Daily', {
      description: `fleetledger: snapshot the fleet daily at ${hour}:00 ${props.timeZone.timezoneName}`,
      schedule: ScheduleExpression.cron({ minute: '0', hour: String(hour), timeZone: props.timeZone }),
      target: new LambdaInvoke(this.function, { input: ScheduleTargetInput.fromObject({}), ...scheduleRetries }),
    });
  }
}
