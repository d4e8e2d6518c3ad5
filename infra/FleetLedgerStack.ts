/**
 * fleetledger on AWS: the write-once ledger bucket, the KMS key that signs its runs, the daily
 * snapshot and the weekly report.
 * The fleet file (and optional waivers file) are uploaded to `s3://<bucket>/config/`.
 */
import { CfnOutput, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { IANAZone } from 'luxon';
import { LedgerBucket, type LedgerBucketProps } from './constructs/LedgerBucket.js';
import { type ReportEmailProps, ReportSchedule } from './constructs/ReportSchedule.js';
import { SigningKey } from './constructs/SigningKey.js';
import { SnapshotSchedule } from './constructs/SnapshotSchedule.js';

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
}

export class FleetLedgerStack extends Stack {
  readonly ledger: LedgerBucket;
  readonly snapshots: SnapshotSchedule;
  readonly reports: ReportSchedule;
  readonly signingKey: SigningKey;

  constructor(scope: Construct, id: string, props: FleetLedgerStackProps = {}) {
    super(scope, id, props);
    const zoneName = props.timeZone ?? 'UTC';
    if (!IANAZone.isValidZone(zoneName)) {
      throw new Error(`${id}: timeZone must be an IANA time zone such as Europe/Berlin or UTC, got "${zoneName}"`);
    }
    const timeZone = TimeZone.of(zoneName);

    this.ledger = new LedgerBucket(this, 'Ledger', props.ledger);
    this.signingKey = new SigningKey(this, 'Signing');
    this.snapshots = new SnapshotSchedule(this, 'Snapshots', {
      ledger: this.ledger,
      signingKey: this.signingKey,
      timeZone,
      ...(props.eksClusterArns ? { eksClusterArns: props.eksClusterArns } : {}),
      ...(props.assumeRoleArns ? { assumeRoleArns: props.assumeRoleArns } : {}),
    });
    this.reports = new ReportSchedule(this, 'Reports', {
      ledger: this.ledger,
      signingKey: this.signingKey,
      timeZone,
      ...(props.waiversFile ? { waiversFile: props.waiversFile } : {}),
      ...(props.email ? { email: props.email } : {}),
    });

    new CfnOutput(this, 'LedgerLocation', { value: this.ledger.ledgerLocation, description: 'fleetledger --store' });
    new CfnOutput(this, 'FleetFileLocation', { value: this.ledger.configLocation('fleet.yaml') });
    new CfnOutput(this, 'SigningKeyArn', {
      value: this.signingKey.key.keyArn,
      description:
        'the key that signs the ledger: aws kms get-public-key --key-id <arn> --query PublicKey --output text | base64 -d | openssl pkey -pubin -inform DER -out fleetledger-signing.pub',
    });
  }
}
