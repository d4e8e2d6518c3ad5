/**
 * A whole scheduled run, in-process: the state machine's steps (open, one cluster step per Map
 * item, finish, report, deliver) called with the events the state machine passes them
 * (test/support/stateMachineRun.ts), the ledger on a real S3 server (s3rver), clusters from the
 * simulated fleet over HTTPS (one of them not answering), runs signed with a key file, and the
 * e-mail delivered to a real SMTP server and parsed. The fleet is larger than
 * DISTRIBUTED_MAP_ABOVE, so the Map items and results travel through S3 as with a Distributed Map.
 */
import { rm } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { verifyLedger } from '../../src/ledger/verify.js';
import { ReportDocument } from '../../src/report/schema.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from '../collect/fixtures.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { type TestKeyPair, testKeyPair } from '../support/signedLedger.js';
import { type RunningSmtpServer, startSmtpServer } from '../support/smtp.js';
import { importStepHandlers, runExecution, type StepHandlers } from '../support/stateMachineRun.js';

let s3: RunningS3rver;
let fleet: RunningFleet;
let smtp: RunningSmtpServer;
let keys: TestKeyPair;
let client: S3Client;
let steps: StepHandlers;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
  [s3, fleet, smtp, keys] = await Promise.all([
    startS3rver({ bucket: 'audit-ledger' }),
    startSimulatedFleet([
      { name: 'prod-east', objects: [namespace('payments')] },
      { name: 'prod-west', objects: [namespace('web')] },
      { name: 'gone', objects: [namespace('legacy')], config: { faults: { unreachable: true } } },
    ]),
    startSmtpServer(),
    testKeyPair(),
  ]);
  client = new S3Client(s3.clientConfig);
  const entry = (name: string) =>
    `  - { name: ${name}, kubeconfig: { path: ${fleet.kubeconfigPath}, context: ${name} } }`;
  await s3.putText(
    'config/fleet.yaml',
    ['defaults: { requestTimeoutSeconds: 2 }', 'clusters:', entry('prod-east'), entry('prod-west'), entry('gone')].join(
      '\n',
    ),
  );
  Object.assign(process.env, s3.environment, {
    LEDGER: `s3://${s3.bucket}/ledger`,
    S3_ENDPOINT: s3.endpoint,
    FLEET_FILE: `s3://${s3.bucket}/config/fleet.yaml`,
    TIME_ZONE: 'Europe/Berlin',
    RECIPIENTS: 'secops@example.com,platform@example.com',
    SENDER: 'fleetledger@example.com',
    SMTP_URL: smtp.url,
    FLEETLEDGER_SIGNING_KEY: keys.privateKeyFile,
    RUN_STATE: `s3://${s3.bucket}/run-state`,
    DISTRIBUTED_MAP_ABOVE: '2',
    FLEETLEDGER_LOG_LEVEL: 'error',
  });
  steps = await importStepHandlers();
}, 60_000);

afterAll(async () => {
  process.env = savedEnvironment;
  client?.destroy();
  await Promise.all([fleet?.stop(), s3?.stop(), smtp?.stop(), keys && rm(keys.dir, { recursive: true, force: true })]);
});

describe('a scheduled run through the state machine steps', () => {
  it('snapshots daily, then reports the week on Monday, signs every run and e-mails the report', async () => {
    // The daily schedule's execution: snapshots only.
    const daily = await runExecution(steps, { now: '2026-11-23T04:00:00Z' }, { email: true, s3: client });

    expect(daily.opened.items).toEqual({
      bucket: 'audit-ledger',
      key: expect.stringMatching(/^run-state\/2026-11-23T04-00-00.*\/clusters\.json$/),
    });
    expect(daily.results.map((r) => [r.cluster, 'status' in r ? r.status : r.error])).toEqual([
      ['prod-east', 'ok'],
      ['prod-west', 'ok'],
      ['gone', 'unreachable'],
    ]);
    expect(daily.finished).toEqual({
      manifest: expect.stringMatching(/^manifests\/2026-11-23T04-00-00/),
      counts: { ok: 2, partial: 0, unreachable: 1, failed: 0 },
      abandoned: [],
      alreadyFinished: false,
    });
    expect(daily.report).toBeNull();
    expect(smtp.messages).toHaveLength(0);

    // The weekly schedule's execution (Monday 07:00 Berlin): snapshots, then the week just ended.
    const weekly = await runExecution(
      steps,
      { now: '2026-11-30T06:00:00Z', period: 'previous', report: true },
      { email: true, s3: client },
    );

    expect(weekly.report).toMatchObject({
      period: '2026-W48',
      reportFolder: expect.stringMatching(/^reports\/(period=)?2026-W48\//),
      signingKey: keys.key.keyId,
      ledgerHead: { manifest: weekly.finished.manifest, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const reportJson = await s3.store('ledger').get(`${weekly.report!.reportFolder}report.json`);
    const doc = ReportDocument.parse(JSON.parse(Buffer.from(reportJson).toString('utf8')));
    expect(doc.ledger?.signingKey).toBe(keys.key.keyId);
    expect(doc.fleet.clusters.total).toBe(3);

    const verified = await verifyLedger(s3.store('ledger'), { publicKey: keys.key });
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    expect(verified.signatures).toEqual({ checkedWith: keys.key.keyId, signedManifests: 3 });

    expect(smtp.messages).toHaveLength(1);
    const [message] = smtp.messages;
    expect(message!.envelope).toEqual({
      from: 'fleetledger@example.com',
      to: ['secops@example.com', 'platform@example.com'],
    });
    expect(message!.parsed.subject).toMatch(/^fleetledger 2026-W48: fleet compliance /);
    const link = `${s3.endpoint}/${s3.bucket}/ledger/${weekly.report!.reportFolder}report.html?`;
    expect(message!.parsed.html).toContain(link.replaceAll('&', '&amp;'));
    expect(weekly.delivered).toMatchObject({ period: '2026-W48', reportFolder: weekly.report!.reportFolder });
  }, 120_000);
});
