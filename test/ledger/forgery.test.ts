/**
 * Forgery by a writer who can put objects under the ledger prefix (the snapshot function's own
 * role, for one) but does not hold the signing key. Each attack passes the hash and chain checks
 * (plain `verify`), as it did before runs were signed; `verify --public-key` names it and fails,
 * and a signed report never rests on what the forger wrote.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { main } from '../../src/cli/main.js';
import { parseEnvelope } from '../../src/ledger/attestation.js';
import { manifestEnvelopeKey, OPENINGS_PREFIX } from '../../src/ledger/keys.js';
import { type Manifest, readManifests, recordRun, writeManifest } from '../../src/ledger/manifest.js';
import { describeWritten, encodeJson } from '../../src/ledger/objects.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { generateReport } from '../../src/report/generateReport.js';
import type { Envelope } from '../../src/signing/dsse.js';
import type { RunningS3rver } from '../support/s3rver.js';
import { snapshotRun, type TestKeyPair, testKeyPair, utc } from '../support/signedLedger.js';
import { makeSnapshot } from '../support/snapshotFixture.js';
import {
  captureOutput,
  STORE_KINDS,
  type StoreUnderTest,
  startSharedS3rver,
  stopSharedS3rver,
} from './storeFixtures.js';

let s3: RunningS3rver;
let keys: TestKeyPair;
let forgerKeys: TestKeyPair;
const savedEnv = { ...process.env };
beforeAll(async () => {
  [s3, keys, forgerKeys] = await Promise.all([startSharedS3rver(), testKeyPair(), testKeyPair()]);
  Object.assign(process.env, s3.environment);
});
afterAll(async () => {
  process.env = savedEnv;
  await stopSharedS3rver();
  await Promise.all([keys, forgerKeys].map((pair) => rm(pair.dir, { recursive: true, force: true })));
});

const CLUSTERS = ['lab', 'prod-east'];
const MON = '2026-11-23T06:00:00.000Z';
const TUE = '2026-11-24T06:00:00.000Z';
const WED = '2026-11-25T06:00:00.000Z';
const THU = '2026-11-26T09:00:00.000Z';

const forgedSnapshot = (cluster: string, collectionStart: string) =>
  makeSnapshot({ meta: { cluster, collectionStart, kubernetesVersion: 'v9.9.9-forged' } });

describe.each(STORE_KINDS)('a forger without the key, on a $name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  const verifyCli = (...extra: string[]) =>
    captureOutput(() => main(['verify', '--store', subject.location, ...subject.cliArgs, ...extra]));
  const verifySigned = () => verifyCli('--public-key', keys.publicKeyFile);
  const manifestOf = async (key: string): Promise<Manifest> =>
    (await readManifests(subject.store)).manifests.find((m) => m.key === key)!.manifest;
  const genuineWeek = async () => [
    await snapshotRun(subject.store, MON, CLUSTERS, keys.signer),
    await snapshotRun(subject.store, TUE, CLUSTERS, keys.signer),
  ];

  it('names a snapshot and a manifest appended after the head, and a signed report does not rest on them', async () => {
    // Prepare: the forger writes a snapshot and a manifest that records it and follows the head.
    const genuine = await genuineWeek();
    const planted = await writeSnapshot(subject.store, forgedSnapshot('prod-east', WED));
    const forged = await recordRun(subject.store, { runAt: utc(WED), written: [planted], kind: 'snapshot' });

    // Act
    const plain = await verifyCli();
    const signed = await verifySigned();
    const report = await generateReport({
      store: subject.store,
      period: '2026-W48',
      now: utc(THU),
      signer: keys.signer,
    });

    // Assess
    expect(plain.result).toBe(0);
    expect(signed.result).toBe(1);
    expect(signed.stdout.split('\n')).toEqual([
      `unsigned ${forged.key}: no signature (${manifestEnvelopeKey(forged.key)} is missing)`,
      `signatures: checked with ${keys.key.keyId} (2 of 3 manifest(s) signed)`,
      // Each genuine run records two snapshots and its chain index, the forged manifest the planted snapshot.
      `1 problem(s) found: 3 manifest(s), 7 object(s) checked in ${subject.location}`,
      '',
    ]);
    expect(report.doc.evidence.map((e) => e.key)).toEqual(genuine[1]!.written.map((w) => w.key));
    expect(report.doc.gaps).toEqual([
      {
        key: planted.key,
        error: `${planted.key}: recorded only by ${forged.key}, which no signature of the run's key vouches for, ignored`,
      },
    ]);
    const reportManifest = await manifestOf(report.writtenKeys.at(-1)!);
    expect(reportManifest.previous?.key).toBe(genuine[1]!.records.manifest.key);
    expect(reportManifest.alsoFollows).toBeUndefined();
  });

  it('names a run re-signed by another key: its opening and its manifest', async () => {
    await genuineWeek();
    const forged = await snapshotRun(subject.store, WED, ['prod-east'], forgerKeys.signer);

    const plain = await verifyCli();
    const signed = await verifySigned();

    expect(plain.result).toBe(0);
    expect(signed.result).toBe(1);
    const by = `signed by ${forgerKeys.key.keyId}, not by ${keys.key.keyId}`;
    expect(signed.stdout.split('\n').slice(0, 2)).toEqual([
      `other-key ${forged.records.manifest.key}: ${manifestEnvelopeKey(forged.records.manifest.key)} ${by}`,
      `other-key ${forged.records.opening.key}: ${forged.records.opening.key} ${by}`,
    ]);
    expect(signed.stdout).toContain('2 problem(s) found: 3 manifest(s)');
  });

  it('names a manifest carrying a signature copied from a genuine one, and one whose signature does not verify', async () => {
    const genuine = await genuineWeek();
    const head = genuine[1]!.records;
    const copied = await recordRun(subject.store, {
      runAt: utc(WED),
      written: [await writeSnapshot(subject.store, forgedSnapshot('prod-east', WED))],
      kind: 'snapshot',
    });
    await subject.overwrite(manifestEnvelopeKey(copied.key), await subject.store.get(head.envelope!.key));
    const garbled = await recordRun(subject.store, { runAt: utc(THU), written: [], kind: 'snapshot' });
    const envelope = parseEnvelope(head.envelope!.key, await subject.store.get(head.envelope!.key)) as Envelope;
    const bogus = { ...envelope, signatures: [{ keyid: keys.key.keyId, sig: randomBytes(70).toString('base64') }] };
    await subject.overwrite(manifestEnvelopeKey(garbled.key), new TextEncoder().encode(JSON.stringify(bogus)));

    const signed = await verifySigned();

    expect(signed.result).toBe(1);
    expect(signed.stdout.split('\n').slice(0, 2)).toEqual([
      `bad-signature ${copied.key}: the signature is for ${head.manifest.key} with SHA-256 ${head.manifest.sha256}, not for this manifest (SHA-256 ${copied.sha256})`,
      `bad-signature ${garbled.key}: ${manifestEnvelopeKey(garbled.key)} the signature does not verify with ${keys.key.keyId}`,
    ]);
  });

  it('names every manifest of a chain rewritten consistently around an altered snapshot', async () => {
    // Prepare: the forger alters Tuesday's prod-east snapshot, deletes the run records and writes
    // a new chain whose hashes all match (the old manifests' signatures go with them).
    const genuine = await genuineWeek();
    const altered = genuine[1]!.written[1]!;
    await subject.overwrite(altered.key, encodeJson(forgedSnapshot('prod-east', TUE), { gzip: true }));
    for (const { records } of genuine) {
      for (const { key } of [records.opening, records.envelope!, records.manifest, records.index]) {
        await subject.remove(key);
      }
    }
    const rewritten = [];
    for (const [index, run] of genuine.entries()) {
      const written = [];
      for (const { key } of run.written) written.push(describeWritten(key, await subject.store.get(key)));
      rewritten.push(await recordRun(subject.store, { runAt: utc([MON, TUE][index]!), written, kind: 'snapshot' }));
    }

    const plain = await verifyCli();
    const signed = await verifySigned();

    expect((await subject.store.list(OPENINGS_PREFIX)).length).toBe(0);
    expect(plain.result).toBe(0);
    expect(plain.stdout).toBe(`ledger verified: 2 manifest(s), 4 object(s) checked in ${subject.location}\n`);
    expect(signed.result).toBe(1);
    expect(signed.stdout.split('\n')).toEqual([
      ...rewritten.map((m) => `unsigned ${m.key}: no signature (${manifestEnvelopeKey(m.key)} is missing)`),
      `signatures: checked with ${keys.key.keyId} (0 of 2 manifest(s) signed)`,
      `2 problem(s) found: 2 manifest(s), 4 object(s) checked in ${subject.location}`,
      '',
    ]);
  });

  it('names a back-dated branch, which the next signed run does not join and no signed report uses', async () => {
    // Prepare: a branch off Monday's manifest adding a cluster nobody snapshotted.
    const genuine = await genuineWeek();
    const planted = await writeSnapshot(subject.store, forgedSnapshot('prod-west', '2026-11-23T12:00:00.000Z'));
    const branch = await writeManifest(
      subject.store,
      {
        runAt: utc('2026-11-23T12:00:00.000Z'),
        kind: 'snapshot',
        written: [planted],
        follow: [genuine[0]!.records.manifest],
      },
      null,
    );
    const forged = branch.manifest;

    // Act: the next genuine run, then a signed report.
    const next = await snapshotRun(subject.store, WED, CLUSTERS, keys.signer);
    const plain = await verifyCli();
    const signed = await verifySigned();
    const report = await generateReport({
      store: subject.store,
      period: '2026-W48',
      now: utc(THU),
      signer: keys.signer,
    });

    // Assess
    const joined = await manifestOf(next.records.manifest.key);
    expect(joined.previous?.key).toBe(genuine[1]!.records.manifest.key);
    expect(joined.alsoFollows).toBeUndefined();
    expect(plain.result).toBe(0);
    expect(signed.result).toBe(1);
    expect(signed.stdout.split('\n')[0]).toBe(
      `unsigned ${forged.key}: no signature (${manifestEnvelopeKey(forged.key)} is missing)`,
    );
    expect(signed.stdout).toContain('1 problem(s) found: 4 manifest(s)');
    expect(report.doc.evidence.map((e) => e.key)).not.toContain(planted.key);
    expect(report.doc.evidence.map((e) => e.key).sort()).toEqual(next.written.map((w) => w.key).sort());
    expect(report.doc.gaps.map((g) => g.key)).toEqual([planted.key]);
  });
});
