/**
 * The heads index: what a snapshot run needs to place itself in the chain (the heads, the newest
 * run time, the openings no manifest links) without reading anything that grows with the ledger's
 * age. The chain index before it (chainIndex.ts) described every manifest ever written: 0.55 MB
 * read, checked and written again by each run after 1,000 runs.
 *
 * Each run writes, just before its manifest, one small object (`index/heads/<runAt>-<hash>.json`,
 * write-once like everything else) that its manifest records with its SHA-256 like any object:
 * - `heads`: the heads of the chain the run read that its manifest does not follow (a signing run
 *   leaves others' manifests alone), described as the chain index describes a manifest; the run's
 *   own manifest is the other head;
 * - `manifests` and `openings`: how many the run listed, the keys of those timed at or after the
 *   `horizon` (the run's time less a run's window, so concurrent runs are named), and the openings
 *   no manifest linked (runs still going, or interrupted and not yet closed).
 *
 * The next run lists the manifests and openings (one listing each), reads the newest manifest and
 * the heads index it records, the heads it names and whatever was written since (keys past the
 * horizon the index does not name). The index is a shortcut, never evidence, and never believed
 * over what the run can check:
 * - missing, not the bytes the manifest recorded, not a heads index, recorded by a newest manifest
 *   a signing run's key did not sign, a head that is not the bytes it names, counts that do not
 *   add up with the listings (a backfill before the horizon, a manifest deleted), or an opening
 *   the store does not hold: the run reads every manifest and opening, as without an index;
 * - a report (which takes evidence from the manifests) and a run that closes an interrupted one
 *   read every manifest; `verify` reads everything and checks every heads index against it.
 */
import type { DateTime } from 'luxon';
import * as z from 'zod';
import { isoUtc } from '../core/clock.js';
import { mapBounded } from '../core/concurrency.js';
import type { VerificationKey } from '../signing/signer.js';
import { manifestSignatureProblem } from './attestation.js';
import { ChainIndexEntry, chainIndexEntryOf } from './chainIndex.js';
import {
  compareKeys,
  HEADS_INDEX_PREFIX,
  headsIndexKey,
  MANIFESTS_PREFIX,
  OPENINGS_PREFIX,
  parseManifestEnvelopeKey,
  parseManifestKey,
  parseOpeningKey,
} from './keys.js';
import {
  chainHeads,
  linksOf,
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
import { RUN_WINDOW } from './runOpening.js';
import { type LedgerStore, ObjectNotFoundError } from './store.js';
import type { EnvelopeReader } from './trust.js';

/** How many a run listed, and the keys of those timed at or after the horizon. */
const Listed = z.object({
  count: z.number().int().nonnegative(),
  recent: z.array(z.string()),
});

export const HeadsIndex = z.object({
  format: z.literal('fleetledger-heads-index'),
  formatVersion: z.literal(1),
  /** The run's time less a run's window: keys timed from here on are named in `recent`. */
  horizon: z.iso.datetime({ offset: false }),
  /** The manifests the run listed before writing its own (which records this index). */
  manifests: Listed,
  /** The openings the run listed, its own included, and those no manifest links (its own aside). */
  openings: Listed.extend({ unfinished: z.array(z.string()) }),
  /** Heads of the chain the run read that its manifest does not follow. */
  heads: z.array(ChainIndexEntry),
});
export type HeadsIndex = z.infer<typeof HeadsIndex>;

/** The openings as a run sees them at its start: every key listed, and those no manifest links. */
export interface OpeningsListing {
  listed: ReadonlySet<string>;
  unlinked: string[];
}

const READ_CONCURRENCY = 16;

const runAtOf = (key: string): number => Date.parse(parseManifestKey(key)?.runAt ?? parseOpeningKey(key)?.runAt ?? '');

/** Every opening the manifests link, as their own or as closed. */
export function linkedOpenings(manifests: readonly StoredManifest[]): Set<string> {
  return new Set(
    manifests.flatMap(({ manifest }) => [
      ...(manifest.opening ? [manifest.opening.key] : []),
      ...(manifest.closes ?? []).map((closing) => closing.opening.key),
    ]),
  );
}

/** The openings listed and those the (fully read) manifests do not link. */
export async function listOpenings(store: LedgerStore, readout: ManifestReadout): Promise<OpeningsListing> {
  const keys = (await store.list(OPENINGS_PREFIX)).map((o) => o.key).filter((key) => parseOpeningKey(key));
  const linked = linkedOpenings(readout.manifests);
  return { listed: new Set(keys), unlinked: keys.filter((key) => !linked.has(key)) };
}

/** Every manifest key a readout knows of: read, unreadable, or only listed. */
function listedManifestKeys(readout: ManifestReadout): string[] {
  return [
    ...readout.manifests.map((stored) => stored.key),
    ...readout.corrupt.map((error) => error.key),
    ...(readout.summarized ?? []),
  ];
}

/** Writes the heads index of a run about to write its manifest (which records it). */
export async function writeHeadsIndex(
  store: LedgerStore,
  run: {
    runAt: DateTime;
    /** The chain as read just before the manifest. */
    readout: ManifestReadout;
    /** The heads the manifest follows. */
    follows: readonly Pick<StoredManifest, 'key'>[];
    /** The openings listed at the run's start, its own included, and those still unfinished after it. */
    openings: { listed: ReadonlySet<string>; unfinished: readonly string[] };
  },
): Promise<WrittenObject> {
  const horizon = run.runAt.minus(RUN_WINDOW);
  const recent = (keys: Iterable<string>) =>
    [...keys].filter((key) => runAtOf(key) >= horizon.toMillis()).sort(compareKeys);
  const manifestKeys = new Set(listedManifestKeys(run.readout));
  const followed = new Set(run.follows.map((stored) => stored.key));
  const index: HeadsIndex = {
    format: 'fleetledger-heads-index',
    formatVersion: 1,
    horizon: isoUtc(horizon),
    manifests: { count: manifestKeys.size, recent: recent(manifestKeys) },
    openings: {
      count: run.openings.listed.size,
      recent: recent(run.openings.listed),
      unfinished: [...run.openings.unfinished].sort(compareKeys),
    },
    heads: chainHeads(run.readout.manifests)
      .filter((stored) => !followed.has(stored.key))
      .map(chainIndexEntryOf),
  };
  return writeJson(store, headsIndexKey(run.runAt, sha256Hex(encodeJson(index)).slice(0, 16)), index);
}

function parseHeadsIndex(key: string, bytes: Uint8Array): HeadsIndex | string {
  try {
    const parsed = HeadsIndex.safeParse(parseJsonObject(key, bytes));
    return parsed.success ? parsed.data : `${key} is not a heads index`;
  } catch (error) {
    if (error instanceof CorruptObjectError) return error.message;
    throw error;
  }
}

/** The heads index a manifest records, or why it cannot be used (null: it records none). */
async function recordedHeadsIndex(store: LedgerStore, stored: StoredManifest): Promise<HeadsIndex | string | null> {
  const entry = stored.manifest.objects.find((object) => object.key.startsWith(HEADS_INDEX_PREFIX));
  if (!entry) return null;
  let bytes: Uint8Array;
  try {
    bytes = await store.get(entry.key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return `${entry.key} is missing`;
    throw error;
  }
  if (sha256Hex(bytes) !== entry.sha256) return `${entry.key} is not the index ${stored.key} recorded`;
  return parseHeadsIndex(entry.key, bytes);
}

async function readNamed(store: LedgerStore, key: string): Promise<StoredManifest | CorruptObjectError | null> {
  try {
    return await readManifest(store, key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

export type HeadsIndexedReadout = { readout: ManifestReadout; openings: OpeningsListing } | { fallback: string };

/**
 * The chain as a snapshot run needs it, read through the heads index of the newest manifest: the
 * newest manifest, the heads the index names, the manifests written since, and the openings no
 * manifest links; or why the index cannot be used (the caller then reads everything). With `key`,
 * only an index recorded by a manifest that key signed is used.
 */
export async function readThroughHeadsIndex(
  store: LedgerStore,
  trust: { key: VerificationKey | null; envelopes: EnvelopeReader },
): Promise<HeadsIndexedReadout> {
  const all = await store.list(MANIFESTS_PREFIX);
  const listed = all.filter((object) => parseManifestKey(object.key) !== null).map((object) => object.key);
  const envelopeKeys = new Set(all.map((object) => object.key).filter((key) => parseManifestEnvelopeKey(key)));
  const newestKey = listed.at(-1);
  if (!newestKey) return { fallback: 'no manifest yet' };
  const newest = await readManifest(store, newestKey);
  if (newest instanceof CorruptObjectError) return { fallback: newest.message };
  if (
    trust.key &&
    manifestSignatureProblem(
      newest,
      await trust.envelopes.envelopeOf(newest.key, { manifests: [newest], corrupt: [], envelopeKeys }),
      trust.key,
    ) !== null
  ) {
    return { fallback: `${newest.key} is not signed by the run's key` };
  }
  const index = await recordedHeadsIndex(store, newest);
  if (index === null) return { fallback: `${newest.key} records no heads index` };
  if (typeof index === 'string') return { fallback: index };
  const horizon = Date.parse(index.horizon);

  // Written since the index (concurrent runs): past the horizon and not named by it.
  const knownManifests = new Set(index.manifests.recent);
  const since = listed.filter((key) => key !== newest.key && !knownManifests.has(key) && runAtOf(key) >= horizon);
  if (listed.length !== index.manifests.count + 1 + since.length) {
    return { fallback: `the ledger holds manifests the heads index of ${newest.key} does not account for` };
  }
  // The heads it names are those the newest manifest does not follow.
  const followed = new Set(linksOf(newest.manifest).map((link) => link.key));
  const followedHead = index.heads.find((entry) => followed.has(entry.key));
  if (followedHead) return { fallback: `the heads index names ${followedHead.key}, which ${newest.key} follows` };
  const heads = await mapBounded(index.heads, READ_CONCURRENCY, (entry) => readNamed(store, entry.key));
  for (const [i, head] of heads.entries()) {
    if (!(head && !(head instanceof CorruptObjectError) && head.sha256 === index.heads[i]!.sha256)) {
      return { fallback: `${index.heads[i]!.key} is not the manifest the heads index names` };
    }
  }
  const read = await mapBounded(since, READ_CONCURRENCY, (key) => readManifest(store, key));
  const byKey = new Map([newest, ...(heads as StoredManifest[]), ...read].map((result) => [result.key, result]));
  const readout = splitReadout([...byKey.values()], envelopeKeys);
  const summarized = new Set(listed.filter((key) => !byKey.has(key)));

  const openingKeys = (await store.list(OPENINGS_PREFIX)).map((o) => o.key).filter((key) => parseOpeningKey(key));
  const openingSet = new Set(openingKeys);
  const knownOpenings = new Set(index.openings.recent);
  const newOpenings = openingKeys.filter((key) => !knownOpenings.has(key) && runAtOf(key) >= horizon);
  if (openingKeys.length !== index.openings.count + newOpenings.length) {
    return { fallback: `the ledger holds openings the heads index of ${newest.key} does not account for` };
  }
  const gone = index.openings.unfinished.find((key) => !openingSet.has(key));
  if (gone) return { fallback: `the heads index names the opening ${gone}, which the store does not hold` };
  const linked = linkedOpenings(readout.manifests);
  const unlinked = [...new Set([...index.openings.unfinished, ...newOpenings])]
    .filter((key) => !linked.has(key))
    .sort(compareKeys);
  return {
    readout: summarized.size > 0 ? { ...readout, summarized } : readout,
    openings: { listed: openingSet, unlinked },
  };
}

/**
 * What `verify` finds wrong with a heads index, given every manifest, the manifest that records it
 * and every opening key: each head must be described as the manifest says, each key it names must
 * exist, and it must count at least the manifests its run's manifest follows.
 */
export async function headsIndexProblems(
  store: LedgerStore,
  key: string,
  context: {
    manifests: ReadonlyMap<string, StoredManifest>;
    recordedBy: string;
    openings: ReadonlySet<string>;
  },
): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return [];
    throw error;
  }
  const index = parseHeadsIndex(key, bytes);
  if (typeof index === 'string') return ['not a heads index'];
  const problems: string[] = [];
  const recording = context.manifests.get(context.recordedBy);
  const before = recording ? ancestorsOf(recording, context.manifests) : new Set<string>();
  for (const entry of index.heads) {
    const actual = context.manifests.get(entry.key);
    if (!actual) problems.push(`names the head ${entry.key}, which is missing or unreadable`);
    else if (JSON.stringify(chainIndexEntryOf(actual)) !== JSON.stringify(entry)) {
      problems.push(`describes ${entry.key} otherwise than the manifest says`);
    } else if (before.has(entry.key)) {
      problems.push(`names ${entry.key} as a head, but ${context.recordedBy} follows it`);
    }
  }
  for (const manifestKey of index.manifests.recent) {
    if (!context.manifests.has(manifestKey)) problems.push(`names ${manifestKey}, which is missing or unreadable`);
  }
  for (const openingKey of new Set([...index.openings.recent, ...index.openings.unfinished])) {
    if (!context.openings.has(openingKey)) problems.push(`names the opening ${openingKey}, which is missing`);
  }
  if (index.manifests.count < before.size) {
    problems.push(`counts ${index.manifests.count} manifests, but ${context.recordedBy} follows ${before.size}`);
  }
  return problems;
}

/** The manifests the manifest follows, directly or not. */
function ancestorsOf(start: StoredManifest, manifests: ReadonlyMap<string, StoredManifest>): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  for (let stored = pending.pop(); stored; stored = pending.pop()) {
    for (const link of linksOf(stored.manifest)) {
      const target = manifests.get(link.key);
      if (target && !seen.has(target.key)) {
        seen.add(target.key);
        pending.push(target);
      }
    }
  }
  return seen;
}
