/**
 * The deployed handlers sign with the stack's KMS key (FLEETLEDGER_SIGNING_KEY=kms:<ARN>): KMS is
 * mocked at the SDK boundary and answers with a real key (test/support/kmsWithLocalKey.ts), the
 * fleet is simulated over HTTPS and the ledger is a real S3 server, so `verify --public-key`
 * checks real signatures made through kms:Sign.
 */
import { rm } from 'node:fs/promises';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { verifyLedger } from '../../src/ledger/verify.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from '../collect/fixtures.js';
import { answerWithLocalKey, KMS_KEY_ARN } from '../support/kmsWithLocalKey.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { type TestKeyPair, testKeyPair } from '../support/signedLedger.js';
import { importStepHandlers, runExecution } from '../support/stateMachineRun.js';

const kms = mockClient(KMSClient);
let s3: RunningS3rver;
let fleet: RunningFleet;
let keys: TestKeyPair;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
  [s3, fleet, keys] = await Promise.all([
    startS3rver({ bucket: 'signed-ledger' }),
    startSimulatedFleet([{ name: 'prod-east', objects: [namespace('payments')] }]),
    testKeyPair(),
  ]);
  answerWithLocalKey(kms, keys);
  await s3.putText(
    'config/fleet.yaml',
    `clusters:\n  - { name: prod-east, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }\n`,
  );
  Object.assign(process.env, s3.environment, {
    LEDGER: `s3://${s3.bucket}/ledger`,
    S3_ENDPOINT: s3.endpoint,
    FLEET_FILE: `s3://${s3.bucket}/config/fleet.yaml`,
    FLEETLEDGER_SIGNING_KEY: `kms:${KMS_KEY_ARN}`,
    FLEETLEDGER_LOG_LEVEL: 'error',
  });
});

afterAll(async () => {
  kms.restore();
  process.env = savedEnvironment;
  await Promise.all([fleet?.stop(), s3?.stop(), keys && rm(keys.dir, { recursive: true, force: true })]);
});

describe('the handlers with FLEETLEDGER_SIGNING_KEY=kms:<key ARN>', () => {
  it('sign every run through kms:Sign: the ledger verifies with the public key, and the report names its head and key', async () => {
    const steps = await importStepHandlers();

    const snapshot = (await runExecution(steps, { now: '2026-11-23T04:00:00Z' }, { email: false })).finished;
    const report = await steps.report({ now: '2026-11-23T05:00:00Z' });
    const verified = await verifyLedger(s3.store('ledger'), { publicKey: keys.key });

    expect(report.signingKey).toBe(keys.key.keyId);
    expect(report.ledgerHead).toEqual({ manifest: snapshot.manifest, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(verified.problems).toEqual([]);
    expect(verified.signatures).toEqual({ checkedWith: keys.key.keyId, signedManifests: 2 });
    // Each run signs its opening and its manifest; the key's public half is read once per container
    // (here one module per step: open, cluster, finish, report).
    expect(kms.commandCalls(SignCommand)).toHaveLength(4);
    expect(kms.commandCalls(GetPublicKeyCommand).length).toBeLessThanOrEqual(4);
  });
});
