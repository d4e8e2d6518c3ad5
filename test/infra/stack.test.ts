/**
 * The CDK app, checked on the synthesized template. Bundling is skipped (the CDK's
 * `aws:cdk:bundling-stacks` context set to none) everywhere but in the last test, which bundles
 * the step handlers for real with esbuild and runs the bundles, copied out of the repository, in
 * Node.js 24 processes against a simulated fleet and an S3 server, chained as the state machine
 * chains them.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HandlerFunction } from '../../infra/constructs/HandlerFunction.js';
import { LedgerBucket } from '../../infra/constructs/LedgerBucket.js';
import { RunSchedules } from '../../infra/constructs/RunSchedules.js';
import { RunStateMachine } from '../../infra/constructs/RunStateMachine.js';
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

    // The ledger bucket, its access logs bucket and the run-state bucket.
    template.resourceCountIs('AWS::S3::Bucket', 3);
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

const EMAIL = { sender: 'fleetledger@audit.example.com', recipients: ['secops@example.com'] };

/** The state machine's definition, its CloudFormation references replaced by their logical ids. */
function definitionOf(template: Template): {
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, Record<string, unknown>>;
} {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts = machine!['Properties'].DefinitionString['Fn::Join'][1] as unknown[];
  const text = parts
    .map((part) =>
      typeof part === 'string'
        ? part
        : (((part as Record<string, unknown>)['Ref'] as string | undefined) ??
          ((part as Record<string, string[]>)['Fn::GetAtt']?.[0] as string)),
    )
    .join('');
  return JSON.parse(text);
}

const functionIds = (template: Template) =>
  Object.keys(template.findResources('AWS::Lambda::Function')).map((id) => id.replace(/Function[0-9A-F]{8}$/, ''));

describe('the functions', () => {
  it('are the state machine steps, on Node.js 24 on arm64, with the ledger, fleet file and time zone in the environment', () => {
    const template = synthesize({ timeZone: 'Europe/Berlin', email: EMAIL });

    expect(functionIds(template).sort()).toEqual([
      'RunsDeliver',
      'RunsFinishRun',
      'RunsOpenRun',
      'RunsReportPeriod',
      'RunsSnapshotCluster',
    ]);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
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
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DISTRIBUTED_MAP_ABOVE: '40',
          RUN_STATE: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^RunsRunState') }, '/items']] },
        }),
      },
    });
  });

  it('deliver e-mail only when recipients are set', () => {
    expect(functionIds(synthesize())).not.toContain('RunsDeliver');
    expect(synthesize().findResources('AWS::SES::EmailIdentity')).toEqual({});
  });

  it('refuses an hour out of range, bad addresses, a bad concurrency and oversized functions', () => {
    expect(() => synthesize({ timeZone: 'Mars/Olympus' })).toThrow(
      'FleetLedger: timeZone must be an IANA time zone such as Europe/Berlin or UTC, got "Mars/Olympus"',
    );
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Checks');
    const ledger = new LedgerBucket(stack, 'Ledger');
    expect(
      () => new RunSchedules(stack, 'Late', { stateMachine: {} as never, timeZone: TimeZone.ETC_UTC, reportHour: 24 }),
    ).toThrow('Checks/Late: reportHour must be a whole hour from 0 to 23, got 24');
    expect(
      () =>
        new RunStateMachine(stack, 'Mail', { ledger, timeZone: 'UTC', email: { sender: 'nobody', recipients: [] } }),
    ).toThrow(
      'Checks/Mail: email.sender is not an e-mail address: "nobody"; email.recipients must name at least one address',
    );
    expect(() => new RunStateMachine(stack, 'Wide', { ledger, timeZone: 'UTC', maxConcurrency: 0 })).toThrow(
      'Checks/Wide: maxConcurrency must be a whole number from 1 to 1000, got 0',
    );
    expect(
      () => new RunStateMachine(stack, 'Eks', { ledger, timeZone: 'UTC', eksClusterArns: ['arn:aws:eks:prod'] }),
    ).toThrow('Checks/Eks: eksClusterArns: not an EKS cluster ARN: "arn:aws:eks:prod"');
    expect(
      () =>
        new HandlerFunction(stack, 'Slow', {
          entryFile: 'openRunHandler.ts',
          environment: {},
          timeout: Duration.minutes(20),
        }),
    ).toThrow('Checks/Slow: timeout must be from 1 second to 15 minutes, got 20 minutes');
  });
});

describe('the state machine', () => {
  const template = synthesize({ email: EMAIL });
  const definition = definitionOf(template);
  const states = definition.States;

  it('opens the run, chooses the Map by fleet size, finishes, then reports and delivers on request', () => {
    expect(definition.StartAt).toBe('OpenRun');
    expect(definition.TimeoutSeconds).toBe(7200);
    expect(states['OpenRun']).toMatchObject({ Type: 'Task', ResultPath: '$', Next: 'FleetSize' });
    expect(states['FleetSize']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.items', IsNull: false, Next: 'EachClusterDistributed' }],
      Default: 'EachCluster',
    });
    expect(states['EachCluster']).toMatchObject({
      Next: 'FinishRun',
      ResultPath: '$.results',
      ItemsPath: '$.clusters',
    });
    expect(states['EachClusterDistributed']).toMatchObject({ Next: 'FinishRun', ResultPath: '$.resultWriter' });
    expect(states['FinishRun']).toMatchObject({ ResultPath: '$.finished', Next: 'Report?' });
    expect(states['Report?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.request.report', BooleanEquals: true, Next: 'ReportPeriod' }],
      Default: 'Done',
    });
    expect(states['ReportPeriod']).toMatchObject({
      Parameters: { 'run.$': '$.run', 'period.$': '$.request.period', 'backfill.$': '$.request.backfill' },
      Next: 'Deliver',
    });
    expect(states['Deliver']).toMatchObject({ Parameters: { 'period.$': '$.report.period' }, Next: 'Done' });
  });

  it('snapshots each cluster with bounded concurrency, retried with backoff, a failure recorded and never fatal', () => {
    for (const [map, prefix] of [
      ['EachCluster', 'Inline'],
      ['EachClusterDistributed', 'Distributed'],
    ] as const) {
      const state = states[map] as {
        MaxConcurrency: number;
        ItemSelector: unknown;
        ItemProcessor: { States: Record<string, { Retry: unknown[]; Catch: unknown[] }> };
      };
      expect(state.MaxConcurrency).toBe(10);
      expect(state.ItemSelector).toEqual({ 'run.$': '$.run', 'cluster.$': '$$.Map.Item.Value.cluster' });
      const snapshot = state.ItemProcessor.States[`${prefix}Snapshot`];
      expect(snapshot!.Retry).toContainEqual({
        ErrorEquals: ['States.ALL'],
        IntervalSeconds: 5,
        MaxAttempts: 3,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      });
      expect(snapshot!.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: `${prefix}Failed` },
      ]);
      expect(state.ItemProcessor.States[`${prefix}Failed`]).toEqual({
        Type: 'Pass',
        Parameters: {
          'cluster.$': '$.cluster',
          'error.$': "States.Format('{}: {}', $.failure.Error, $.failure.Cause)",
        },
        End: true,
      });
    }
  });

  it('keeps the Distributed Map items and results in the run-state bucket, which forgets them after a week', () => {
    expect(states['EachClusterDistributed']).toMatchObject({
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } },
      ItemReader: {
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: expect.stringMatching(/^RunsRunState/), 'Key.$': '$.items.key' },
      },
      ResultWriter: { Parameters: { Bucket: expect.stringMatching(/^RunsRunState/), Prefix: 'results' } },
      ResultSelector: { 'Bucket.$': '$.ResultWriterDetails.Bucket', 'Key.$': '$.ResultWriterDetails.Key' },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, Status: 'Enabled' }] },
    });
  });

  it('hands a failed delivery to the dead-letter queue and fails the execution, after retries', () => {
    expect(states['Deliver']).toMatchObject({
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'DeadLetter' }],
    });
    expect(states['DeadLetter']).toMatchObject({
      Parameters: { QueueUrl: expect.stringMatching(/^RunsDeadLetters/), 'MessageBody.$': '$' },
      Next: 'DeliveryFailed',
    });
    expect(states['DeliveryFailed']).toMatchObject({ Type: 'Fail', Error: 'DeliveryFailed' });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
  });

  it('logs every execution event (without execution data) and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });
});

describe('the schedules', () => {
  it('start a snapshot run daily at 05:00 and a reporting run on Mondays at 06:00 in the stack time zone, retrying twice', () => {
    const template = synthesize({ timeZone: 'Europe/Berlin' });

    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    for (const [expression, input] of [
      ['cron(0 5 * * ? *)', '{}'],
      ['cron(0 6 ? * MON *)', '{"report":true,"period":"previous"}'],
    ]) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Europe/Berlin',
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^RunsStateMachine') },
          Input: input,
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      });
    }
  });
});

describe('least privilege', () => {
  const template = synthesize({
    email: EMAIL,
    eksClusterArns: ['arn:aws:eks:eu-central-1:123456789012:cluster/prod-east'],
  });
  const bucketArn = { 'Fn::GetAtt': [expect.stringMatching(/^LedgerBucket/), 'Arn'] };
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}/*`]] });
  const ledgerWriter = [
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'kms:GetPublicKey',
    'kms:Sign',
    's3:GetObject',
    's3:ListBucket',
    's3:PutObject',
  ];

  it('lets the cluster step read and write the ledger and describe only the given EKS clusters', () => {
    const cluster = statementsOf(template, 'RunsSnapshotClusterFunction');
    expect(actionsOf(cluster)).toEqual([...ledgerWriter, 'eks:DescribeCluster'].sort());
    const byAction = (action: string) => cluster.find((s) => s.Action === action)?.Resource;
    expect(byAction('s3:ListBucket')).toEqual(bucketArn);
    expect(byAction('s3:GetObject')).toEqual(expect.arrayContaining([objects('config'), objects('ledger')]));
    expect(byAction('s3:PutObject')).toEqual(objects('ledger'));
    expect(byAction('eks:DescribeCluster')).toBe('arn:aws:eks:eu-central-1:123456789012:cluster/prod-east');
  });

  it('gives the cluster step an EKS access entry with the read-only view policy on each given cluster', () => {
    template.resourceCountIs('AWS::EKS::AccessEntry', 1);
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: 'prod-east',
      Type: 'STANDARD',
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RunsSnapshotClusterFunctionServiceRole'), 'Arn'] },
      AccessPolicies: [
        {
          AccessScope: { Type: 'cluster' },
          PolicyArn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy'],
            ],
          },
        },
      ],
    });
  });

  it('lets only the deliver step send e-mail, from the SES identity, and read (not write) the ledger', () => {
    const deliver = statementsOf(template, 'RunsDeliverFunction');
    expect(actionsOf(deliver)).toEqual([
      'kms:Decrypt',
      's3:GetObject',
      's3:ListBucket',
      'ses:SendEmail',
      'ses:SendRawEmail',
    ]);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'fleetledger@audit.example.com' });
    for (const step of ['RunsOpenRun', 'RunsSnapshotCluster', 'RunsFinishRun', 'RunsReportPeriod']) {
      expect(actionsOf(statementsOf(template, `${step}Function`)).filter((a) => a.startsWith('ses:'))).toEqual([]);
    }
  });

  it('lets the open and finish steps use the run-state bucket, and the report step only the ledger', () => {
    expect(actionsOf(statementsOf(template, 'RunsReportPeriodFunction'))).toEqual(ledgerWriter);
    const open = statementsOf(template, 'RunsOpenRunFunction');
    const finish = statementsOf(template, 'RunsFinishRunFunction');
    const runState = (path: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^RunsRunState/), 'Arn'] }, path]],
    });
    expect(open).toContainEqual({ Effect: 'Allow', Action: 's3:PutObject', Resource: runState('/items/*') });
    expect(finish).toContainEqual({ Effect: 'Allow', Action: 's3:GetObject', Resource: runState('/results/*') });
  });

  it('grants no action on every resource, and no delete or retention change on the ledger', () => {
    const all = statementsOf(template, 'Runs');
    for (const statement of all) {
      const actions = actionsOf([statement]);
      if (actions.some((a) => a.startsWith('s3:') || a.startsWith('kms:') || a.startsWith('ses:'))) {
        expect([statement.Resource].flat()).not.toContain('*');
      }
    }
    expect(actionsOf(all).filter((a) => /Retention|LegalHold|^\*$/.test(a))).toEqual([]);
    expect(actionsOf(all).filter((a) => /^s3:.*Delete/.test(a))).toEqual([]);
  });
});

describe('the signing key', () => {
  const template = synthesize({ email: EMAIL });
  const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^SigningKey/), 'Arn'] };
  const roleArn = (prefix: string) => ({
    'Fn::GetAtt': [expect.stringMatching(new RegExp(`^Runs${prefix}FunctionServiceRole`)), 'Arn'],
  });
  const writers = ['OpenRun', 'SnapshotCluster', 'FinishRun', 'ReportPeriod'];

  it('is an ECC_NIST_P256 KMS key for signing, kept when the stack goes, named in every writing step as kms:<ARN>', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    });
    const signing = Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, fn]) => [
      id.replace(/Function[0-9A-F]{8}$/, ''),
      fn['Properties'].Environment.Variables.FLEETLEDGER_SIGNING_KEY ?? null,
    ]);
    expect(Object.fromEntries(signing)).toEqual({
      ...Object.fromEntries(writers.map((w) => [`Runs${w}`, { 'Fn::Join': ['', ['kms:', keyArn]] }])),
      RunsDeliver: null,
    });
    expect(template.toJSON()['Outputs'].SigningKeyArn.Value).toEqual(keyArn);
  });

  it('lets only the writing steps sign: their roles alone get kms:Sign, and the key policy denies it to anyone else', () => {
    const signing = Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) =>
      (
        policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }
      ).Properties.PolicyDocument.Statement.filter((statement) => actionsOf([statement]).includes('kms:Sign')).map(
        (statement) => [id.replace(/FunctionServiceRoleDefaultPolicy.*$/, ''), statement.Action, statement.Resource],
      ),
    );
    expect(signing).toEqual(writers.map((w) => [`Runs${w}`, ['kms:Sign', 'kms:GetPublicKey'], keyArn]));
    const [key] = Object.values(template.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'ECC_NIST_P256' } }));
    expect(key!['Properties'].KeyPolicy.Statement).toContainEqual({
      Sid: 'OnlyTheLedgerWritersSign',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:Sign',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': writers.map(roleArn) } },
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

  it('bundles the steps with esbuild, templates shipped, and they run a whole execution from outside the repository', async () => {
    outdir = await mkdtemp(join(tmpdir(), 'cdk-out-'));
    const app = new App({ outdir });
    const template = Template.fromStack(new FleetLedgerStack(app, 'FleetLedger', { timeZone: 'Europe/Berlin' }));
    app.synth();

    // Lambda unpacks the asset into /var/task; here a fresh directory with no package.json above it.
    taskRoot = await mkdtemp(join(tmpdir(), 'var-task-'));
    const functionOf = async (step: string) => {
      const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
        id.startsWith(`Runs${step}Function`),
      );
      const properties = fn![1]['Properties'];
      const root = join(taskRoot!, step);
      await cp(join(outdir!, `asset.${String(properties.Code.S3Key).replace(/\.zip$/, '')}`), root, {
        recursive: true,
      });
      return { root, variables: properties.Environment.Variables as Record<string, unknown> };
    };

    const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
    const fleet = await startSimulatedFleet([{ name: 'prod-east', objects: [namespace('payments')] }]);
    stopFleet = fleet.stop;
    s3 = await startS3rver({ bucket: 'audit-ledger' });
    await s3.putText(
      'config/fleet.yaml',
      `clusters:\n  - { name: prod-east, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }\nrules: { files: [rules/org.yaml] }\n`,
    );
    // A custom rule: the functions load CEL as a chunk of their code, only for such a fleet.
    await s3.putText(
      'config/rules/org.yaml',
      [
        'rules:',
        '  - id: ORG-NS-OWNER',
        '    title: Namespace without an owning team',
        '    severity: medium',
        '    area: quotas',
        '    each: snapshot.namespaces',
        `    subject: "'Namespace/' + item.name"`,
        `    assert: "'team' in item.labels"`,
        `    message: "'namespace ' + item.name + ' has no team label'"`,
        '    rationale: Every namespace needs an owner.',
        '    remediation: Label the namespace with its team.',
        '',
      ].join('\n'),
    );

    const invoke = async (step: string, event: unknown) => {
      const fn = await functionOf(step);
      const literal = Object.fromEntries(
        Object.entries(fn.variables).filter(([, v]) => typeof v === 'string'),
      ) as Record<string, string>;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { handler } = await import('./index.mjs'); console.log(JSON.stringify(await handler(${JSON.stringify(event)})));`,
        ],
        {
          cwd: fn.root,
          env: {
            PATH: process.env['PATH'] ?? '',
            ...s3!.environment,
            ...literal,
            LEDGER: `s3://${s3!.bucket}/ledger`,
            FLEET_FILE: `s3://${s3!.bucket}/config/fleet.yaml`,
            S3_ENDPOINT: s3!.endpoint,
            LAMBDA_TASK_ROOT: fn.root,
            ...(literal['FLEETLEDGER_TEMPLATES_DIR'] ? { FLEETLEDGER_TEMPLATES_DIR: join(fn.root, 'templates') } : {}),
          },
        },
      );
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    };

    const opened = await invoke('OpenRun', { now: '2026-11-23T04:00:00Z', report: true });
    expect(opened['clusters']).toEqual([{ cluster: 'prod-east' }]);
    const result = await invoke('SnapshotCluster', { run: opened['run'], cluster: 'prod-east' });
    expect(result['status']).toBe('ok');
    const finished = await invoke('FinishRun', { ...opened, results: [result] });
    expect(finished['counts']).toEqual({ ok: 1, partial: 0, unreachable: 0, failed: 0 });
    const reportRun = await invoke('ReportPeriod', { run: opened['run'], period: null, backfill: false });
    expect(reportRun).toMatchObject({ period: '2026-W48', gaps: 0 });
    const html = Buffer.from(await s3.store('ledger').get(`${String(reportRun['reportFolder'])}report.html`)).toString(
      'utf8',
    );
    expect(html).toContain('prod-east');
    const reportJson = Buffer.from(
      await s3.store('ledger').get(`${String(reportRun['reportFolder'])}report.json`),
    ).toString('utf8');
    expect(reportJson).toContain('namespace payments has no team label');
    expect(await s3.store('ledger').list('manifests/')).toHaveLength(2);
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect((await functionOf('OpenRun')).variables['FLEETLEDGER_BUNDLED_VERSION']).toBe(version);
  }, 240_000);
});
