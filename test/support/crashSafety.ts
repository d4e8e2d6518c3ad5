/**
 * Crash safety, the same on every store: real `fleetledger snapshot` and `report` processes are
 * killed (SIGKILL) after each of their writes in turn, or lose the store mid-run, against a real
 * simulated fleet. However a run ends, the ledger verifies with its signatures (an interrupted run
 * is a notice, never a problem), and once a later run completes, every interrupted run is closed
 * with what it left recorded as abandoned, never used as evidence. An object that no run opened
 * or recorded still fails verify.
 */
import { DateTime } from 'luxon';
import { main } from '../../src/cli/main.js';
import { isoUtc } from '../../src/core/clock.js';
import { reportPrefix, snapshotKey } from '../../src/ledger/keys.js';
import { encodeJson } from '../../src/ledger/objects.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { ReportDocument } from '../../src/report/schema.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from '../collect/fixtures.js';
import { captureOutput } from '../ledger/storeFixtures.js';
import { runFleetledger } from './cli.js';
import { killAfterWrites, runWithStoreOutage } from './interruptedRuns.js';
import { type TestKeyPair, testKeyPair } from './signedLedger.js';
import { makeSnapshot } from './snapshotFixture.js';

export interface CrashStore {
  /** The --store value and extra CLI arguments. */
  location: string;
  cliArgs: string[];
  /** Environment of the CLI processes (AWS settings for S3). */
  env: Record<string, string>;
  store: LedgerStore;
  /** Puts bytes behind the ledger's back (what a stray writer does). */
  plant(key: string, bytes: Uint8Array): Promise<void>;
  dispose(): Promise<void>;
}

const T0 = DateTime.fromISO('2026-11-23T06:00:00.000Z', { zone: 'utc' });
/** Runs 13 hours apart: each after the 12-hour window of the one before. */
const at = (step: number) => T0.plus({ hours: 13 * step }).toISO({ suppressMilliseconds: false })!;

export function describeCrashSafety(storeKind: string, open: () => Promise<CrashStore>): void {
  describe(`runs interrupted at every write, on a ${storeKind}`, () => {
    let fleet: RunningFleet;
    let keys: TestKeyPair;
    let subject: CrashStore;
    beforeAll(async () => {
      const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
      [fleet, keys] = await Promise.all([
        startSimulatedFleet([
          { name: 'prod-east', objects: [namespace('payments')] },
          { name: 'prod-west', objects: [namespace('web')] },
        ]),
        testKeyPair(),
      ]);
    });
    afterAll(() => fleet.stop());
    beforeEach(async () => {
      subject = await open();
    });
    afterEach(() => subject.dispose());

    const withKey = (args: string[]) => [...args, '--signing-key', keys.privateKeyFile];
    const snapshotArgs = (now: string) =>
      withKey([
        'snapshot',
        '--kubeconfig',
        fleet.kubeconfigPath,
        '--store',
        subject.location,
        ...subject.cliArgs,
        '--now',
        now,
      ]);
    const reportArgs = (now: string) =>
      withKey(['report', '--store', subject.location, ...subject.cliArgs, '--period', '2026-W48', '--now', now]);
    const verifyCli = (...extra: string[]) =>
      captureOutput(async () => {
        const saved = { ...process.env };
        Object.assign(process.env, subject.env);
        try {
          return await main([
            'verify',
            '--store',
            subject.location,
            ...subject.cliArgs,
            '--public-key',
            keys.publicKeyFile,
            ...extra,
          ]);
        } finally {
          process.env = saved;
        }
      });
    /** Verify as an auditor would right after an interruption: no problem; each interrupted run shows as open. */
    const expectVerifiesWithOpenRuns = async (count: number) => {
      const result = await verifyLedger(subject.store, { publicKey: keys.key });
      expect(result.problems).toEqual([]);
      expect(result.notices.filter((n) => n.kind === 'open-run')).toHaveLength(count);
    };
    const interruptedCounts = (stdout: string) =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('notice: interrupted-run'))
        .map((line) => Number(/: (\d+) object\(s\) it left/.exec(line)?.[1]));

    it('a snapshot run killed after any of its writes, or cut off by a store outage, leaves a ledger that verifies; the next run closes it', async () => {
      expect((await runFleetledger(snapshotArgs(at(0)), subject.env)).code).toBe(0);
      // Opening, two snapshots, the manifest's signature, the manifest: killed after each of the first four.
      for (const writes of [1, 2, 3, 4]) {
        const killed = await killAfterWrites(snapshotArgs(at(writes)), subject.env, writes);
        expect(killed.signal).toBe('SIGKILL');
        await expectVerifiesWithOpenRuns(writes);
      }
      const outage = await runWithStoreOutage(snapshotArgs(at(5)), subject.env, 2);
      expect(outage.code).toBe(1);
      expect(outage.stderr).toContain('the store is unreachable');
      await expectVerifiesWithOpenRuns(5);

      const later = await runFleetledger(snapshotArgs(at(6)), subject.env);
      const verified = await verifyCli();

      expect(later.code).toBe(0);
      expect(verified.result).toBe(0);
      // What each interrupted run left: nothing; a snapshot; two; two and the manifest's signature; a snapshot.
      expect(interruptedCounts(verified.stdout)).toEqual([0, 1, 2, 3, 1]);
      expect(verified.stdout).not.toContain('open-run');

      // Still foreign: an object in the window of a closed run that did not leave it, and one no run opened.
      const foreign = [T0.minus({ days: 1 }), T0.plus({ hours: 13, minutes: 30 })].map((instant) =>
        makeSnapshot({ meta: { cluster: 'prod-east', collectionStart: isoUtc(instant) } }),
      );
      for (const snapshot of foreign) {
        await subject.plant(
          snapshotKey('prod-east', snapshot.meta.collectionStart),
          encodeJson(snapshot, { gzip: true }),
        );
      }
      const planted = await verifyCli();
      expect(planted.result).toBe(1);
      expect(
        planted.stdout.split('\n').filter((line) => /^[a-z-]+ /.test(line) && !line.startsWith('notice:')),
      ).toEqual(
        foreign.map(
          (snapshot) =>
            `unexpected ${snapshotKey('prod-east', snapshot.meta.collectionStart)}: in the store but recorded by no manifest`,
        ),
      );
    }, 600_000);

    it('a report run killed after any of its writes, or cut off by a store outage, leaves a ledger that verifies and no report rests on what it left', async () => {
      expect((await runFleetledger(snapshotArgs(at(0)), subject.env)).code).toBe(0);
      // Opening, six report files, the trend entry, the manifest's signature, the manifest.
      for (const writes of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
        const killed = await killAfterWrites(reportArgs(at(writes)), subject.env, writes);
        expect(killed.signal).toBe('SIGKILL');
        await expectVerifiesWithOpenRuns(writes);
      }
      const outage = await runWithStoreOutage(reportArgs(at(10)), subject.env, 3);
      expect(outage.code).toBe(1);
      await expectVerifiesWithOpenRuns(10);

      const later = await runFleetledger(reportArgs(at(11)), subject.env);
      const folder = `${reportPrefix('2026-W48')}${at(11).replaceAll(':', '-')}/`;
      const doc = ReportDocument.parse(
        JSON.parse(new TextDecoder().decode(await subject.store.get(`${folder}report.json`))),
      );
      const verified = await verifyCli('--expect-head', doc.ledger!.head!.sha256);

      expect(later.code).toBe(0);
      // The complete report supersedes none of the interrupted ones: their report.json is no record.
      expect(doc.supersedes).toBeNull();
      expect(doc.evidence).toHaveLength(2);
      expect(verified.result).toBe(0);
      expect(interruptedCounts(verified.stdout)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 2]);
    }, 600_000);
  });
}
