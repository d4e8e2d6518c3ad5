/**
 * fleetledger on AWS: the write-once ledger bucket, the KMS key that signs its runs, the state
 * machine that runs them (daily snapshots; weekly snapshots, report and e-mail), alarms.
 * The fleet file (and optional waivers file) are uploaded to `s3://<bucket>/config/`.
 */
import { CfnOutput, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { IANAZone } from 'luxon';
import { Alarms } from './constructs/Alarms.js';
import type { FunctionNetwork } from './constructs/HandlerFunction.js';
import { LedgerBucket, type LedgerBucketProps } from './constructs/LedgerBucket.js';
import { RunSchedules } from './constructs/RunSchedules.js';
import { type ReportEmailProps, RunStateMachine } from './constructs/RunStateMachine.js';
import { SigningKey } from './constructs/SigningKey.js';

export interface FleetLedgerStackProps extends StackProps {
  /**
   * IANA time zone of both schedules and of the weekly reporting periods.
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * Object Lock, retention and prefixes of the ledger bucket.
   * @default - GOVERNANCE mode, 400 days
   */
  readonly ledger?: LedgerBucketProps;
  /**
   * A waivers file under the config prefix, e.g. 'waivers.yaml'.
   * @default - no waivers
   */
  readonly waiversFile?: string;
  /**
   * Who gets the weekly report e-mail (Amazon SES v2).
   * @default - reports are stored, not e-mailed
   */
  readonly email?: ReportEmailProps;
  /**
   * @default - every cluster of the stack's account and region
   */
  readonly eksClusterArns?: readonly string[];
  /**
   * @default - none
   */
  readonly assumeRoleArns?: readonly string[];
  /**
   * Secrets Manager secrets holding cluster tokens (`token.tokenSecret` in the fleet file) the
   * cluster step may read.
   * @default - none
   */
  readonly tokenSecretArns?: readonly string[];
  /**
   * Customer-managed KMS keys the token secrets are encrypted with: the cluster step may decrypt
   * with them through Secrets Manager only (not needed for the AWS-managed key).
   * @default - none
   */
  readonly tokenSecretKeyArns?: readonly string[];
  /**
   * The fleet file, under the ledger bucket's config prefix.
   * @default 'fleet.yaml'
   */
  readonly fleetFile?: string;
  /**
   * Where the snapshot function runs to reach clusters with private endpoints.
   * @default - outside any VPC
   */
  readonly vpc?: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly securityGroupIds: readonly string[];
  };
  /**
   * A customer managed KMS key (ARN) encrypting the ledger bucket.
   * @default - a key created by the stack
   */
  readonly encryptionKeyArn?: string;
  /**
   * The SNS topic (ARN) the alarms notify.
   * @default - a topic created by the stack
   */
  readonly alarmTopicArn?: string;
  /** @default 5 */
  readonly snapshotHour?: number;
  /** @default 6 */
  readonly reportHour?: number;
  /** @default 'MON' */
  readonly reportWeekday?: string;
}

export class FleetLedgerStack extends Stack {
  readonly ledger: LedgerBucket;
  readonly runs: RunStateMachine;
  readonly schedules: RunSchedules;
  readonly signingKey: SigningKey;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: FleetLedgerStackProps = {}) {
    super(scope, id, props);
    const zoneName = props.timeZone ?? 'UTC';
    if (!IANAZone.isValidZone(zoneName)) {
      throw new Error(`${id}: timeZone must be an IANA time zone such as Europe/Berlin or UTC, got "${zoneName}"`);
    }
    const timeZone = TimeZone.of(zoneName);

    this.ledger = new LedgerBucket(this, 'Ledger', {
      ...props.ledger,
      ...(props.encryptionKeyArn ? { encryptionKey: Key.fromKeyArn(this, 'LedgerKey', props.encryptionKeyArn) } : {}),
    });
    this.signingKey = new SigningKey(this, 'Signing');
    this.runs = new RunStateMachine(this, 'Runs', {
      ledger: this.ledger,
      signingKey: this.signingKey,
      timeZone: zoneName,
      ...(props.fleetFile ? { fleetFile: props.fleetFile } : {}),
      ...(props.waiversFile ? { waiversFile: props.waiversFile } : {}),
      ...(props.email ? { email: props.email } : {}),
      ...(props.eksClusterArns ? { eksClusterArns: props.eksClusterArns } : {}),
      ...(props.assumeRoleArns ? { assumeRoleArns: props.assumeRoleArns } : {}),
      ...(props.tokenSecretArns ? { tokenSecretArns: props.tokenSecretArns } : {}),
      ...(props.tokenSecretKeyArns ? { tokenSecretKeyArns: props.tokenSecretKeyArns } : {}),
      ...(props.vpc ? { network: this.#network(props.vpc) } : {}),
    });
    this.schedules = new RunSchedules(this, 'Schedules', {
      stateMachine: this.runs.stateMachine,
      timeZone,
      ...(props.snapshotHour !== undefined ? { snapshotHour: props.snapshotHour } : {}),
      ...(props.reportHour !== undefined ? { reportHour: props.reportHour } : {}),
      ...(props.reportWeekday ? { reportWeekday: props.reportWeekday } : {}),
    });

    this.alarms = new Alarms(this, 'Alarms', {
      functions: this.runs.functions,
      daily: this.runs.functions.open,
      stateMachine: this.runs.stateMachine,
      ...(props.alarmTopicArn ? { topic: Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) } : {}),
    });

    new CfnOutput(this, 'LedgerLocation', { value: this.ledger.ledgerLocation, description: 'fleetledger --store' });
    new CfnOutput(this, 'FleetFileLocation', { value: this.ledger.configLocation(props.fleetFile ?? 'fleet.yaml') });
    new CfnOutput(this, 'StateMachineArn', {
      value: this.runs.stateMachine.stateMachineArn,
      description: 'fleetledger invoke starts an execution of it',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'SigningKeyArn', {
      value: this.signingKey.key.keyArn,
      description:
        'the key that signs the ledger: aws kms get-public-key --key-id <arn> --query PublicKey --output text | base64 -d | openssl pkey -pubin -inform DER -out fleetledger-signing.pub',
    });
  }

  /** The VPC given by ids: imported, not looked up, so synth needs no AWS credentials. */
  #network(vpc: NonNullable<FleetLedgerStackProps['vpc']>): FunctionNetwork {
    return {
      vpc: Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: vpc.vpcId, availabilityZones: this.availabilityZones }),
      subnets: vpc.subnetIds.map((id, i) => Subnet.fromSubnetId(this, `Subnet${i}`, id)),
      securityGroups: vpc.securityGroupIds.map((id, i) =>
        SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, id, { mutable: false }),
      ),
    };
  }
}
