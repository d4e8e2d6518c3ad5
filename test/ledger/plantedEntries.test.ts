/**
 * verify lists and checks everything under the store root, not only the names a run would write:
 * temporary-looking files, names no key can have, symbolic links (a link is itself a finding) and
 * anything under manifests/ that is not a manifest each fail verify, named.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { main } from '../../src/cli/main.js';
import type { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { recordRun } from '../../src/ledger/manifest.js';
import type { WrittenObject } from '../../src/ledger/objects.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { ObjectNotFoundError } from '../../src/ledger/store.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import type { RunningS3rver } from '../support/s3rver.js';
import { makeSnapshot } from '../support/snapshotFixture.js';
import {
  captureOutput,
  createDirectoryStore,
  STORE_KINDS,
  type StoreUnderTest,
  startSharedS3rver,
  stopSharedS3rver,
} from './storeFixtures.js';

let s3: RunningS3rver;
const savedEnv = { ...process.env };
beforeAll(async () => {
  s3 = await startSharedS3rver();
  Object.assign(process.env, s3.environment);
});
afterAll(async () => {
  process.env = savedEnv;
  await stopSharedS3rver();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const RUN_AT = '2026-11-24T06:00:00.000Z';

/** One snapshot run of one cluster: a ledger that verifies clean. */
async function oneRun(subject: StoreUnderTest): Promise<{ snapshot: WrittenObject; manifest: WrittenObject }> {
  const snapshot = await writeSnapshot(
    subject.store,
    makeSnapshot({ meta: { cluster: 'lab', collectionStart: RUN_AT } }),
  );
  const runAt = DateTime.fromISO(RUN_AT, { zone: 'utc' });
  const manifest = await recordRun(subject.store, { runAt, written: [snapshot], kind: 'snapshot' });
  return { snapshot, manifest };
}

const NOT_RECORDED = 'in the store but recorded by no manifest';

describe.each(STORE_KINDS)('verify reads everything under manifests/ of a $name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  it('names each planted entry under manifests/, whatever its name, beside the chain checks', async () => {
    const { manifest } = await oneRun(subject);
    const lookalike = 'manifests/2026-11-25T06-00-00.000Z-0123456789abcdef.json';
    await subject.overwrite('manifests/notes.txt', bytes('planted'));
    await subject.overwrite(`manifests/archive/${manifest.key.slice('manifests/'.length)}`, bytes('{}'));
    await subject.overwrite('manifests/.tmp-0123456789abcdef', bytes('{}'));
    await subject.overwrite(lookalike, bytes('not json'));
    await subject.overwrite('manifests/x\\y.json', bytes('{}'));

    const result = await verifyLedger(subject.store);
    const cli = await captureOutput(() => main(['verify', '--store', subject.location, ...subject.cliArgs]));

    expect(result.problems).toEqual([
      { kind: 'unexpected', key: 'manifests/.tmp-0123456789abcdef', detail: expect.any(String) },
      { kind: 'corrupt-manifest', key: lookalike, detail: expect.stringMatching(/^not JSON: /) },
      { kind: 'unexpected', key: `manifests/archive/${manifest.key.slice('manifests/'.length)}`, detail: NOT_RECORDED },
      { kind: 'unexpected', key: 'manifests/notes.txt', detail: NOT_RECORDED },
      {
        kind: 'unexpected',
        key: 'manifests/x\\y.json',
        detail: 'a name no ledger key can have (must not contain a backslash)',
      },
    ]);
    expect(cli.result).toBe(1);
    expect(cli.stdout.split('\n').at(-2)).toBe(
      `5 problem(s) found: 1 manifest(s), 1 object(s) checked in ${subject.location}`,
    );
  });
});

describe.each(STORE_KINDS)('verify of a manifest recording keys no store can hold, in a $name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  it('names the manifest as corrupt instead of following the keys out of the store', async () => {
    await oneRun(subject);
    const sha256 = '0'.repeat(64);
    const planted = await recordRun(subject.store, {
      runAt: DateTime.fromISO('2026-11-25T06:00:00.000Z', { zone: 'utc' }),
      written: [
        { key: '../outside.json', size: 2, sha256 },
        { key: 'reports/a\\b.json', size: 2, sha256 },
      ],
      kind: 'snapshot',
    });

    const result = await verifyLedger(subject.store);

    expect(result.problems).toEqual([
      {
        kind: 'corrupt-manifest',
        key: planted.key,
        detail: 'not a fleetledger manifest (objects.0.key: not a ledger key: must not contain . or .. segments)',
      },
    ]);
  });
});

describe('verify of a directory store', () => {
  let root: string;
  let outside: string;
  let store: DirectoryLedgerStore;
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await createDirectoryStore();
    root = subject.location;
    store = subject.store as DirectoryLedgerStore;
    outside = await mkdtemp(join(tmpdir(), 'planted-outside-'));
  });
  afterEach(async () => {
    await subject.dispose();
    await rm(outside, { recursive: true, force: true });
  });

  const verifyCli = () => captureOutput(() => main(['verify', '--store', root]));

  it('names temporary-looking files, names with a backslash and symbolic links anywhere in the store', async () => {
    const { snapshot } = await oneRun(subject);
    const folder = snapshot.key.slice(0, snapshot.key.lastIndexOf('/'));
    await writeFile(join(outside, 'elsewhere.json'), '{}');
    await mkdir(join(outside, 'folder'));
    await writeFile(join(outside, 'folder', 'inside.json'), '{}');
    await subject.overwrite(`${folder}/.tmp-0123456789abcdef`, bytes('half'));
    await subject.overwrite('reports/2026-W48/a\\b.json', bytes('{}'));
    await symlink(join(outside, 'elsewhere.json'), join(root, 'reports', 'linked.json'));
    await symlink(join(outside, 'folder'), join(root, 'index'));
    await symlink(join(outside, 'gone.json'), join(root, 'dangling.json'));

    const result = await verifyLedger(store);
    const cli = await verifyCli();

    expect(result.problems).toEqual([
      {
        kind: 'unexpected',
        key: 'dangling.json',
        detail: `a symbolic link (to ${JSON.stringify(join(outside, 'gone.json'))})`,
      },
      {
        kind: 'unexpected',
        key: 'index',
        detail: `a symbolic link (to ${JSON.stringify(join(outside, 'folder'))})`,
      },
      {
        kind: 'unexpected',
        key: 'reports/2026-W48/a\\b.json',
        detail: 'a name no ledger key can have (must not contain a backslash)',
      },
      {
        kind: 'unexpected',
        key: 'reports/linked.json',
        detail: `a symbolic link (to ${JSON.stringify(join(outside, 'elsewhere.json'))})`,
      },
      {
        kind: 'unexpected',
        key: `${folder}/.tmp-0123456789abcdef`,
        detail: 'a temporary file (left by an interrupted write, or planted)',
      },
    ]);
    expect(cli.result).toBe(1);
    expect(cli.stdout.split('\n').at(-2)).toBe(`5 problem(s) found: 1 manifest(s), 1 object(s) checked in ${root}`);
  });

  it('names a recorded object replaced by a link to a copy of its bytes: missing, and a link', async () => {
    const { snapshot, manifest } = await oneRun(subject);
    const path = join(root, ...snapshot.key.split('/'));
    await writeFile(join(outside, 'copy.json.gz'), await readFile(path));
    await unlink(path);
    await symlink(join(outside, 'copy.json.gz'), path);

    const result = await verifyLedger(store);

    expect(result.problems).toEqual([
      { kind: 'missing', key: snapshot.key, detail: `recorded by ${manifest.key} but not in the store` },
      {
        kind: 'unexpected',
        key: snapshot.key,
        detail: `a symbolic link (to ${JSON.stringify(join(outside, 'copy.json.gz'))})`,
      },
    ]);
  });

  it('names a FIFO planted at a recorded object’s name without waiting for a writer', async () => {
    const { snapshot, manifest } = await oneRun(subject);
    const path = join(root, ...snapshot.key.split('/'));
    await unlink(path);
    execFileSync('mkfifo', [path]);

    const result = await verifyLedger(store);

    expect(result.problems).toEqual([
      { kind: 'missing', key: snapshot.key, detail: `recorded by ${manifest.key} but not in the store` },
      { kind: 'unexpected', key: snapshot.key, detail: 'not a regular file' },
    ]);
  }, 10_000);

  it('never reads through a symbolic link, and lists none: readers see only the objects runs wrote', async () => {
    await oneRun(subject);
    await writeFile(join(outside, 'elsewhere.json'), '{"planted":true}');
    await symlink(join(outside, 'elsewhere.json'), join(root, 'reports.json'));

    await expect(store.get('reports.json')).rejects.toThrow(new ObjectNotFoundError('reports.json'));
    expect(await store.head('reports.json')).toBeNull();
    expect((await store.list('')).map((o) => o.key)).not.toContain('reports.json');
    expect((await store.inventory()).find((entry) => entry.key === 'reports.json')).toEqual({
      key: 'reports.json',
      size: 0,
      foreign: `a symbolic link (to ${JSON.stringify(join(outside, 'elsewhere.json'))})`,
    });
  });
});
