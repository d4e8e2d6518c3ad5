/**
 * A snapshot run fanned out over processes (src/collect/snapshotSteps.ts), each step given only
 * what the state machine passes (the opening's key, a cluster's name, the steps' results): the
 * real @kubernetes/client-node over HTTPS against simulated API servers, a real directory ledger,
 * signed runs. The ledger must verify exactly as after a one-process `snapshot` run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { snapshotClusterStep } from '../../src/collect/snapshotClusterStep.js';
import {
  type ClusterStepOutcome,
  finishSnapshotRun,
  openSnapshotRun,
  readRunOpening,
} from '../../src/collect/snapshotSteps.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { type Fleet, fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readManifests } from '../../src/ledger/manifest.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { type TestKeyPair, testKeyPair } from '../support/signedLedger.js';
import { namespace } from './fixtures.js';

const RUN_AT = DateTime.fromISO('2026-11-23T04:00:00Z', { zone: 'utc' });
const at = (minutes: number) => () => RUN_AT.plus({ minutes });
const logger = createMemoryLogger();

let simulated: RunningFleet;
let fleet: Fleet;
let keys: TestKeyPair;
let other: TestKeyPair;
let dir: string;
let store: DirectoryLedgerStore;

beforeAll(async () => {
  const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
  simulated = await startSimulatedFleet([
    { name: 'prod-east', objects: [namespace('payments')] },
    { name: 'prod-west', objects: [namespace('web')] },
  ]);
  fleet = fleetFromKubeconfig(simulated.kubeconfigPath);
  [keys, other] = await Promise.all([testKeyPair(), testKeyPair()]);
});

afterAll(async () => {
  await Promise.all([simulated?.stop(), ...[keys, other].map((k) => k && rm(k.dir, { recursive: true, force: true }))]);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanned-out-'));
  store = new DirectoryLedgerStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a fanned-out snapshot run', () => {
  it('opens the run, stores one snapshot per cluster step and records them in one signed manifest that verifies', async () => {
    const run = await openSnapshotRun(store, fleet, { now: RUN_AT, signer: keys.signer, backfill: false });
    expect(run).toEqual({
      opening: expect.stringMatching(/^openings\/2026-11-23T04-00-00/),
      runAt: '2026-11-23T04:00:00.000Z',
      clusters: ['prod-east', 'prod-west'],
    });

    const outcomes: ClusterStepOutcome[] = [];
    for (const [i, cluster] of run.clusters.entries()) {
      const opening = await readRunOpening(store, run.opening, keys.signer);
      outcomes.push(await snapshotClusterStep(store, fleet, opening, cluster, { clock: at(i + 1), logger }));
    }
    const finished = await finishSnapshotRun(store, await readRunOpening(store, run.opening, keys.signer), outcomes, {
      signer: keys.signer,
    });

    expect(outcomes.map((o) => ('status' in o ? [o.cluster, o.status, o.written?.key] : o))).toEqual([
      ['prod-east', 'ok', expect.stringMatching(/^snapshots\/cluster=prod-east\/date=2026-11-23\//)],
      ['prod-west', 'ok', expect.stringMatching(/^snapshots\/cluster=prod-west\/date=2026-11-23\//)],
    ]);
    expect(finished).toEqual({
      manifest: expect.stringMatching(/^manifests\/2026-11-23T04-00-00/),
      counts: { ok: 2, partial: 0, unreachable: 0, failed: 0 },
      abandoned: [],
      alreadyFinished: false,
    });
    const { manifests } = await readManifests(store);
    // Besides its snapshots, the manifest records the run's heads index (index/heads/).
    const recorded = (m: (typeof manifests)[number]) =>
      m.manifest.objects.map((o) => o.key).filter((key) => !key.startsWith('index/heads/'));
    expect(manifests.map((m) => [m.key, m.manifest.opening?.key, recorded(m).sort()])).toEqual([
      [finished.manifest, run.opening, outcomes.map((o) => ('written' in o ? o.written?.key : null)).sort()],
    ]);
    const verified = await verifyLedger(store, { publicKey: keys.key });
    expect(verified.problems).toEqual([]);
    expect(verified.notices).toEqual([]);
    expect(verified.ok).toBe(true);
  }, 60_000);

  it('records a failed cluster step without failing the run, and abandons what a failed attempt stored', async () => {
    const run = await openSnapshotRun(store, fleet, { now: RUN_AT, signer: keys.signer, backfill: false });
    const opening = await readRunOpening(store, run.opening, keys.signer);
    // The first attempt stores its snapshot and dies before returning; the retry stores another.
    const lost = await snapshotClusterStep(store, fleet, opening, 'prod-east', { clock: at(1), logger });
    const retried = await snapshotClusterStep(store, fleet, opening, 'prod-east', { clock: at(2), logger });

    const finished = await finishSnapshotRun(
      store,
      opening,
      [retried, { cluster: 'prod-west', error: 'Lambda.TimeoutException: Task timed out after 900 seconds' }],
      { signer: keys.signer },
    );

    expect(finished.counts).toEqual({ ok: 1, partial: 0, unreachable: 0, failed: 1 });
    expect(finished.abandoned).toEqual([lost.written!.key]);
    const verified = await verifyLedger(store, { publicKey: keys.key });
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    // A retried finish step writes no second manifest.
    const again = await finishSnapshotRun(store, opening, [retried], { signer: keys.signer });
    expect(again).toEqual({
      ...finished,
      abandoned: [],
      alreadyFinished: true,
      counts: { ...finished.counts, failed: 0 },
    });
    expect((await readManifests(store)).manifests).toHaveLength(1);
  }, 60_000);

  it('stores nothing outside the opening: after its window, or for a cluster it does not name', async () => {
    const run = await openSnapshotRun(
      store,
      { ...fleet, clusters: fleet.clusters.filter((c) => c.name === 'prod-east') },
      { now: RUN_AT, signer: keys.signer, backfill: false },
    );
    const opening = await readRunOpening(store, run.opening, keys.signer);

    const late = await snapshotClusterStep(store, fleet, opening, 'prod-east', { clock: at(13 * 60), logger });
    const unnamed = await snapshotClusterStep(store, fleet, opening, 'prod-west', { clock: at(1), logger });

    expect(late.written).toBeNull();
    expect(late.notStoredReason).toMatch(
      /is after the run's window \(it opened at 2026-11-23T04:00:00.000Z and may write until 2026-11-23T16:00:00.000Z\)$/,
    );
    expect(unnamed.written).toBeNull();
    expect(unnamed.notStoredReason).toMatch(/snapshots\/cluster=prod-west\/.* is outside the run's opening$/);
    expect(await store.list('snapshots/')).toEqual([]);
  }, 60_000);

  it('refuses a back-dated run before writing, and a step under an opening another key signed', async () => {
    await openSnapshotRun(store, fleet, { now: RUN_AT, signer: keys.signer, backfill: false }).then(async (run) => {
      const opening = await readRunOpening(store, run.opening, keys.signer);
      await finishSnapshotRun(store, opening, [], { signer: keys.signer });
    });
    await expect(
      openSnapshotRun(store, fleet, { now: RUN_AT.minus({ days: 1 }), signer: keys.signer, backfill: false }),
    ).rejects.toThrow(/the run time 2026-11-22T04:00:00.000Z is earlier than the newest run in the ledger/);

    const foreign = await openSnapshotRun(store, fleet, {
      now: RUN_AT.plus({ hours: 1 }),
      signer: other.signer,
      backfill: false,
    });
    await expect(readRunOpening(store, foreign.opening, keys.signer)).rejects.toThrow(
      `${dir}: ${foreign.opening}: the run's opening is not signed by the run's key`,
    );
  }, 60_000);
});
