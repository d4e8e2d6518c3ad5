/**
 * Evidence integrity in both stores: manifests chain runs together, verify catches every change.
 */
import { DateTime } from 'luxon';
import { main } from '../../src/cli/main.js';
import { reportKey } from '../../src/ledger/keys.js';
import { type Manifest, readManifests, recordRun } from '../../src/ledger/manifest.js';
import { type WrittenObject, writeJson } from '../../src/ledger/objects.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { generateReport } from '../../src/report/generateReport.js';
import type { RunningS3rver } from '../support/s3rver.js';
import { makeSnapshot } from '../support/snapshotFixture.js';
import {
  captureOutput,
  STORE_KINDS,
  type StoreUnderTest,
  startSharedS3rver,
  stopSharedS3rver,
} from './storeFixtures.js';

let s3: RunningS3rver;
const savedEnv = { ...process.env };
beforeAll(async () => {
  s3 = await startSharedS3rver();
  // The CLI builds its S3 client from the standard AWS configuration.
  Object.assign(process.env, s3.environment);
});
afterAll(async () => {
  process.env = savedEnv;
  await stopSharedS3rver();
});

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

/** Run 1 and 2 snapshot two clusters (Monday and Tuesday of 2026-W48); run 3 writes a report. */
async function writeTwoWeeksOfRuns(subject: StoreUnderTest) {
  const runs: { manifest: WrittenObject; written: WrittenObject[] }[] = [];
  for (const runAt of ['2026-11-23T06:00:00.000Z', '2026-11-24T06:00:00.000Z']) {
    const written = [];
    for (const cluster of ['lab', 'prod-east']) {
      written.push(await writeSnapshot(subject.store, makeSnapshot({ meta: { cluster, collectionStart: runAt } })));
    }
    runs.push({ manifest: await recordRun(subject.store, { runAt: utc(runAt), written, kind: 'snapshot' }), written });
  }
  const generatedAt = utc('2026-11-30T07:00:00.000Z');
  const report = await writeJson(subject.store, reportKey('2026-W48', generatedAt, 'report.json'), { score: 91 });
  const written = [{ key: report.key, size: report.size, sha256: report.sha256 }];
  runs.push({ manifest: await recordRun(subject.store, { runAt: generatedAt, written, kind: 'report' }), written });
  return runs;
}

const kindsAndKeys = (problems: { kind: string; key: string }[]) => problems.map(({ kind, key }) => ({ kind, key }));

describe.each(STORE_KINDS)('integrity of a $name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  const verifyCli = (...extra: string[]) =>
    captureOutput(() => main(['verify', '--store', subject.location, ...subject.cliArgs, ...extra]));

  it('records each run in a manifest that chains to the one before', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);

    const { manifests, corrupt } = await readManifests(subject.store);

    expect(corrupt).toEqual([]);
    expect(manifests.map((m) => m.key)).toEqual(runs.map((r) => r.manifest.key));
    const [first, second, third] = manifests.map((m) => m.manifest) as [Manifest, Manifest, Manifest];
    expect(first.previous).toBeNull();
    expect(second.previous).toEqual({ key: runs[0]!.manifest.key, sha256: runs[0]!.manifest.sha256 });
    expect(third.previous).toEqual({ key: runs[1]!.manifest.key, sha256: runs[1]!.manifest.sha256 });
    expect(second).toMatchObject({ kind: 'snapshot', runAt: '2026-11-24T06:00:00.000Z', objects: runs[1]!.written });
    expect(third.kind).toBe('report');
    expect(runs[0]!.manifest.key).toMatch(/^manifests\/2026-11-23T06-00-00\.000Z-[0-9a-f]{16}\.json$/);
  });

  it('verifies a clean ledger with exit status 0', async () => {
    await writeTwoWeeksOfRuns(subject);

    const result = await verifyLedger(subject.store);
    const cli = await verifyCli();

    expect(result).toEqual({ ok: true, problems: [], notices: [], manifests: 3, objectsChecked: 5, periodId: null });
    expect(cli.result).toBe(0);
    expect(cli.stdout).toBe(`ledger verified: 3 manifest(s), 5 object(s) checked in ${subject.location}\n`);
  });

  it('names an altered byte, a deleted object and a foreign object, and exits 1', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    const altered = runs[0]!.written[1]!.key;
    const deleted = runs[1]!.written[0]!.key;
    const foreign = 'snapshots/cluster=prod-east/date=2026-11-25/2026-11-25T06-00-00.000Z.json.gz';
    const bytes = await subject.store.get(altered);
    bytes[bytes.length - 5]! ^= 0x01;
    await subject.overwrite(altered, bytes);
    await subject.remove(deleted);
    await subject.overwrite(foreign, new TextEncoder().encode('planted'));

    const result = await verifyLedger(subject.store);
    const cli = await verifyCli();

    expect(result.ok).toBe(false);
    // Sorted by key: lab before prod-east.
    expect(kindsAndKeys(result.problems)).toEqual([
      { kind: 'missing', key: deleted },
      { kind: 'altered', key: altered },
      { kind: 'unexpected', key: foreign },
    ]);
    expect(result.problems[1]!.detail).toMatch(
      new RegExp(`differs from ${runs[0]!.written[1]!.sha256} \\(\\d+ bytes\\) recorded by ${runs[0]!.manifest.key}$`),
    );
    expect(result.problems[0]!.detail).toBe(`recorded by ${runs[1]!.manifest.key} but not in the store`);
    expect(cli.result).toBe(1);
    expect(cli.stdout.split('\n')).toEqual([
      `missing ${deleted}: ${result.problems[0]!.detail}`,
      `altered ${altered}: ${result.problems[1]!.detail}`,
      `unexpected ${foreign}: in the store but recorded by no manifest`,
      `3 problem(s) found: 3 manifest(s), 5 object(s) checked in ${subject.location}`,
      '',
    ]);
  });

  it('catches a deleted manifest as a chain break and an altered newest manifest by its name', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    await subject.remove(runs[0]!.manifest.key);
    const newest = runs[2]!.manifest.key;
    const text = new TextDecoder().decode(await subject.store.get(newest)).replace('"report"', '"snapshot"');
    await subject.overwrite(newest, new TextEncoder().encode(text));

    const result = await verifyLedger(subject.store);

    expect(result.problems).toEqual([
      {
        kind: 'chain-break',
        key: runs[1]!.manifest.key,
        detail: `follows ${runs[0]!.manifest.key}, which is missing or unreadable`,
      },
      { kind: 'altered', key: newest, detail: expect.stringMatching(/does not match the hash in its name$/) },
      // Run 1's snapshots lost their manifest with it.
      { kind: 'unexpected', key: runs[0]!.written[0]!.key, detail: 'in the store but recorded by no manifest' },
      { kind: 'unexpected', key: runs[0]!.written[1]!.key, detail: 'in the store but recorded by no manifest' },
    ]);
  });

  it('catches an altered manifest in the middle of the chain', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    const middle = runs[1]!.manifest.key;
    const text = new TextDecoder().decode(await subject.store.get(middle));
    await subject.overwrite(middle, new TextEncoder().encode(text.replace('"snapshot"', '"report"')));

    const result = await verifyLedger(subject.store);

    expect(kindsAndKeys(result.problems)).toEqual([
      { kind: 'altered', key: middle },
      { kind: 'chain-break', key: runs[2]!.manifest.key },
    ]);
    expect(result.problems[1]!.detail).toMatch(
      new RegExp(`^records SHA-256 ${runs[1]!.manifest.sha256} for ${middle}`),
    );
  });

  /** Replays what two concurrent runs do: both read run 2's manifest as the head of the chain. */
  async function forkAfterRunTwo(runs: Awaited<ReturnType<typeof writeTwoWeeksOfRuns>>) {
    const third = runs[2]!.manifest.key;
    const thirdBytes = await subject.store.get(third);
    await subject.remove(third);
    const rival = await recordRun(subject.store, {
      runAt: utc('2026-11-30T07:00:00.000Z'),
      written: [],
      kind: 'report',
    });
    await subject.overwrite(third, thirdBytes);
    return { third, rival: rival.key };
  }

  it('reports an open fork (two runs followed the same manifest) as a notice and still exits 0', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    const { third, rival } = await forkAfterRunTwo(runs);

    const result = await verifyLedger(subject.store);
    const cli = await verifyCli();

    const [firstFollower, secondFollower] = [third, rival].sort();
    const detail = `followed by ${firstFollower} and ${secondFollower} (concurrent runs): open, the next run joins the branches`;
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.notices).toEqual([{ kind: 'chain-fork', key: runs[1]!.manifest.key, detail }]);
    expect(cli.result).toBe(0);
    expect(cli.stdout.split('\n')).toEqual([
      `notice: chain-fork at ${runs[1]!.manifest.key}: ${detail}`,
      `ledger verified: 4 manifest(s), 5 object(s) checked in ${subject.location}`,
      '',
    ]);
  });

  it('closes a fork with the next run, which follows every head: verify passes with a closed-fork notice', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    const { third, rival } = await forkAfterRunTwo(runs);
    const heads = await readManifests(subject.store);
    const headLinks = heads.manifests
      .filter((m) => m.key === third || m.key === rival)
      .map((m) => ({ key: m.key, sha256: m.sha256 }));

    const next = await recordRun(subject.store, {
      runAt: utc('2026-12-01T06:00:00.000Z'),
      written: [],
      kind: 'snapshot',
    });
    const result = await verifyLedger(subject.store);
    const cli = await verifyCli();

    const joined = (await readManifests(subject.store)).manifests.find((m) => m.key === next.key)!.manifest;
    expect([joined.previous, ...(joined.alsoFollows ?? [])]).toEqual([headLinks[1], headLinks[0]]);
    expect(result.problems).toEqual([]);
    expect(result.notices.map((n) => n.detail)).toEqual([
      `followed by ${[third, rival].sort().join(' and ')} (concurrent runs): closed, a later manifest follows every branch`,
    ]);
    expect(cli.result).toBe(0);
    expect(cli.stdout.split('\n').at(-2)).toBe(
      `ledger verified: 5 manifest(s), 5 object(s) checked in ${subject.location}`,
    );
  });

  it('self-heals after two concurrent runs: a third run joins the fork and verify exits 0', async () => {
    await writeTwoWeeksOfRuns(subject);
    const snapshotRun = async (cluster: string) => {
      const runAt = '2026-12-01T06:00:00.000Z';
      const written = [await writeSnapshot(subject.store, makeSnapshot({ meta: { cluster, collectionStart: runAt } }))];
      return { runAt: utc(runAt), written, kind: 'snapshot' as const };
    };
    const [runA, runB] = await Promise.all([snapshotRun('lab'), snapshotRun('prod-east')]);

    const [a, b] = await Promise.all([recordRun(subject.store, runA), recordRun(subject.store, runB)]);
    const forked = await verifyLedger(subject.store);
    const third = await recordRun(subject.store, {
      runAt: utc('2026-12-02T06:00:00.000Z'),
      written: [],
      kind: 'snapshot',
    });
    const healed = await verifyCli();

    const manifests = new Map((await readManifests(subject.store)).manifests.map((m) => [m.key, m.manifest]));
    // Both concurrent runs followed the same head: the chain forked.
    expect(manifests.get(a.key)!.previous).toEqual(manifests.get(b.key)!.previous);
    expect(forked.ok).toBe(true);
    expect(forked.notices.map((n) => n.detail.split(': ')[1])).toEqual(['open, the next run joins the branches']);
    const joined = manifests.get(third.key)!;
    expect([joined.previous!.key, ...joined.alsoFollows!.map((link) => link.key)].sort()).toEqual(
      [a.key, b.key].sort(),
    );
    expect(healed.result).toBe(0);
    expect(healed.stdout.split('\n').slice(-3)).toEqual([
      expect.stringMatching(/^notice: chain-fork at manifests\/.*: closed, a later manifest follows every branch$/),
      `ledger verified: 6 manifest(s), 7 object(s) checked in ${subject.location}`,
      '',
    ]);
  });

  it('fails a fork whose branch was tampered with, even after the fork was joined', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    const { rival } = await forkAfterRunTwo(runs);
    const next = await recordRun(subject.store, {
      runAt: utc('2026-12-01T06:00:00.000Z'),
      written: [],
      kind: 'snapshot',
    });
    const text = new TextDecoder().decode(await subject.store.get(rival)).replace('"report"', '"snapshot"');
    await subject.overwrite(rival, new TextEncoder().encode(text));

    const result = await verifyLedger(subject.store);
    const cli = await verifyCli();

    expect(result.ok).toBe(false);
    const problems = kindsAndKeys(result.problems);
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        { kind: 'altered', key: rival },
        { kind: 'chain-break', key: next.key },
      ]),
    );
    expect(cli.result).toBe(1);
  });

  it('checks only the objects of the given week but still walks the whole chain', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    await subject.remove(runs[0]!.written[0]!.key);
    await subject.remove(runs[0]!.manifest.key);

    const week49 = await verifyLedger(subject.store, { period: '2026-W49' });
    const week48 = await verifyCli('--period', '2026-W48');

    expect(week49).toEqual({
      ok: false,
      problems: [
        {
          kind: 'chain-break',
          key: runs[1]!.manifest.key,
          detail: `follows ${runs[0]!.manifest.key}, which is missing or unreadable`,
        },
      ],
      notices: [],
      manifests: 2,
      objectsChecked: 0,
      periodId: '2026-W49',
    });
    expect(week48.result).toBe(1);
    expect(week48.stdout.split('\n').map((line) => line.split(':')[0])).toEqual([
      `chain-break ${runs[1]!.manifest.key}`,
      `unexpected ${runs[0]!.written[1]!.key}`,
      '2 problem(s) found',
      '',
    ]);
  });

  it('names foreign objects anywhere in the store: at the root and a planted trend index entry', async () => {
    await writeTwoWeeksOfRuns(subject);
    const planted = 'index/trend/period=2026-W47/2026-11-22T23-00-00.000Z.json';
    await subject.overwrite('foreign.json', new TextEncoder().encode('{}'));
    await subject.overwrite(planted, new TextEncoder().encode('{"format":"fleetledger-trend-index"}'));

    const result = await verifyLedger(subject.store);
    const cli = await verifyCli();

    expect(result.problems).toEqual([
      { kind: 'unexpected', key: 'foreign.json', detail: 'in the store but recorded by no manifest' },
      { kind: 'unexpected', key: planted, detail: 'in the store but recorded by no manifest' },
    ]);
    expect(cli.result).toBe(1);
    expect(cli.stdout.split('\n').at(-2)).toBe(
      `2 problem(s) found: 3 manifest(s), 5 object(s) checked in ${subject.location}`,
    );
  });

  it('judges a planted trend index entry by its period and a foreign file in every period', async () => {
    await writeTwoWeeksOfRuns(subject);
    const planted = 'index/trend/period=2026-W47/2026-11-22T23-00-00.000Z.json';
    await subject.overwrite('foreign.json', new TextEncoder().encode('{}'));
    await subject.overwrite(planted, new TextEncoder().encode('{}'));

    const week47 = await verifyLedger(subject.store, { period: '2026-W47' });
    const week48 = await verifyLedger(subject.store, { period: '2026-W48' });

    expect(kindsAndKeys(week47.problems)).toEqual([
      { kind: 'unexpected', key: 'foreign.json' },
      { kind: 'unexpected', key: planted },
    ]);
    expect(kindsAndKeys(week48.problems)).toEqual([{ kind: 'unexpected', key: 'foreign.json' }]);
  });

  it('passes a ledger written by real snapshot and report runs: the report run records its trend index entry', async () => {
    const written = [
      await writeSnapshot(
        subject.store,
        makeSnapshot({ meta: { cluster: 'lab', collectionStart: '2026-11-24T06:00:00.000Z' } }),
      ),
    ];
    await recordRun(subject.store, { runAt: utc('2026-11-24T06:00:00.000Z'), written, kind: 'snapshot' });
    const report = await generateReport({ store: subject.store, period: '2026-W48', now: utc('2026-11-25T09:00:00Z') });

    const result = await verifyLedger(subject.store);

    expect(report.writtenKeys).toContain('index/trend/period=2026-W48/2026-11-25T09-00-00.000Z.json');
    // 10 objects, and the chain index the report run records (recordRun writes none).
    expect(result).toEqual({ ok: true, problems: [], notices: [], manifests: 2, objectsChecked: 11, periodId: null });
  });

  it('takes --period in --time-zone: a Monday 06:00 UTC run is still the week before in Los Angeles', async () => {
    const runs = await writeTwoWeeksOfRuns(subject);
    const deleted = runs[0]!.written[0]!.key;
    await subject.remove(deleted);

    const losAngeles = await verifyCli('--period', '2026-W47', '--time-zone', 'America/Los_Angeles');
    const utcWeek = await verifyCli('--period', '2026-W47');

    expect(losAngeles.result).toBe(1);
    expect(losAngeles.stdout.split('\n')).toEqual([
      `missing ${deleted}: recorded by ${runs[0]!.manifest.key} but not in the store`,
      `1 problem(s) found: 3 manifest(s), 2 object(s) checked (objects of 2026-W47) in ${subject.location}`,
      '',
    ]);
    expect(utcWeek.result).toBe(0);
    expect(utcWeek.stdout).toBe(
      `ledger verified: 3 manifest(s), 0 object(s) checked (objects of 2026-W47) in ${subject.location}\n`,
    );
  });

  it('rejects an unknown --time-zone as a usage error', async () => {
    const cli = await verifyCli('--period', '2026-W48', '--time-zone', 'Mars/Base');

    expect(cli.result).toBe(2);
    expect(cli.stderr).toBe(
      'error: --time-zone: expected an IANA time zone such as Europe/Berlin or UTC, got "Mars/Base"\n',
    );
  });

  it('does not pass an empty ledger (usually a mistyped --store)', async () => {
    const cli = await verifyCli();

    expect(cli.result).toBe(1);
    expect(cli.stdout).toBe(`nothing to verify: no manifests in ${subject.location}\n`);
  });

  it('rejects a malformed --period as a usage error', async () => {
    const cli = await verifyCli('--period', '2026-48');

    expect(cli.result).toBe(2);
    expect(cli.stderr).toBe('error: --period: expected an ISO week such as 2026-W48, got "2026-48"\n');
  });
});
