/**
 * Only snapshots a run manifest records count as evidence (src/evaluate/loadPeriod.ts). Tests that
 * place snapshots with writeSnapshot, or plant bytes with put, record them as a snapshot run would.
 */
import { DateTime } from 'luxon';
import { readManifests, recordedObjectsOf, recordRun } from '../../src/ledger/manifest.js';
import { describeWritten, type WrittenObject } from '../../src/ledger/objects.js';
import { listSnapshots } from '../../src/ledger/snapshots.js';
import type { LedgerStore } from '../../src/ledger/store.js';

/**
 * Records, in one snapshot run manifest, every snapshot key no manifest records yet (with the
 * bytes it holds now, corrupt or not); the run is dated at the oldest of them, as a run starts
 * before it collects (dated later, it would be newer than the reports tests then generate for
 * earlier weeks, and the ledger refuses such back-dated runs). Null: nothing new.
 */
export async function recordStoredSnapshots(store: LedgerStore): Promise<WrittenObject | null> {
  const recorded = recordedObjectsOf((await readManifests(store)).manifests);
  const fresh = (await listSnapshots(store)).filter((ref) => !recorded.has(ref.key));
  if (fresh.length === 0) return null;
  const written = await Promise.all(fresh.map(async (ref) => describeWritten(ref.key, await store.get(ref.key))));
  const oldest = fresh
    .map((ref) => ref.collectedAt)
    .sort()
    .at(0) as string;
  return recordRun(store, { runAt: DateTime.fromISO(oldest, { zone: 'utc' }), written, kind: 'snapshot' });
}
