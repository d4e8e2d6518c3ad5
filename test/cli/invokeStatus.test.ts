/**
 * `fleetledger invoke` and `fleetledger status` against a deployed stack, mocked at the AWS SDK
 * boundary (aws-sdk-client-mock): CloudFormation outputs -> StartExecution -> DescribeExecution
 * -> the report's presigned link (signed for real with the test credentials; only S3's HEAD is
 * mocked).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { runCliInProcess } from '../support/cli.js';

const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const savedEnvironment = { ...process.env };

const MACHINE = 'arn:aws:states:eu-central-1:123456789012:stateMachine:RunsStateMachine-abc';
const EXECUTION = 'arn:aws:states:eu-central-1:123456789012:execution:RunsStateMachine-abc:run-1';
const FOLDER = 'reports/period=2026-W48/2026-11-30T06-00-04.000Z/';
const OUTPUT = {
  run: { opening: 'openings/2026-11-30T06-00-00.000Z-abc.json', runAt: '2026-11-30T06:00:00.000Z' },
  finished: { manifest: 'manifests/x.json', counts: { ok: 2, partial: 0, unreachable: 1, failed: 0 } },
  report: { period: '2026-W48', reportFolder: FOLDER, gaps: 0 },
};

beforeAll(() => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
  });
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
});
afterAll(() => {
  process.env = savedEnvironment;
  cloudFormation.restore();
  sfn.restore();
  s3.restore();
});
beforeEach(() => {
  cloudFormation.reset();
  sfn.reset();
  s3.reset();
  cloudFormation.on(DescribeStacksCommand, { StackName: 'FleetLedger' }).resolves({
    Stacks: [
      {
        StackName: 'FleetLedger',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'StateMachineArn', OutputValue: MACHINE },
          { OutputKey: 'LedgerLocation', OutputValue: 's3://audit-ledger/ledger' },
        ],
      },
    ],
  });
});

describe('fleetledger invoke', () => {
  it('starts a reporting run of the stack found by name, waits with progress, and prints the report and a presigned link', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date('2026-11-30T06:00:00Z') });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ executionArn: EXECUTION, status: 'RUNNING', stateMachineArn: MACHINE, startDate: new Date() })
      .resolves({
        executionArn: EXECUTION,
        status: 'SUCCEEDED',
        stateMachineArn: MACHINE,
        startDate: new Date(),
        output: JSON.stringify(OUTPUT),
      });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2048 });

    const result = await runCliInProcess(['invoke', '--period', 'previous', '--wait', '--poll-interval', '0']);

    expect(result.status).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: MACHINE, input: '{"report":true,"period":"previous"}' },
    ]);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(2);
    expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'audit-ledger', Key: `ledger/${FOLDER}report.html` },
    ]);
    // One progress line per poll that found the run going (Node's own warnings may share stderr).
    expect(result.stderr.split('\n').filter((line) => line.startsWith('running'))).toEqual(['running (0s)']);
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `started ${EXECUTION}`,
      'SUCCEEDED',
      'clusters: 2 ok, 0 partial, 1 unreachable, 0 failed',
      `report 2026-W48: s3://audit-ledger/ledger/${FOLDER}report.html`,
    ]);
    expect(lines[4]).toMatch(
      /^link \(until .+Z\): https:\/\/audit-ledger\.s3\.eu-central-1\.amazonaws\.com\/ledger\/reports\/period%3D2026-W48\/.*report\.html\?.*X-Amz-Expires=604800/,
    );
  });

  it('prints JSON, and fails with the cause when the run failed', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date('2026-11-30T06:00:00Z') });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION,
      status: 'FAILED',
      stateMachineArn: MACHINE,
      startDate: new Date(),
      error: 'DeliveryFailed',
      cause: 'the report is stored; the e-mail is in the dead-letter queue',
    });

    const result = await runCliInProcess(['invoke', '--wait', '--format', 'json', '--poll-interval', '0']);

    expect(result.status).toBe(1);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input).toBe('{}');
    expect(JSON.parse(result.stdout)).toEqual({
      executionArn: EXECUTION,
      startedAt: '2026-11-30T06:00:00.000Z',
      status: 'FAILED',
      error: 'DeliveryFailed: the report is stored; the e-mail is in the dead-letter queue',
      counts: null,
      report: null,
    });
  });

  it('with --quiet says nothing but its exit status, and still prints the JSON it was asked for', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date('2026-11-30T06:00:00Z') });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ executionArn: EXECUTION, status: 'RUNNING', stateMachineArn: MACHINE, startDate: new Date() })
      .resolves({ executionArn: EXECUTION, status: 'TIMED_OUT', stateMachineArn: MACHINE, startDate: new Date() });

    const quiet = await runCliInProcess(['--quiet', 'invoke', '--wait', '--poll-interval', '0']);
    const quietJson = await runCliInProcess(['--quiet', 'invoke', '--format', 'json']);

    expect(quiet).toMatchObject({ status: 1, stdout: '' });
    expect(quiet.stderr.split('\n').filter((line) => line.startsWith('running'))).toEqual([]);
    expect(JSON.parse(quietJson.stdout)).toEqual({
      executionArn: EXECUTION,
      startedAt: '2026-11-30T06:00:00.000Z',
      status: 'RUNNING',
    });
  });

  it('names the stack that has no state machine output, and a bad period, without starting anything', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Other' }).resolves({
      Stacks: [{ StackName: 'Other', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });

    const other = await runCliInProcess(['invoke', '--stack', 'Other']);
    const badPeriod = await runCliInProcess(['invoke', '--period', 'last-week']);

    expect(other).toMatchObject({
      status: 1,
      stderr:
        'error: --stack Other: the stack has no StateMachineArn or LedgerLocation output (not a fleetledger stack, or deployed by an older version)\n',
    });
    expect(badPeriod).toMatchObject({
      status: 2,
      stderr: 'error: --period: expected an ISO week such as 2026-W48, current or previous, got "last-week"\n',
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('fleetledger status', () => {
  it('lists the last runs, newest first, as text and as JSON', async () => {
    sfn.on(ListExecutionsCommand, { stateMachineArn: MACHINE, maxResults: 2 }).resolves({
      executions: [
        {
          executionArn: `${EXECUTION}b`,
          stateMachineArn: MACHINE,
          name: 'weekly-2026-11-30',
          status: 'SUCCEEDED',
          startDate: new Date('2026-11-30T06:00:00Z'),
          stopDate: new Date('2026-11-30T06:03:10Z'),
        },
        {
          executionArn: EXECUTION,
          stateMachineArn: MACHINE,
          name: 'daily-2026-11-29',
          status: 'FAILED',
          startDate: new Date('2026-11-29T05:00:00Z'),
          stopDate: new Date('2026-11-29T05:01:00Z'),
        },
      ],
    });

    const text = await runCliInProcess(['status', '--last', '2']);
    const json = await runCliInProcess(['status', '--last', '2', '--format', 'json']);

    expect(text.status).toBe(0);
    expect(text.stdout).toBe(
      [
        'FleetLedger: ledger s3://audit-ledger/ledger',
        '2026-11-30T06:00:00.000Z  SUCCEEDED  2026-11-30T06:03:10.000Z  weekly-2026-11-30',
        '2026-11-29T05:00:00.000Z  FAILED     2026-11-29T05:01:00.000Z  daily-2026-11-29',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(json.stdout)).toEqual({
      stack: 'FleetLedger',
      ledger: 's3://audit-ledger/ledger',
      runs: [
        {
          name: 'weekly-2026-11-30',
          status: 'SUCCEEDED',
          startedAt: '2026-11-30T06:00:00.000Z',
          stoppedAt: '2026-11-30T06:03:10.000Z',
        },
        {
          name: 'daily-2026-11-29',
          status: 'FAILED',
          startedAt: '2026-11-29T05:00:00.000Z',
          stoppedAt: '2026-11-29T05:01:00.000Z',
        },
      ],
    });
  });
});
