/**
 * The chain index: what a run needs to place itself in the chain (each manifest's key, hash, run
 * time, links and opening) without reading every manifest ever written. Without it a snapshot run
 * on a ledger of 1,000 runs read 1,000 manifests first; with it, a run reads the newest manifest,
 * the index that manifest records, the manifests written since and the heads.
 *
 * Each run writes the index of the chain it read (`index/chain/<runAt>-<hash>.json`, write-once like
 * everything else) just before its manifest, and its manifest records it with its SHA-256 like any
 * object: the index is vouched for by the manifest that records it, and `verify` checks it against
 * the manifests it describes.
 *
 * The index is a shortcut, never evidence, and never believed over the manifests:
 * - missing, unreadable, not the bytes the manifest recorded, or naming a manifest the store does
 *   not hold: the run reads every manifest, as before;
 * - a signing run uses it only when the newest manifest carries the run's own signature (otherwise
 *   anyone able to write could steer the trust walk);
 * - every head it yields is read in full and must be the bytes the index names;
 * - evidence (what a report may use) and the closing of interrupted runs always come from the
 *   manifests themselves (ledgerRun.ts reads them all for a report run, or when a run must close one).
 */
import type { DateTime } from 'luxon';
import * as z from 'zod';
import { mapBounded } from '../core/concurrency.js';
import type { VerificationKey } from '../signing/signer.js';
import { manifestSignatureProblem } from './attestation.js';
import {
  CHAIN_INDEX_PREFIX,
  chainIndexKey,
  MANIFESTS_PREFIX,
  parseManifestEnvelopeKey,
  parseManifestKey,
} from './keys.js';
import {
  chainHeads,
  linksOf,
  MANIFEST_FORMAT_VERSION,
  type Manifest,
  ManifestLink,
  type ManifestReadout,
  readManifest,
  type StoredManifest,
  splitReadout,
} from './manifest.js';
import {
  CorruptObjectError,
  encodeJson,
  parseJsonObject,
  sha256Hex,
  type WrittenObject,
  writeJson,
} from './objects.js';
import { type LedgerStore, ObjectNotFoundError } from './store.js';
import type { EnvelopeReader } from './trust.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** One manifest as the index describes it: everything of it but the objects it records. */
export const ChainIndexEntry = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  sha256,
  kind: z.enum(['snapshot', 'report']),
  runAt: z.iso.datetime({ offset: false }),
  fleetledgerVersion: z.string(),
  /** `previous` first, then `alsoFollows`. */
  links: z.array(ManifestLink),
  opening: ManifestLink.optional(),
  /** The openings of interrupted runs the manifest closed. */
  closes: z.array(ManifestLink).optional(),
  backfill: z.literal(true).optional(),
});
export type ChainIndexEntry = z.infer<typeof ChainIndexEntry>;

export const ChainIndex = z.object({
  format: z.literal('fleetledger-chain-index'),
  formatVersion: z.literal(1),
  /** Every readable manifest the run read, in key order. */
  manifests: z.array(ChainIndexEntry),
});
export type ChainIndex = z.infer<typeof ChainIndex>;

const READ_CONCURRENCY = 16;

export function chainIndexEntryOf(stored: StoredManifest): ChainIndexEntry {
  const { manifest } = stored;
  return {
    key: stored.key,
    size: stored.size,
    sha256: stored.sha256,
    kind: manifest.kind,
    runAt: manifest.runAt,
    fleetledgerVersion: manifest.fleetledgerVersion,
    links: linksOf(manifest),
    ...(manifest.opening ? { opening: manifest.opening } : {}),
    ...(manifest.closes && manifest.closes.length > 0
      ? { closes: manifest.closes.map((closing) => closing.opening) }
      : {}),
    ...(manifest.backfill ? { backfill: true as const } : {}),
  };
}

/** Writes the index of the manifests a run read (before its manifest, which records it). */
export async function writeChainIndex(
  store: LedgerStore,
  runAt: DateTime,
  manifests: readonly StoredManifest[],
): Promise<WrittenObject> {
  const index: ChainIndex = {
    format: 'fleetledger-chain-index',
    formatVersion: 1,
    manifests: manifests.map(chainIndexEntryOf),
  };
  const bytes = encodeJson(index);
  return writeJson(store, chainIndexKey(runAt, sha256Hex(bytes).slice(0, 16)), index);
}

/** A manifest as far as the index knows it: its place in the chain, no objects. */
function summarizedManifest(entry: ChainIndexEntry): StoredManifest {
  const [previous, ...alsoFollows] = entry.links;
  const manifest: Manifest = {
    format: 'fleetledger-manifest',
    formatVersion: MANIFEST_FORMAT_VERSION,
    kind: entry.kind,
    runAt: entry.runAt,
    fleetledgerVersion: entry.fleetledgerVersion,
    previous: previous ?? null,
    ...(alsoFollows.length > 0 ? { alsoFollows } : {}),
    ...(entry.opening ? { opening: entry.opening } : {}),
    ...(entry.closes ? { closes: entry.closes.map((opening) => ({ opening, abandoned: [] })) } : {}),
    ...(entry.backfill ? { backfill: true as const } : {}),
    objects: [],
  };
  return { key: entry.key, size: entry.size, sha256: entry.sha256, manifest };
}

/** The chain index a manifest records, or why it cannot be used (null: it records none). */
async function recordedIndex(store: LedgerStore, stored: StoredManifest): Promise<ChainIndex | string | null> {
  const entry = stored.manifest.objects.find((object) => object.key.startsWith(CHAIN_INDEX_PREFIX));
  if (!entry) return null;
  let bytes: Uint8Array;
  try {
    bytes = await store.get(entry.key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return `${entry.key} is missing`;
    throw error;
  }
  if (sha256Hex(bytes) !== entry.sha256) return `${entry.key} is not the index ${stored.key} recorded`;
  try {
    const parsed = ChainIndex.safeParse(parseJsonObject(entry.key, bytes));
    return parsed.success ? parsed.data : `${entry.key} is not a chain index`;
  } catch (error) {
    if (error instanceof CorruptObjectError) return error.message;
    throw error;
  }
}

export type IndexedReadout = { readout: ManifestReadout } | { fallback: string };

/**
 * The manifests as a run needs them, read through the chain index of the newest manifest; or why
 * the index cannot be used (the caller then reads every manifest). With `key`, only an index
 * recorded by a manifest that key signed is used.
 */
export async function readManifestsThroughIndex(
  store: LedgerStore,
  trust: { key: VerificationKey | null; envelopes: EnvelopeReader },
): Promise<IndexedReadout> {
  const all = await store.list(MANIFESTS_PREFIX);
  const listed = all.filter((object) => parseManifestKey(object.key) !== null).map((object) => object.key);
  const envelopeKeys = new Set(all.map((object) => object.key).filter((key) => parseManifestEnvelopeKey(key)));
  const newestKey = listed.at(-1);
  if (!newestKey) return { fallback: 'no manifest yet' };
  const newest = await readManifest(store, newestKey);
  if (newest instanceof CorruptObjectError) return { fallback: newest.message };
  const partial: ManifestReadout = { manifests: [newest], corrupt: [], envelopeKeys };
  if (
    trust.key &&
    manifestSignatureProblem(newest, await trust.envelopes.envelopeOf(newest.key, partial), trust.key) !== null
  ) {
    return { fallback: `${newest.key} is not signed by the run's key` };
  }
  const index = await recordedIndex(store, newest);
  if (index === null) return { fallback: `${newest.key} records no chain index` };
  if (typeof index === 'string') return { fallback: index };

  const listedKeys = new Set(listed);
  const absent = index.manifests.find((entry) => !listedKeys.has(entry.key));
  if (absent) return { fallback: `the chain index names ${absent.key}, which the store does not hold` };
  const indexed = new Map(index.manifests.map((entry) => [entry.key, entry]));
  // Written since the index (concurrent runs, backfills) or unreadable when it was written: read.
  const unindexed = listed.filter((key) => key !== newest.key && !indexed.has(key));
  const read = await mapBounded(unindexed, READ_CONCURRENCY, (key) => readManifest(store, key));
  const summaries = index.manifests.filter((entry) => entry.key !== newest.key).map(summarizedManifest);
  let readout = splitReadout([newest, ...read, ...summaries], envelopeKeys);

  // The heads are what a run follows: each is read in full and must be what the index says.
  const summarized = new Set(summaries.map((stored) => stored.key));
  const heads = chainHeads(readout.manifests).filter((stored) => summarized.has(stored.key));
  const fullHeads = await mapBounded(heads, READ_CONCURRENCY, (stored) => readManifest(store, stored.key));
  for (const [i, full] of fullHeads.entries()) {
    if (full instanceof CorruptObjectError) return { fallback: full.message };
    if (full.sha256 !== heads[i]!.sha256) return { fallback: `${full.key} is not the manifest the chain index names` };
    summarized.delete(full.key);
  }
  const replaced = new Map((fullHeads as StoredManifest[]).map((full) => [full.key, full]));
  readout = { ...readout, manifests: readout.manifests.map((stored) => replaced.get(stored.key) ?? stored) };
  return { readout: summarized.size > 0 ? { ...readout, summarized } : readout };
}

/** What `verify` finds wrong with a chain index: each entry must describe the manifest it names. */
export async function chainIndexProblems(
  store: LedgerStore,
  key: string,
  manifests: ReadonlyMap<string, StoredManifest>,
): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return [];
    throw error;
  }
  let parsed: ReturnType<typeof ChainIndex.safeParse>;
  try {
    parsed = ChainIndex.safeParse(parseJsonObject(key, bytes));
  } catch (error) {
    if (error instanceof CorruptObjectError) return [error.reason];
    throw error;
  }
  if (!parsed.success) return ['not a chain index'];
  const problems: string[] = [];
  for (const entry of parsed.data.manifests) {
    const actual = manifests.get(entry.key);
    if (!actual) problems.push(`names ${entry.key}, which is missing or unreadable`);
    else if (JSON.stringify(chainIndexEntryOf(actual)) !== JSON.stringify(entry)) {
      problems.push(`describes ${entry.key} otherwise than the manifest says`);
    }
  }
  return problems;
}
