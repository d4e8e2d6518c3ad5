/**
 * The stack's properties added for a production deployment, each checked on the synthesized
 * template: the bucket's KMS key, access logs and lifecycle; the schedules' days and hours; the
 * snapshot function's VPC; the alarms and their topic; and the constructors' refusals.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LedgerBucket } from '../../infra/constructs/LedgerBucket.js';
import { FleetLedgerStack, type FleetLedgerStackProps } from '../../infra/FleetLedgerStack.js';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const KEY = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:oncall';

function synthesize(props: FleetLedgerStackProps = {}): Template {
  const app = new App({ context: NO_BUNDLING });
  return Template.fromStack(new FleetLedgerStack(app, 'FleetLedger', props));
}

describe('the ledger bucket in production', () => {
  const template = synthesize({ ledger: { retentionDays: 730 } });

  it('is encrypted with a rotated customer managed key, kept when the stack goes', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true, Description: Match.stringLikeRegexp('ledger bucket') }),
    });
  });

  it('logs every access to a separate private, TLS-only bucket kept for the retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^LedgerAccessLogs') },
        LogFilePrefix: 'ledger-bucket/',
      },
    });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LifecycleConfiguration: {
          Rules: [{ ExpirationInDays: 730, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }],
        },
      }),
    });
  });

  it('moves snapshots to Glacier Instant Retrieval after 90 days and expires replaced versions after the retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'ArchiveSnapshots',
            Prefix: 'ledger/snapshots/',
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
          },
          { Id: 'ExpireNoncurrent', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 730 } },
        ],
      },
    });
  });

  it('uses the given KMS key instead of creating one, and grants the functions only decrypt and data keys on it', () => {
    const withKey = synthesize({ encryptionKeyArn: KEY });
    withKey.resourceCountIs('AWS::KMS::Key', 1);
    withKey.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY } },
        ],
      },
    });
    withKey.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY },
        ]),
      },
    });
  });

  it('refuses an archive age under a day', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Checks');
    expect(() => new LedgerBucket(stack, 'Now', { archiveAfterDays: 0 })).toThrow(
      'LedgerBucket: archiveAfterDays must be a whole number of days, 1 or more, got 0',
    );
  });
});

describe('schedules, fleet file and network from the settings', () => {
  it('runs the snapshot and the report at the given hours and day, reading the given fleet file', () => {
    const template = synthesize({
      snapshotHour: 2,
      reportHour: 7,
      reportWeekday: 'FRI',
      fleetFile: 'fleets/prod.yaml',
    });

    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 2 * * ? *)' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 7 ? * FRI *)' });
    const fleetFiles = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn['Properties'].Environment.Variables.FLEET_FILE['Fn::Join'][1][2],
    );
    expect(fleetFiles).toEqual([
      '/config/fleets/prod.yaml',
      '/config/fleets/prod.yaml',
      '/config/fleets/prod.yaml',
      '/config/fleets/prod.yaml',
    ]);
    expect(template.toJSON()['Outputs'].FleetFileLocation.Value['Fn::Join'][1][2]).toBe('/config/fleets/prod.yaml');
  });

  it('refuses a day that is not a weekday name', () => {
    expect(() => synthesize({ reportWeekday: 'Monday' })).toThrow(
      'FleetLedger/Schedules: reportWeekday must be one of MON, TUE, WED, THU, FRI, SAT, SUN, got "Monday"',
    );
  });

  it('runs only the cluster step in the given subnets and security groups', () => {
    const template = synthesize({
      vpc: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        securityGroupIds: ['sg-0123456789abcdef0'],
      },
    });

    const inVpc = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([, fn]) => fn['Properties'].VpcConfig)
      .map(([id, fn]) => [id.replace(/Function[0-9A-F]+$/, ''), fn['Properties'].VpcConfig]);
    expect(inVpc).toEqual([
      [
        'RunsSnapshotCluster',
        {
          SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
          SecurityGroupIds: ['sg-0123456789abcdef0'],
        },
      ],
    ]);
  });
});

describe('cluster tokens in Secrets Manager', () => {
  it('lets only the cluster step read the given secrets', () => {
    const secret = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:lab-token-??????';
    const template = synthesize({ tokenSecretArns: [secret] });

    const readers = Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) =>
      (policy['Properties'].PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
        .filter((statement) => statement.Action === 'secretsmanager:GetSecretValue')
        .map((statement) => [id.replace(/FunctionServiceRoleDefaultPolicy.*$/, ''), statement.Resource]),
    );
    expect(readers).toEqual([['RunsSnapshotCluster', secret]]);
  });

  it("lets only the cluster step decrypt with the secrets' customer keys, and only through Secrets Manager", () => {
    const key = 'arn:aws:kms:eu-central-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    const template = synthesize({
      tokenSecretArns: ['arn:aws:secretsmanager:eu-central-1:123456789012:secret:lab-token-??????'],
      tokenSecretKeyArns: [key],
    });

    const decrypters = Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) =>
      (policy['Properties'].PolicyDocument.Statement as { Action: unknown; Resource: unknown; Condition?: unknown }[])
        .filter((statement) => statement.Resource === key)
        .map((statement) => [
          id.replace(/FunctionServiceRoleDefaultPolicy.*$/, ''),
          statement.Action,
          statement.Condition,
        ]),
    );
    expect(decrypters).toEqual([
      [
        'RunsSnapshotCluster',
        'kms:Decrypt',
        {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          },
        },
      ],
    ]);
  });
});

describe('the alarms', () => {
  it('alarm on a failed or timed-out run, any step error and a day without a run, to a topic created by the stack', () => {
    const template = synthesize();

    template.resourceCountIs('AWS::SNS::Topic', 1);
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, a]) => [
      id.replace(/[0-9A-F]{8}$/, ''),
      a['Properties'],
    ]);
    expect(
      alarms.map(([id, a]) => [
        id,
        a.Namespace,
        a.MetricName,
        a.ComparisonOperator,
        a.Threshold,
        a.Period,
        a.TreatMissingData,
      ]),
    ).toEqual([
      ['AlarmsopenErrors', 'AWS/Lambda', 'Errors', 'GreaterThanOrEqualToThreshold', 1, 300, 'notBreaching'],
      ['AlarmsclusterErrors', 'AWS/Lambda', 'Errors', 'GreaterThanOrEqualToThreshold', 1, 300, 'notBreaching'],
      ['AlarmsfinishErrors', 'AWS/Lambda', 'Errors', 'GreaterThanOrEqualToThreshold', 1, 300, 'notBreaching'],
      ['AlarmsreportErrors', 'AWS/Lambda', 'Errors', 'GreaterThanOrEqualToThreshold', 1, 300, 'notBreaching'],
      ['AlarmsRunFailed', 'AWS/States', 'ExecutionsFailed', 'GreaterThanOrEqualToThreshold', 1, 300, 'notBreaching'],
      [
        'AlarmsRunTimedOut',
        'AWS/States',
        'ExecutionsTimedOut',
        'GreaterThanOrEqualToThreshold',
        1,
        300,
        'notBreaching',
      ],
      ['AlarmsNoDailySnapshot', 'AWS/Lambda', 'Invocations', 'LessThanThreshold', 1, 86_400, 'breaching'],
    ]);
    for (const [, alarm] of alarms)
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
  });

  it('notify the given topic instead, creating none', () => {
    const template = synthesize({ alarmTopicArn: TOPIC });

    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm['Properties'].AlarmActions).toEqual([TOPIC]);
    }
    expect(template.toJSON()['Outputs'].AlarmTopicArn.Value).toBe(TOPIC);
  });
});
