/**
 * `export` from an S3 ledger on a real S3 server (s3rver): the objects, signatures and run openings
 * are read through the S3 store, and the bundle verifies offline.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateReport } from '../../src/report/generateReport.js';
import { createS3Store, type StoreUnderTest } from '../ledger/storeFixtures.js';
import { runCliInProcess } from '../support/cli.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { snapshotRun, type TestKeyPair, testKeyPair, utc } from '../support/signedLedger.js';

let s3: RunningS3rver;
let keys: TestKeyPair;
let ledger: StoreUnderTest;
let work: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  [s3, keys, work] = await Promise.all([startS3rver(), testKeyPair(), mkdtemp(join(tmpdir(), 's3-bundle-'))]);
  Object.assign(process.env, s3.environment);
  ledger = createS3Store(s3);
});
afterAll(async () => {
  process.env = savedEnv;
  await ledger.dispose();
  await s3.stop();
  await Promise.all([rm(keys.dir, { recursive: true, force: true }), rm(work, { recursive: true, force: true })]);
});

describe('export from an S3 ledger', () => {
  it('writes a bundle that verify --bundle accepts offline, signing key given instead of the public key', async () => {
    await snapshotRun(ledger.store, '2026-11-24T06:00:00.000Z', ['lab', 'prod-east'], keys.signer);
    const report = await generateReport({
      store: ledger.store,
      period: '2026-W48',
      now: utc('2026-11-25T09:00:00.000Z'),
      signer: keys.signer,
    });
    const bundle = join(work, 'w48.tar.gz');

    const exported = await runCliInProcess([
      'export',
      '--store',
      ledger.location,
      ...ledger.cliArgs,
      '--period',
      '2026-W48',
      '--out',
      bundle,
      '--signing-key',
      keys.privateKeyFile,
    ]);
    const head = report.doc.ledger!.head!.sha256;
    const verified = await runCliInProcess([
      'verify',
      '--bundle',
      bundle,
      '--public-key',
      keys.publicKeyFile,
      '--expect-head',
      head,
    ]);

    expect([exported.status, exported.stderr]).toEqual([0, '']);
    expect(exported.stdout).toContain(
      `report: ${report.writtenKeys.find((k) => k.endsWith('/report.json'))!.replace('report.json', '')} of 2026-W48, 2 snapshot(s) of evidence, 2 signed manifest(s)\n`,
    );
    expect([verified.status, verified.stderr]).toEqual([0, '']);
    // With the report run's heads index (index/heads/), which its manifest records.
    expect(verified.stdout).toMatch(/\nbundle verified: 21 file\(s\), 2 manifest\(s\) in /);
  });
});
