/**
 * Truncation: a ledger cut short verifies as a shorter, whole ledger, and signatures cannot tell
 * (what is left is still signed). Every report names the head it rests on; `verify --expect-head`
 * with that hash catches the cut. A manifest renamed to another time is caught by its name.
 */
import { rm } from 'node:fs/promises';
import { main } from '../../src/cli/main.js';
import { manifestEnvelopeKey, parseManifestKey } from '../../src/ledger/keys.js';
import { recordRun, writeManifest } from '../../src/ledger/manifest.js';
import { sha256Hex } from '../../src/ledger/objects.js';
import { generateReport } from '../../src/report/generateReport.js';
import type { RunningS3rver } from '../support/s3rver.js';
import { snapshotRun, type TestKeyPair, testKeyPair, utc } from '../support/signedLedger.js';
import {
  captureOutput,
  STORE_KINDS,
  type StoreUnderTest,
  startSharedS3rver,
  stopSharedS3rver,
} from './storeFixtures.js';

let s3: RunningS3rver;
let keys: TestKeyPair;
const savedEnv = { ...process.env };
beforeAll(async () => {
  [s3, keys] = await Promise.all([startSharedS3rver(), testKeyPair()]);
  Object.assign(process.env, s3.environment);
});
afterAll(async () => {
  process.env = savedEnv;
  await stopSharedS3rver();
  await rm(keys.dir, { recursive: true, force: true });
});

const CLUSTERS = ['lab', 'prod-east'];
const MON = '2026-11-23T06:00:00.000Z';
const TUE = '2026-11-24T06:00:00.000Z';
const WED = '2026-11-25T09:00:00.000Z';

describe.each(STORE_KINDS)('pinned heads on a $name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  const verifyCli = (...extra: string[]) =>
    captureOutput(() => main(['verify', '--store', subject.location, ...subject.cliArgs, ...extra]));

  /** Monday's and Tuesday's signed snapshot runs, then Wednesday's signed report. */
  async function signedWeek() {
    const monday = await snapshotRun(subject.store, MON, CLUSTERS, keys.signer);
    const tuesday = await snapshotRun(subject.store, TUE, CLUSTERS, keys.signer);
    const report = await generateReport({
      store: subject.store,
      period: '2026-W48',
      now: utc(WED),
      signer: keys.signer,
    });
    return { monday, tuesday, report };
  }

  const keysOfRun = (run: {
    records: { opening: { key: string }; manifest: { key: string }; index: { key: string } };
    written: { key: string }[];
  }) => [
    run.records.opening.key,
    ...run.written.map((w) => w.key),
    run.records.index.key,
    manifestEnvelopeKey(run.records.manifest.key),
    run.records.manifest.key,
  ];

  it('names in report.json the head the report rests on and the key that signs it; --expect-head passes on the whole ledger', async () => {
    const { tuesday, report } = await signedWeek();

    const cli = await verifyCli('--public-key', keys.publicKeyFile, '--expect-head', tuesday.records.manifest.sha256);

    expect(report.doc.ledger).toEqual({
      head: { manifest: tuesday.records.manifest.key, sha256: tuesday.records.manifest.sha256 },
      signingKey: keys.key.keyId,
      backfill: false,
      backfilledEvidence: [],
    });
    expect(cli.result).toBe(0);
    expect(cli.stdout.split('\n')).toEqual([
      `signatures: checked with ${keys.key.keyId} (3 of 3 manifest(s) signed)`,
      `expected head: ${tuesday.records.manifest.key} (SHA-256 ${tuesday.records.manifest.sha256}) is in the ledger and every head descends from it`,
      // 13 objects, and the chain index each of the three runs records.
      `ledger verified: 3 manifest(s), 16 object(s) checked in ${subject.location}`,
      '',
    ]);
  });

  it('catches the newest runs deleted entirely with the head a report names, which plain and signed verify cannot', async () => {
    const { tuesday, report } = await signedWeek();
    const reportRun = report.writtenKeys;
    for (const key of [...reportRun, ...keysOfRun(tuesday)]) await subject.remove(key);

    const plain = await verifyCli();
    const signed = await verifyCli('--public-key', keys.publicKeyFile);
    const pinned = await verifyCli(
      '--public-key',
      keys.publicKeyFile,
      '--expect-head',
      report.doc.ledger!.head!.sha256,
    );

    expect(plain.result).toBe(0);
    expect(signed.result).toBe(0);
    expect(pinned.result).toBe(1);
    expect(pinned.stdout.split('\n')).toEqual([
      `head-missing ${tuesday.records.manifest.sha256}: no manifest of the ledger has this SHA-256: the ledger was cut short or rewritten (or the head is from another ledger)`,
      `signatures: checked with ${keys.key.keyId} (1 of 1 manifest(s) signed)`,
      // Monday's two snapshots and its chain index.
      `1 problem(s) found: 1 manifest(s), 3 object(s) checked in ${subject.location}`,
      '',
    ]);
  });

  it('names a head manifest renamed to another time: its name no longer says its runAt, nor does its signature name it', async () => {
    const { report } = await signedWeek();
    const head = report.writtenKeys.at(-1)!;
    const renamed = head.replace(/^manifests\/[^Z]+Z/, 'manifests/2026-11-24T07-00-00.000Z');
    for (const [from, to] of [
      [head, renamed],
      [manifestEnvelopeKey(head), manifestEnvelopeKey(renamed)],
    ] as const) {
      await subject.overwrite(to, await subject.store.get(from));
      await subject.remove(from);
    }

    const plain = await verifyCli();
    const signed = await verifyCli('--public-key', keys.publicKeyFile);

    expect(parseManifestKey(renamed)?.runAt).toBe('2026-11-24T07:00:00.000Z');
    expect(plain.result).toBe(1);
    expect(plain.stdout.split('\n')[0]).toBe(
      `time-mismatch ${renamed}: its name says 2026-11-24T07:00:00.000Z, its runAt says ${WED}`,
    );
    const sha256 = sha256Hex(await subject.store.get(renamed));
    expect(signed.stdout.split('\n').slice(0, 2)).toEqual([
      `bad-signature ${renamed}: the signature is for ${head} with SHA-256 ${sha256}, not for this manifest (SHA-256 ${sha256})`,
      `time-mismatch ${renamed}: its name says 2026-11-24T07:00:00.000Z, its runAt says ${WED}`,
    ]);
  });

  it('catches, even without a key, a branch forged off an older manifest that the expected head does not lead to', async () => {
    const { monday, tuesday } = await signedWeek();
    const branch = await writeManifest(
      subject.store,
      { runAt: utc('2026-11-23T07:00:00.000Z'), kind: 'snapshot', written: [], follow: [monday.records.manifest] },
      null,
    );

    const pinned = await verifyCli('--expect-head', tuesday.records.manifest.sha256);

    expect(pinned.result).toBe(1);
    expect(pinned.stdout.split('\n')[0]).toBe(
      `head-diverged ${branch.manifest.key}: a head of the ledger that does not descend from the expected head ${tuesday.records.manifest.key}`,
    );
  });

  it('refuses an --expect-head that is not a SHA-256 as a usage error', async () => {
    await recordRun(subject.store, { runAt: utc(MON), written: [], kind: 'snapshot' });

    const cli = await verifyCli('--expect-head', 'manifests/2026.json');

    expect(cli.result).toBe(2);
    expect(cli.stderr).toBe(
      `error: --expect-head: expected the 64 hex digits of a manifest's SHA-256 (report.json ledger.head.sha256), got "manifests/2026.json"\n`,
    );
  });
});
