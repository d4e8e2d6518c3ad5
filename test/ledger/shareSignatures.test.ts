/** `share --period` hands out each manifest's signature with it, so an auditor can check both. */
import { rm } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { manifestEnvelopeKey } from '../../src/ledger/keys.js';
import { shareObjects } from '../../src/ledger/share.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { snapshotRun, type TestKeyPair, testKeyPair } from '../support/signedLedger.js';

let s3: RunningS3rver;
let keys: TestKeyPair;
beforeAll(async () => {
  [s3, keys] = await Promise.all([startS3rver(), testKeyPair()]);
});
afterAll(async () => {
  await s3.stop();
  await rm(keys.dir, { recursive: true, force: true });
});

it('shares the snapshots of a signed period with the manifest recording them and its signature', async () => {
  const store = s3.store('signed');
  const run = await snapshotRun(store, '2026-11-24T06:00:00.000Z', ['prod-east'], keys.signer);

  const links = await shareObjects(store, { period: '2026-W48', expiresInSeconds: 3600, now: DateTime.utc() });

  expect(links.map((link) => link.key)).toEqual([
    run.written[0]!.key,
    run.records.manifest.key,
    manifestEnvelopeKey(run.records.manifest.key),
  ]);
  const signature = await fetch(links[2]!.url);
  expect(Buffer.from(await signature.arrayBuffer())).toEqual(Buffer.from(await store.get(run.records.envelope!.key)));
});
