/**
 * `fleetledger doctor --store` on an S3 ledger (s3rver, a real S3-protocol server): the bucket is
 * reached by one listing, nothing is written to it, and the Object Lock state is reported as the
 * server answers (s3rver implements no Object Lock API: unknown, with its answer), never guessed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnoseStore } from '../../src/doctor/storeDiagnosis.js';
import { openStore } from '../../src/ledger/open.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';

let s3: RunningS3rver;
const savedEnv = { ...process.env };
beforeAll(async () => {
  s3 = await startS3rver();
  Object.assign(process.env, s3.environment);
});
afterAll(async () => {
  process.env = savedEnv;
  await s3.stop();
});

describe('doctor on the store', () => {
  it('reaches an S3 ledger without writing to it, and reports what the server says of Object Lock', async () => {
    const store = await openStore(`s3://${s3.bucket}/fleet`, { s3Endpoint: s3.endpoint });

    const diagnosis = await diagnoseStore(store);

    expect(diagnosis).toMatchObject({
      location: `s3://${s3.bucket}/fleet`,
      ok: true,
      reachable: 'yes (listed)',
      writable: 'not probed (a probe object would stay in a write-once ledger)',
      problem: null,
    });
    expect(diagnosis.objectLock).toBe(
      'unknown (NotImplemented: A parameter you provided implies functionality that is not implemented)',
    );
    expect(await store.list('')).toEqual([]);
  });

  it('names a bucket that does not exist', async () => {
    const diagnosis = await diagnoseStore(await openStore('s3://no-such-bucket/fleet', { s3Endpoint: s3.endpoint }));

    expect(diagnosis).toMatchObject({ ok: false, reachable: 'no' });
    expect(diagnosis.problem).toBe(
      's3://no-such-bucket/fleet: opening the ledger failed: bucket "no-such-bucket" does not exist',
    );
  });

  it('says a directory that is a file cannot be used', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'doctor-store-')), 'ledger');
    writeFileSync(file, 'not a directory');

    expect(await diagnoseStore(await openStore(file))).toMatchObject({
      ok: false,
      reachable: 'not a directory',
      problem: `${file} is not a directory`,
    });
  });
});
