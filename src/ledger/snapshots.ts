/**
 * Snapshots in the ledger: validated on the way in and on the way out, gzip JSON at the key
 * keys.ts assigns.
 */
import type { DateTime } from 'luxon';
import { mapBounded } from '../core/concurrency.js';
import { SNAPSHOT_SCHEMA_VERSION, Snapshot } from '../snapshot/schema.js';
import { validSnapshot } from '../snapshot/validatedSnapshot.js';
import { parseSnapshotKey, snapshotKey, snapshotPrefix } from './keys.js';
import { CorruptObjectError, gunzipObject, parseJsonObject, type WrittenObject, writeJson } from './objects.js';
import { type LedgerStore, ObjectNotFoundError, type StoredObjectInfo } from './store.js';

/** A snapshot known by its key only (listing reads no object). */
export interface SnapshotRef {
  key: string;
  cluster: string;
  /** ISO 8601 UTC: the snapshot's collection start. */
  collectedAt: string;
  size: number;
}

/**
 * Validates and stores a snapshot once; re-writing the identical snapshot is a no-op.
 * Throws a ZodError for an invalid snapshot (a programmer error) and ObjectExistsError when
 * another snapshot already holds the key.
 */
export async function writeSnapshot(store: LedgerStore, snapshot: Snapshot): Promise<WrittenObject> {
  const valid = validSnapshot(snapshot);
  const key = snapshotKey(valid.meta.cluster, valid.meta.collectionStart);
  const written = await writeJson(store, key, valid, {
    gzip: true,
    metadata: { 'schema-version': String(SNAPSHOT_SCHEMA_VERSION) },
  });
  return { key: written.key, size: written.size, sha256: written.sha256 };
}

/**
 * Reads a snapshot back; CorruptObjectError naming the key when it is truncated, not gzip, not
 * JSON, not a valid schema v1 snapshot, or not the snapshot its key names.
 */
export async function readSnapshot(store: LedgerStore, key: string): Promise<Snapshot> {
  return parseSnapshotObject(key, await store.get(key));
}

/** The snapshot in stored bytes (as readSnapshot, for a caller that checks the bytes first). */
export function parseSnapshotObject(key: string, bytes: Uint8Array): Snapshot {
  const document = parseJsonObject(key, gunzipObject(key, bytes));
  const parsed = Snapshot.safeParse(document);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new CorruptObjectError(key, `not a schema v${SNAPSHOT_SCHEMA_VERSION} snapshot (${issues})`);
  }
  const expected = parseSnapshotKey(key);
  if (expected && snapshotKey(parsed.data.meta.cluster, parsed.data.meta.collectionStart) !== key) {
    throw new CorruptObjectError(
      key,
      `holds the snapshot of ${parsed.data.meta.cluster} at ${parsed.data.meta.collectionStart}, not the one its key names`,
    );
  }
  return parsed.data;
}

export interface ListSnapshotsFilter {
  cluster?: string;
  /** Inclusive lower bound of the collection time. */
  from?: DateTime;
  /** Exclusive upper bound of the collection time. */
  to?: DateTime;
}

/** Snapshots in key order (cluster, then time), filtered by their keys alone. */
export async function listSnapshots(store: LedgerStore, filter: ListSnapshotsFilter = {}): Promise<SnapshotRef[]> {
  return filterSnapshots(snapshotRefsOf(await store.list(snapshotPrefix(filter.cluster))), filter);
}

/** The listed objects whose keys name snapshots, as refs (other keys are left out). */
export function snapshotRefsOf(objects: readonly StoredObjectInfo[]): SnapshotRef[] {
  return objects.flatMap((object) => {
    const parts = parseSnapshotKey(object.key);
    return parts
      ? [{ key: object.key, cluster: parts.cluster, collectedAt: parts.collectedAt, size: object.size }]
      : [];
  });
}

/** The refs that pass the filter, in their order: for a run that listed the ledger once already. */
export function filterSnapshots(refs: readonly SnapshotRef[], filter: ListSnapshotsFilter): SnapshotRef[] {
  const fromMillis = filter.from?.toMillis();
  const toMillis = filter.to?.toMillis();
  return refs.filter((ref) => {
    const at = Date.parse(ref.collectedAt);
    return (
      (filter.cluster === undefined || ref.cluster === filter.cluster) &&
      (fromMillis === undefined || at >= fromMillis) &&
      (toMillis === undefined || at < toMillis)
    );
  });
}

/** A snapshot that could not be read: reports show it as a gap instead of failing. */
export interface SnapshotGap {
  key: string;
  reason: string;
}

export interface SnapshotsRead {
  /** In the order of the refs given. */
  snapshots: { ref: SnapshotRef; snapshot: Snapshot }[];
  gaps: SnapshotGap[];
}

/**
 * Reads many snapshots, recording corrupt or vanished ones as gaps and carrying on; an unreachable
 * store still fails (OperationalError).
 *
 * @example
 * const { snapshots, gaps } = await readSnapshots(store, await listSnapshots(store, { from, to }));
 */
export async function readSnapshots(
  store: LedgerStore,
  refs: readonly SnapshotRef[],
  options: { concurrency?: number } = {},
): Promise<SnapshotsRead> {
  type Outcome = { ref: SnapshotRef; snapshot: Snapshot } | SnapshotGap;
  const outcomes = await mapBounded(refs, options.concurrency ?? 8, async (ref): Promise<Outcome> => {
    try {
      return { ref, snapshot: await readSnapshot(store, ref.key) };
    } catch (error) {
      if (error instanceof CorruptObjectError) return { key: ref.key, reason: error.reason };
      if (error instanceof ObjectNotFoundError)
        return { key: ref.key, reason: 'missing (deleted after it was listed)' };
      throw error;
    }
  });
  const read: SnapshotsRead = { snapshots: [], gaps: [] };
  for (const outcome of outcomes) {
    if ('snapshot' in outcome) read.snapshots.push(outcome);
    else read.gaps.push(outcome);
  }
  return read;
}
