/**
 * The Lambda handlers, as deployed minus the bundling (the state machine's steps called as it
 * calls them, the Map inline: test/support/stateMachineRun.ts): a real simulated fleet over HTTPS (reached
 * through a kubeconfig fleet file stored in S3), a real S3 server (s3rver) as the ledger, and SES
 * mocked at the SDK boundary (SendEmailCommand), whose raw MIME message is parsed.
 *
 * The handlers read their configuration at module scope, so the environment is set before the
 * modules are imported.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { loadFleet, readWaivers } from '../../lambda/configFiles.js';
import { readHandlerEnvironment } from '../../lambda/handlerEnvironment.js';
import { parseInvocationEvent } from '../../lambda/invocationEvent.js';
import { waiverLimits } from '../../src/evaluate/waivers.js';
import { emailSubject } from '../../src/report/email/emailView.js';
import { ReportDocument } from '../../src/report/schema.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from '../collect/fixtures.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { importStepHandlers, runExecution, type StepHandlers } from '../support/stateMachineRun.js';

const ses = mockClient(SESv2Client);
let s3: RunningS3rver;
let fleet: RunningFleet;
let bundleRoot: string;
let steps: StepHandlers;
let reportHandler: StepHandlers['report'];
const snapshotRun = async (input: Record<string, unknown>) =>
  (await runExecution(steps, input, { email: false })).finished;
const savedEnvironment = { ...process.env };

const FLEET_KEY = 'config/fleet.yaml';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
let fleetYaml: string;

beforeAll(async () => {
  const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
  [s3, fleet] = await Promise.all([
    startS3rver({ bucket: 'audit-ledger' }),
    startSimulatedFleet([
      { name: 'prod-east', objects: [namespace('payments')] },
      { name: 'prod-west', objects: [namespace('web')] },
    ]),
  ]);
  fleetYaml = [
    'clusters:',
    `  - { name: prod-east, labels: { env: prod }, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }`,
    `  - { name: prod-west, labels: { env: prod }, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-west } }`,
  ].join('\n');
  await s3.putText(FLEET_KEY, fleetYaml);
  bundleRoot = await mkdtemp(join(tmpdir(), 'lambda-root-'));
  await writeFile(join(bundleRoot, 'waivers.yaml'), 'waivers: []\n');

  Object.assign(process.env, s3.environment, {
    LEDGER: `s3://${s3.bucket}/ledger`,
    S3_ENDPOINT: s3.endpoint,
    FLEET_FILE: `s3://${s3.bucket}/${FLEET_KEY}`,
    WAIVERS_FILE: 'waivers.yaml',
    LAMBDA_TASK_ROOT: bundleRoot,
    TIME_ZONE: 'Europe/Berlin',
    RECIPIENTS: 'secops@example.com, platform@example.com',
    SENDER: 'fleetledger@example.com',
    FLEETLEDGER_LOG_LEVEL: 'error',
  });
  steps = await importStepHandlers();
  reportHandler = steps.report;
});

afterAll(async () => {
  ses.restore();
  process.env = savedEnvironment;
  await Promise.all([fleet?.stop(), s3?.stop(), bundleRoot && rm(bundleRoot, { recursive: true, force: true })]);
});

describe('the snapshot and report handlers over a real fleet and S3 ledger', () => {
  // The handlers read LEDGER once, at import: each test starts from an empty ledger and stores
  // what it needs itself, so none depends on another having run before it.
  beforeEach(async () => {
    ses.reset();
    const client = new S3Client(s3.clientConfig);
    for (const { key } of await s3.store('ledger').list('')) {
      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `ledger/${key}` }));
    }
    client.destroy();
  });

  it('stores one snapshot per cluster of the fleet file in S3 and a run manifest', async () => {
    const execution = await runExecution(steps, { now: '2026-11-23T04:00:00Z' }, { email: false });

    expect(execution.opened.items).toBeNull();
    expect(execution.finished.counts).toEqual({ ok: 2, partial: 0, unreachable: 0, failed: 0 });
    expect(execution.results.map((c) => [c.cluster, 'status' in c ? c.status : c.error])).toEqual([
      ['prod-east', 'ok'],
      ['prod-west', 'ok'],
    ]);
    const stored = (await s3.store('ledger').list('snapshots/')).map((o) => o.key);
    expect(stored.sort()).toEqual(execution.results.map((c) => ('written' in c ? c.written?.key : null)).sort());
    expect(stored.every((key) => /^snapshots\/cluster=prod-(east|west)\/date=2026-11-23\//.test(key))).toBe(true);
    expect(await s3.store('ledger').head(execution.finished.manifest)).not.toBeNull();
  });

  it('stores the report of the week and e-mails it through SES to the recipients with presigned links', async () => {
    // Prepare: the week's snapshots (Monday 04:00 UTC is in 2026-W48 in Berlin too)
    await snapshotRun({ now: '2026-11-23T04:00:00Z' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });

    const summary = await reportHandler({ now: '2026-11-23T05:00:00Z' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    const delivered = await steps.deliver({ period: summary.period });

    expect(summary.period).toBe('2026-W48');
    expect(summary.gaps).toBe(0);
    // nodemailer's SES transport reports no per-recipient outcome: SES accepts or fails the whole message.
    expect(delivered).toEqual({
      messageId: expect.stringContaining('ses-message-1'),
      accepted: [],
      rejected: [],
      period: '2026-W48',
      reportFolder: summary.reportFolder,
    });
    const reportJson = await s3.store('ledger').get(`${summary.reportFolder}report.json`);
    const doc = ReportDocument.parse(JSON.parse(Buffer.from(reportJson).toString('utf8')));
    expect(doc.timeZone).toBe('Europe/Berlin');
    expect(doc.fleet.clusters.total).toBe(2);
    // What produced it: the files as the handler read them (FLEET_FILE from S3, WAIVERS_FILE from the bundle).
    expect(doc.configuration).toMatchObject({
      fleetFile: { path: `s3://${s3.bucket}/${FLEET_KEY}`, sha256: sha256(fleetYaml) },
      waiversFile: { path: 'waivers.yaml', sha256: sha256('waivers: []\n') },
    });

    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.FromEmailAddress).toBe('fleetledger@example.com');
    expect(input.Destination?.ToAddresses).toEqual(['secops@example.com', 'platform@example.com']);
    const mime = await simpleParser(Buffer.from(input.Content!.Raw!.Data!));
    expect(mime.subject).toBe(emailSubject(doc));
    expect(mime.subject).toBe('fleetledger 2026-W48: fleet compliance 85.2%, 2 new critical/high findings');
    const to = Array.isArray(mime.to) ? mime.to : [mime.to];
    expect(to.flatMap((a) => a?.value.map((v) => v.address))).toEqual(['secops@example.com', 'platform@example.com']);
    const reportLink = `${s3.endpoint}/${s3.bucket}/ledger/${summary.reportFolder}report.html?`;
    expect(mime.html).toContain(reportLink.replaceAll('&', '&amp;'));
    expect(mime.text).toContain('X-Amz-Expires=604800');
  });

  it('reports the period the event names instead of the week containing now', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-2' });
    // A period without snapshots is no report: give W47 one, after the fact (a backfill: the ledger
    // refuses runs earlier than its newest one otherwise).
    await snapshotRun({ now: '2026-11-18T04:00:00Z', backfill: true });

    const summary = await reportHandler({ now: '2026-11-25T09:00:00Z', period: '2026-W47' });

    expect(summary.period).toBe('2026-W47');
    expect(summary.reportFolder).toMatch(/^reports\/(period=)?2026-W47\//);
  });

  it('stores and sends nothing for a period without any snapshot, and fails naming the period', async () => {
    // Prepare: a ledger with snapshots, none of them in 2026-W40
    await snapshotRun({ now: '2026-11-23T04:00:00Z' });
    const before = (await s3.store('ledger').list('')).map((o) => o.key).sort();

    const outcome = reportHandler({ now: '2026-11-25T09:00:00Z', period: '2026-W40' });

    await expect(outcome).rejects.toThrow(
      'no snapshot of any expected cluster in 2026-W40 (Europe/Berlin, 2026-09-28 to 2026-10-04): no report stored (--allow-empty stores an explicit no-data report)',
    );
    expect((await s3.store('ledger').list('')).map((o) => o.key).sort()).toEqual(before);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('handler configuration', () => {
  it('names every misconfigured variable at once, each with what was expected', () => {
    expect(() =>
      readHandlerEnvironment({ LEDGER: './ledger', TIME_ZONE: 'Mars/Olympus', RECIPIENTS: 'secops@example.com,nope' }),
    ).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        problems: [
          'LEDGER: expected s3://bucket[/prefix], got "./ledger"',
          'FLEET_FILE: expected s3://bucket/key of the fleet file or a path in the bundle',
          'TIME_ZONE: expected an IANA time zone such as Europe/Berlin or UTC, got "Mars/Olympus"',
          'RECIPIENTS: not an e-mail address: "nope"',
          'SENDER: expected the sender address (an SES identity) when RECIPIENTS is set',
        ],
      }),
    );
  });

  it('defaults to UTC, no waivers and no e-mail when only the ledger and fleet file are set', () => {
    expect(readHandlerEnvironment({ LEDGER: 's3://audit-ledger/ledger', FLEET_FILE: 'fleet.yaml' })).toEqual({
      ledger: { bucket: 'audit-ledger', prefix: 'ledger' },
      s3Endpoint: null,
      fleetFile: 'fleet.yaml',
      waiversFile: null,
      timeZone: 'UTC',
      email: null,
      signingKey: null,
      smtpUrl: null,
      runState: null,
      distributedMapAbove: 40,
    });
  });

  it('rejects a link lifetime beyond the 7 days presigned URLs allow', () => {
    expect(() =>
      readHandlerEnvironment({
        LEDGER: 's3://audit-ledger',
        FLEET_FILE: 'fleet.yaml',
        RECIPIENTS: 'secops@example.com',
        SENDER: 'fleetledger@example.com',
        LINK_EXPIRES: '30d',
      }),
    ).toThrow('LINK_EXPIRES: presigned URLs last at most 7 days (7d), got "30d"');
  });

  it('names FLEET_FILE when the fleet file is not in the bucket', async () => {
    const client = new S3Client(s3.clientConfig);
    await expect(loadFleet(`s3://${s3.bucket}/config/missing.yaml`, client)).rejects.toThrow(
      new RegExp(`^FLEET_FILE: cannot read s3://${s3.bucket}/config/missing.yaml: `),
    );
    client.destroy();
  });

  it('reads the waivers file from the bundle, relative to the function root', async () => {
    const client = new S3Client(s3.clientConfig);
    const limits = waiverLimits(DateTime.utc(), null);
    await expect(readWaivers('waivers.yaml', client, limits)).resolves.toMatchObject({ waivers: [] });
    await expect(readWaivers('absent.yaml', client, limits)).rejects.toThrow(
      /^WAIVERS_FILE: cannot read absent.yaml: .*ENOENT/,
    );
    client.destroy();
  });

  it('rejects an event whose now or period is not what the handler can use', () => {
    expect(() => parseInvocationEvent({ now: 'yesterday' }, 'UTC')).toThrow(
      'event.now: expected an ISO 8601 date-time such as 2026-11-25T09:00:00Z, got "yesterday"',
    );
    expect(() => parseInvocationEvent({ period: '2026-48' }, 'UTC')).toThrow(
      'event.period: expected an ISO week such as 2026-W48, current or previous, got "2026-48"',
    );
    // The weekly schedule's event: the week that has just ended, in the stack's time zone.
    expect(parseInvocationEvent({ now: '2026-11-30T05:00:00Z', period: 'previous' }, 'Europe/Berlin').period).toBe(
      '2026-W48',
    );
    expect(parseInvocationEvent({ now: '2026-11-30T05:00:00Z', period: 'current' }, 'Europe/Berlin').period).toBe(
      '2026-W49',
    );
    expect(parseInvocationEvent({ 'detail-type': 'Scheduled Event' }, 'UTC').period).toBeNull();
    expect(() => parseInvocationEvent({ backfill: 'yes' }, 'UTC')).toThrow(
      'event.backfill: expected true or false, got "yes"',
    );
    expect(parseInvocationEvent({ now: '2026-11-18T04:00:00Z', backfill: true }, 'UTC').backfill).toBe(true);
  });
});
