/**
 * No back-dating: a run whose time (`--now`, or the clock) is earlier than the newest run of the
 * ledger is refused with exit 2 before any cluster is contacted or anything written, unless it is
 * a `--backfill`, which its manifest, `verify`, the report and its HTML say.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readManifests, recordRun } from '../../src/ledger/manifest.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from '../collect/fixtures.js';
import { utc } from '../support/signedLedger.js';
import { captureOutput } from './storeFixtures.js';

let fleet: RunningFleet;
beforeAll(async () => {
  const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
  fleet = await startSimulatedFleet([{ name: 'prod-east', objects: [namespace('payments')] }]);
});
afterAll(() => fleet.stop());

describe('runs earlier than the ledger head', () => {
  let root: string;
  let out: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'backdating-'));
    out = await mkdtemp(join(tmpdir(), 'backdating-out-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  const store = () => new DirectoryLedgerStore(root);
  const snapshot = (now: string, ...extra: string[]) =>
    captureOutput(() =>
      main(['snapshot', '--kubeconfig', fleet.kubeconfigPath, '--store', root, '--now', now, ...extra]),
    );
  const report = (now: string, ...extra: string[]) =>
    captureOutput(() =>
      main(['report', '--store', root, '--period', '2026-W48', '--now', now, '--out', out, ...extra]),
    );
  const keys = async () => (await store().list('')).map((o) => o.key);

  it('refuses a snapshot earlier than the newest run: exit 2, no cluster contacted, nothing written', async () => {
    expect((await snapshot('2026-11-25T09:00:00Z')).result).toBe(0);
    const before = await keys();
    const requests = fleet.clusters[0]!.requestLog.length;
    const [head] = (await readManifests(store())).manifests;

    const refused = await snapshot('2026-11-24T09:00:00Z');

    expect(refused.result).toBe(2);
    expect(refused.stderr).toBe(
      `error: the run time 2026-11-24T09:00:00.000Z is earlier than the newest run in the ledger (${head!.key}, run at 2026-11-25T09:00:00.000Z): nothing was written; give --backfill to record an earlier run on purpose (its manifest then says backfill: true)\n`,
    );
    expect(await keys()).toEqual(before);
    expect(fleet.clusters[0]!.requestLog.length).toBe(requests);
  });

  it('refuses a report earlier than the newest run with exit 2 and writes nothing', async () => {
    await snapshot('2026-11-25T09:00:00Z');
    const before = await keys();

    const refused = await report('2026-11-25T08:00:00Z');

    expect(refused.result).toBe(2);
    expect(refused.stderr).toMatch(/^error: the run time 2026-11-25T08:00:00\.000Z is earlier than the newest run/);
    expect(await keys()).toEqual(before);
  });

  it('records a --backfill run as such: in its manifest, as a verify notice, in report.json and report.html', async () => {
    await snapshot('2026-11-25T09:00:00Z');

    const backfilled = await snapshot('2026-11-24T09:00:00Z', '--backfill');
    const reported = await report('2026-11-25T08:00:00Z', '--backfill');
    const verified = await verifyLedger(store());

    expect(backfilled.result).toBe(0);
    expect(reported.result).toBe(0);
    const { manifests } = await readManifests(store());
    const marked = manifests.filter((m) => m.manifest.backfill).map((m) => m.manifest.runAt);
    expect(marked.sort()).toEqual(['2026-11-24T09:00:00.000Z', '2026-11-25T08:00:00.000Z']);
    expect(verified.ok).toBe(true);
    expect(verified.notices.filter((n) => n.kind === 'backfill').map((n) => n.detail)).toEqual([
      'written with --backfill: run at 2026-11-24T09:00:00.000Z, after a run at 2026-11-25T09:00:00.000Z',
      'written with --backfill: run at 2026-11-25T08:00:00.000Z, after a run at 2026-11-25T09:00:00.000Z',
    ]);
    const doc = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(doc.ledger.backfill).toBe(true);
    expect(doc.ledger.backfilledEvidence).toEqual([
      expect.stringMatching(/^snapshots\/cluster=prod-east\/date=2026-11-24\/2026-11-24T09-00-0/),
    ]);
    expect(reported.stdout).toContain(
      "  backfill: generated at a time earlier than the ledger's newest run (--backfill)",
    );
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('This report is a backfill');
  });

  it('fails verify on a manifest earlier than a run it follows that does not say backfill', async () => {
    const first = await recordRun(store(), { runAt: utc('2026-11-25T09:00:00.000Z'), written: [], kind: 'snapshot' });
    const backdated = await recordRun(store(), {
      runAt: utc('2026-11-24T09:00:00.000Z'),
      written: [],
      kind: 'snapshot',
    });

    const result = await verifyLedger(store());

    expect(result.problems).toEqual([
      {
        kind: 'back-dated',
        key: backdated.key,
        detail:
          'run at 2026-11-24T09:00:00.000Z, earlier than a run it follows (2026-11-25T09:00:00.000Z), and not marked backfill',
      },
    ]);
    expect(first.key < backdated.key).toBe(false);
  });
});
