/**
 * The CDK app, checked on the synthesized template. Bundling is skipped (the CDK's
 * `aws:cdk:bundling-stacks` context set to none) everywhere but in the last test, which bundles
 * both handlers for real with esbuild and runs the bundles, copied out of the repository, in a
 * Node.js 24 process against a simulated fleet and an S3 server.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HandlerFunction } from '../../infra/constructs/HandlerFunction.js';
import { LedgerBucket } from '../../infra/constructs/LedgerBucket.js';
import { ReportSchedule } from '../../infra/constructs/ReportSchedule.js';
import { FleetLedgerStack, type FleetLedgerStackProps } from '../../infra/FleetLedgerStack.js';
import { namespace } from '../collect/fixtures.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function synthesize(props: FleetLedgerStackProps = {}): Template {
  const app = new App({ context: NO_BUNDLING });
  return Template.fromStack(new FleetLedgerStack(app, 'FleetLedger', props));
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOf(template: Template, roleLogicalIdPrefix: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(roleLogicalIdPrefix))
    .flatMap(
      ([, policy]) =>
        (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat()).sort();

describe('the ledger bucket', () => {
  it('locks every object version for the retention period, versioned, encrypted, private and TLS-only', () => {
    const template = synthesize({ ledger: { objectLockMode: 'COMPLIANCE', retentionDays: 30 } });

    // The ledger bucket and its access logs bucket.
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerEncryptionKey'), 'Arn'] },
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('defaults to GOVERNANCE mode and 400 days', () => {
    synthesize().hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } } },
    });
  });

  it('refuses a retention shorter than a day, fractional days and clashing prefixes', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Checks');
    expect(() => new LedgerBucket(stack, 'Zero', { retentionDays: 0 })).toThrow(
      'LedgerBucket: retentionDays must be a whole number of days from 1 to 36500, got 0',
    );
    expect(() => new LedgerBucket(stack, 'Half', { retentionDays: 1.5 })).toThrow(
      'LedgerBucket: retentionDays must be a whole number of days from 1 to 36500, got 1.5',
    );
    expect(() => new LedgerBucket(stack, 'Slash', { ledgerPrefix: '/ledger/' })).toThrow(
      'LedgerBucket: ledgerPrefix must be a key prefix such as "ledger" (no leading or trailing /), got "/ledger/"',
    );
    expect(() => new LedgerBucket(stack, 'Same', { ledgerPrefix: 'data', configPrefix: 'data' })).toThrow(
      'LedgerBucket: ledgerPrefix and configPrefix must differ, both are "data"',
    );
  });
});

describe('the functions and their schedules', () => {
  it('runs both handlers on Node.js 24 on arm64 with the ledger, fleet file and time zone in the environment', () => {
    const template = synthesize({ timeZone: 'Europe/Berlin' });

    template.resourceCountIs('AWS::Lambda::Function', 2);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const fn of functions) {
      expect(fn['Properties']).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      expect(fn['Properties'].Environment.Variables).toMatchObject({
        TIME_ZONE: 'Europe/Berlin',
        FLEETLEDGER_LOG_FORMAT: 'json',
        LEDGER: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^LedgerBucket/) }, '/ledger']] },
        FLEET_FILE: {
          'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^LedgerBucket/) }, '/config/fleet.yaml']],
        },
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FLEETLEDGER_TEMPLATES_DIR: '/var/task/templates' }) },
    });
  });

  it('snapshots daily at 05:00 and reports the week just ended on Mondays at 06:00 in the stack time zone, retrying twice', () => {
    const template = synthesize({ timeZone: 'Europe/Berlin' });

    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    for (const [expression, input] of [
      ['cron(0 5 * * ? *)', '{}'],
      ['cron(0 6 ? * MON *)', '{"period":"previous"}'],
    ]) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Europe/Berlin',
        State: 'ENABLED',
        Target: Match.objectLike({
          Input: input,
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      });
    }
  });

  it('refuses an unknown time zone, an hour out of range, bad addresses and oversized functions', () => {
    expect(() => synthesize({ timeZone: 'Mars/Olympus' })).toThrow(
      'FleetLedger: timeZone must be an IANA time zone such as Europe/Berlin or UTC, got "Mars/Olympus"',
    );
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Checks');
    const ledger = new LedgerBucket(stack, 'Ledger');
    expect(() => new ReportSchedule(stack, 'Late', { ledger, timeZone: TimeZone.ETC_UTC, hour: 24 })).toThrow(
      'Checks/Late: hour must be a whole hour from 0 to 23, got 24',
    );
    expect(
      () =>
        new ReportSchedule(stack, 'Mail', {
          ledger,
          timeZone: TimeZone.ETC_UTC,
          email: { sender: 'nobody', recipients: [] },
        }),
    ).toThrow(
      'Checks/Mail: email.sender is not an e-mail address: "nobody"; email.recipients must name at least one address',
    );
    expect(
      () =>
        new HandlerFunction(stack, 'Slow', {
          entryFile: 'snapshotHandler.ts',
          environment: {},
          timeout: Duration.minutes(20),
        }),
    ).toThrow('Checks/Slow: timeout must be from 1 second to 15 minutes, got 20 minutes');
  });
});

describe('least privilege', () => {
  const template = synthesize({
    email: { sender: 'fleetledger@audit.example.com', recipients: ['secops@example.com'] },
  });
  const snapshot = statementsOf(template, 'SnapshotsHandler');
  const report = statementsOf(template, 'ReportsHandler');
  const bucketArn = { 'Fn::GetAtt': [expect.stringMatching(/^LedgerBucket/), 'Arn'] };
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}/*`]] });

  it('lets the snapshot function list the bucket, read the ledger and config, write the ledger and describe EKS clusters', () => {
    expect(actionsOf(snapshot)).toEqual([
      'eks:DescribeCluster',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:GetPublicKey',
      'kms:Sign',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    const byAction = (action: string) => snapshot.find((s) => s.Action === action)?.Resource;
    expect(byAction('s3:ListBucket')).toEqual(bucketArn);
    expect(byAction('s3:GetObject')).toHaveLength(2);
    expect(byAction('s3:GetObject')).toEqual(expect.arrayContaining([objects('config'), objects('ledger')]));
    expect(byAction('s3:PutObject')).toEqual(objects('ledger'));
    expect(byAction('eks:DescribeCluster')).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':eks:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':cluster/*',
        ],
      ],
    });
  });

  it('lets the report function do the same on S3 and send e-mail only from the sender identity', () => {
    expect(actionsOf(report)).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:GetPublicKey',
      'kms:Sign',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'ses:SendEmail',
    ]);
    expect(report).toContainEqual(
      expect.objectContaining({
        Action: 'ses:SendEmail',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ses:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':identity/audit.example.com',
            ],
          ],
        },
        Condition: { StringEquals: { 'ses:FromAddress': 'fleetledger@audit.example.com' } },
      }),
    );
  });

  it('grants no S3 action on every resource, and no delete or retention change anywhere', () => {
    const all = [...snapshot, ...report];
    for (const statement of all.filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')))) {
      expect([statement.Resource].flat()).not.toContain('*');
    }
    expect(actionsOf(all).filter((a) => /Delete|Retention|LegalHold|\*/.test(a))).toEqual([]);
  });
});

describe('the signing key', () => {
  const template = synthesize();
  const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^SigningKey/), 'Arn'] };
  const roleArn = (prefix: string) => ({
    'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}HandlerFunctionServiceRole`)), 'Arn'],
  });

  it('is an ECC_NIST_P256 KMS key for signing, kept when the stack goes, named in both functions as kms:<ARN>', () => {
    // The signing key and the ledger bucket's encryption key.
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    });
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn['Properties'].Environment.Variables.FLEETLEDGER_SIGNING_KEY).toEqual({
        'Fn::Join': ['', ['kms:', keyArn]],
      });
    }
    expect(template.toJSON()['Outputs'].SigningKeyArn.Value).toEqual(keyArn);
  });

  it('lets only the two writing functions sign: their roles alone get kms:Sign, and the key policy denies it to anyone else', () => {
    const signing = Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) =>
      (
        policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }
      ).Properties.PolicyDocument.Statement.filter((statement) => actionsOf([statement]).includes('kms:Sign')).map(
        (statement) => [id.replace(/FunctionServiceRoleDefaultPolicy.*$/, ''), statement.Action, statement.Resource],
      ),
    );
    expect(signing).toEqual([
      ['SnapshotsHandler', ['kms:Sign', 'kms:GetPublicKey'], keyArn],
      ['ReportsHandler', ['kms:Sign', 'kms:GetPublicKey'], keyArn],
    ]);
    const [key] = Object.values(template.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'ECC_NIST_P256' } }));
    expect(key!['Properties'].KeyPolicy.Statement).toContainEqual({
      Sid: 'OnlyTheLedgerWritersSign',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:Sign',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [roleArn('Snapshots'), roleArn('Reports')] } },
    });
  });
});

describe('the bundled handlers', () => {
  let s3: RunningS3rver | undefined;
  let stopFleet: (() => Promise<void>) | undefined;
  let outdir: string | undefined;
  let taskRoot: string | undefined;
  afterAll(async () => {
    await Promise.all([s3?.stop(), stopFleet?.()]);
    for (const dir of [outdir, taskRoot]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('bundles both handlers with esbuild, templates shipped, and they run from outside the repository', async () => {
    outdir = await mkdtemp(join(tmpdir(), 'cdk-out-'));
    const app = new App({ outdir });
    const template = Template.fromStack(new FleetLedgerStack(app, 'FleetLedger', { timeZone: 'Europe/Berlin' }));
    app.synth();

    // Lambda unpacks the asset into /var/task; here a fresh directory with no package.json above it.
    taskRoot = await mkdtemp(join(tmpdir(), 'var-task-'));
    const environmentOf = (logicalIdPrefix: string) => {
      const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
        id.startsWith(logicalIdPrefix),
      );
      const properties = fn![1]['Properties'];
      return {
        asset: String(properties.Code.S3Key).replace(/\.zip$/, ''),
        variables: properties.Environment.Variables,
      };
    };
    const snapshotFn = environmentOf('SnapshotsHandler');
    const reportFn = environmentOf('ReportsHandler');
    await cp(join(outdir, `asset.${snapshotFn.asset}`), join(taskRoot, 'snapshot'), { recursive: true });
    await cp(join(outdir, `asset.${reportFn.asset}`), join(taskRoot, 'report'), { recursive: true });

    const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
    const fleet = await startSimulatedFleet([{ name: 'prod-east', objects: [namespace('payments')] }]);
    stopFleet = fleet.stop;
    s3 = await startS3rver({ bucket: 'audit-ledger' });
    const client = new S3Client(s3.clientConfig);
    await client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: 'config/fleet.yaml',
        Body: `clusters:\n  - { name: prod-east, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }\n`,
      }),
    );
    client.destroy();

    const invoke = async (name: 'snapshot' | 'report', fn: typeof snapshotFn, now: string) => {
      const root = join(taskRoot!, name);
      const literal = Object.fromEntries(
        Object.entries(fn.variables as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
      ) as Record<string, string>;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { handler } = await import('./index.mjs'); console.log(JSON.stringify(await handler({ now: '${now}' })));`,
        ],
        {
          cwd: root,
          env: {
            PATH: process.env['PATH'] ?? '',
            ...s3!.environment,
            ...literal,
            LEDGER: `s3://${s3!.bucket}/ledger`,
            FLEET_FILE: `s3://${s3!.bucket}/config/fleet.yaml`,
            S3_ENDPOINT: s3!.endpoint,
            LAMBDA_TASK_ROOT: root,
            ...(literal['FLEETLEDGER_TEMPLATES_DIR'] ? { FLEETLEDGER_TEMPLATES_DIR: join(root, 'templates') } : {}),
          },
        },
      );
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    };

    const snapshotRun = await invoke('snapshot', snapshotFn, '2026-11-23T04:00:00Z');
    expect(snapshotRun['counts']).toEqual({ ok: 1, partial: 0, unreachable: 0 });
    const reportRun = await invoke('report', reportFn, '2026-11-23T05:00:00Z');
    expect(reportRun).toMatchObject({ period: '2026-W48', gaps: 0, email: null });
    const html = Buffer.from(await s3.store('ledger').get(`${String(reportRun['reportFolder'])}report.html`)).toString(
      'utf8',
    );
    expect(html).toContain('prod-east');
    const manifest = await s3.store('ledger').list('manifests/');
    expect(manifest.length).toBeGreaterThanOrEqual(2);
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(snapshotFn.variables['FLEETLEDGER_BUNDLED_VERSION']).toBe(version);
  }, 120_000);
});
