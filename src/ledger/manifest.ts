/**
 * Run manifests: every run records what it wrote (each key with its size and SHA-256) and the
 * SHA-256 of the manifest before it, so the manifests form a hash chain across runs. A manifest's
 * key ends with the start of its own SHA-256, so even the newest manifest cannot be altered
 * without the change showing.
 *
 * The previous manifest is the head of the chain (the one no other manifest follows), found by
 * reading the chain, not by key order, so back-dated runs (`--now`) still chain correctly. Two
 * concurrent runs may both follow the same head: the chain then forks. The next run follows every
 * head (`previous` plus `alsoFollows`), which joins the branches again: on write-once storage a
 * fork cannot be repaired, only closed, and verify reports it as a notice, not as tampering.
 */
import type { DateTime } from 'luxon';
import * as z from 'zod';
import { isoUtc } from '../core/clock.js';
import { mapBounded } from '../core/concurrency.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import type { Signer } from '../signing/signer.js';
import { writeManifestEnvelope } from './attestation.js';
import {
  compareKeys,
  keyProblemOf,
  MANIFESTS_PREFIX,
  manifestKey,
  parseManifestEnvelopeKey,
  parseManifestKey,
} from './keys.js';
import {
  CorruptObjectError,
  encodeJson,
  parseJsonObject,
  sha256Hex,
  type WrittenObject,
  writeJson,
} from './objects.js';
import type { LedgerStore } from './store.js';

export const MANIFEST_FORMAT_VERSION = 1 as const;
/** How many hex digits of its own SHA-256 a manifest's key carries. */
export const MANIFEST_HASH_DIGITS = 16;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

// A recorded key is looked up in the store: one that could lead out of it makes the manifest corrupt.
const recordedKey = z.string().superRefine((key, ctx) => {
  const problem = keyProblemOf(key);
  if (problem) ctx.addIssue({ code: 'custom', message: `not a ledger key: ${problem}` });
});

export const ManifestEntry = z.object({ key: recordedKey, size: z.number().int().nonnegative(), sha256 });

/** A manifest another one follows: its key and the SHA-256 of its bytes. */
export const ManifestLink = z.object({ key: z.string(), sha256 });
export type ManifestLink = z.infer<typeof ManifestLink>;

/** An interrupted run's opening and the objects it left, which no manifest records as evidence. */
export const ManifestClosing = z.object({ opening: ManifestLink, abandoned: z.array(ManifestEntry) });
export type ManifestClosing = z.infer<typeof ManifestClosing>;

export const Manifest = z.object({
  format: z.literal('fleetledger-manifest'),
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  kind: z.enum(['snapshot', 'report']),
  runAt: z.iso.datetime({ offset: false }),
  fleetledgerVersion: z.string(),
  previous: ManifestLink.nullable(),
  /**
   * The other heads of a forked chain (concurrent runs), joined by this manifest. Absent on a
   * linear chain, and optional so that format-1 readers of either age read both kinds.
   */
  alsoFollows: z.array(ManifestLink).optional(),
  /** This run's opening record (ledgerRun.ts), written before its objects. Absent in manifests of earlier versions. */
  opening: ManifestLink.optional(),
  /** Openings of interrupted runs this run closed, with what they left: recorded as abandoned, never evidence. */
  closes: z.array(ManifestClosing).optional(),
  /** Written with --backfill: the run's time may be earlier than runs already in the ledger. */
  backfill: z.literal(true).optional(),
  objects: z.array(ManifestEntry),
});
export type Manifest = z.infer<typeof Manifest>;

/** Every manifest this one follows: `previous` and, after a fork, `alsoFollows`. */
export function linksOf(manifest: Manifest): ManifestLink[] {
  return [...(manifest.previous ? [manifest.previous] : []), ...(manifest.alsoFollows ?? [])];
}

/** A manifest read from the ledger, with the hash of its stored bytes. */
export interface StoredManifest {
  key: string;
  size: number;
  sha256: string;
  manifest: Manifest;
}

export interface ManifestReadout {
  /** Readable manifests, in key order. */
  manifests: StoredManifest[];
  /** Manifests that could not be read (not JSON, wrong format). */
  corrupt: CorruptObjectError[];
  /** The signature keys listed beside the manifests (`manifests/X.dsse.json`), whether or not their manifest exists. */
  envelopeKeys: ReadonlySet<string>;
  /**
   * Manifests listed but not read, known to be behind the heads through a heads index
   * (headsIndex.ts): not in `manifests`. Absent: every manifest was read.
   */
  summarized?: ReadonlySet<string>;
}

const READ_CONCURRENCY = 16;

/** The manifest in stored bytes (from a store, or from any copy of the ledger's files), or CorruptObjectError. */
export function parseManifest(key: string, bytes: Uint8Array): StoredManifest | CorruptObjectError {
  try {
    const parsed = Manifest.safeParse(parseJsonObject(key, bytes));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return new CorruptObjectError(key, `not a fleetledger manifest (${issue?.path.join('.')}: ${issue?.message})`);
    }
    return { key, size: bytes.byteLength, sha256: sha256Hex(bytes), manifest: parsed.data };
  } catch (error) {
    if (error instanceof CorruptObjectError) return error;
    throw error;
  }
}

/**
 * Reads every manifest of the ledger. With `known` (an earlier readout of the same run), only the
 * manifests written since are read (and those it only listed stay unread): the run's second look
 * costs one listing.
 */
export async function readManifests(store: LedgerStore, known?: ManifestReadout): Promise<ManifestReadout> {
  const all = await store.list(MANIFESTS_PREFIX);
  const listed = all.filter((object) => parseManifestKey(object.key) !== null);
  const envelopeKeys = new Set(
    all.filter((object) => parseManifestEnvelopeKey(object.key)).map((object) => object.key),
  );
  const alreadyRead = new Map((known?.manifests ?? []).map((stored) => [stored.key, stored]));
  // Manifests the earlier readout only listed (through a heads index) stay unread.
  const summarized = new Set(listed.map(({ key }) => key).filter((key) => known?.summarized?.has(key)));
  const toRead = listed.filter(({ key }) => !summarized.has(key));
  const results = await mapBounded(toRead, READ_CONCURRENCY, async ({ key }) => {
    return alreadyRead.get(key) ?? (await readManifest(store, key));
  });
  const readout = splitReadout(results, envelopeKeys);
  return summarized.size > 0 ? { ...readout, summarized } : readout;
}

/** One manifest, read and parsed; a CorruptObjectError when it is not a fleetledger manifest. */
export async function readManifest(store: LedgerStore, key: string): Promise<StoredManifest | CorruptObjectError> {
  return parseManifest(key, await store.get(key));
}

/** Readable and corrupt manifests apart, the readable ones in key order. */
export function splitReadout(
  results: readonly (StoredManifest | CorruptObjectError)[],
  envelopeKeys: ReadonlySet<string>,
): ManifestReadout {
  const manifests: StoredManifest[] = [];
  const corrupt: CorruptObjectError[] = [];
  for (const result of results) {
    if (result instanceof CorruptObjectError) corrupt.push(result);
    else manifests.push(result);
  }
  manifests.sort((a, b) => compareKeys(a.key, b.key));
  return { manifests, corrupt, envelopeKeys };
}

/** What the manifests say a key holds: its size and SHA-256, and which manifest said so. */
export interface RecordedObject {
  size: number;
  sha256: string;
  manifestKey: string;
}

/**
 * Every object the readable manifests record. When two manifests record one key with different
 * hashes, the earlier manifest (key order) wins: verify reports the conflict, and readers that
 * compare the hash with the bytes they read catch the odd one out.
 *
 * @example
 * const recorded = recordedObjectsOf((await readManifests(store)).manifests);
 * if (!recorded.has(key)) ... // written by no run: not evidence
 */
export function recordedObjectsOf(manifests: readonly StoredManifest[]): Map<string, RecordedObject> {
  const recorded = new Map<string, RecordedObject>();
  for (const stored of manifests) {
    for (const entry of stored.manifest.objects) {
      if (!recorded.has(entry.key)) {
        recorded.set(entry.key, { size: entry.size, sha256: entry.sha256, manifestKey: stored.key });
      }
    }
  }
  return recorded;
}

/** Every object the manifests record as abandoned (left by interrupted runs): never evidence. */
export function abandonedObjectsOf(manifests: readonly StoredManifest[]): Map<string, RecordedObject> {
  const abandoned = new Map<string, RecordedObject>();
  for (const stored of manifests) {
    for (const closing of stored.manifest.closes ?? []) {
      for (const entry of closing.abandoned) {
        if (!abandoned.has(entry.key)) {
          abandoned.set(entry.key, { size: entry.size, sha256: entry.sha256, manifestKey: stored.key });
        }
      }
    }
  }
  return abandoned;
}

/** Manifests no other manifest follows: one for a linear chain, several while it is forked. */
export function chainHeads(manifests: readonly StoredManifest[]): StoredManifest[] {
  const followed = new Set(manifests.flatMap((m) => linksOf(m.manifest).map((link) => link.key)));
  return manifests.filter((m) => !followed.has(m.key));
}

/** Whether the manifest's bytes still match the hash its key carries. */
export function manifestMatchesItsKey(stored: Pick<StoredManifest, 'key' | 'sha256'>): boolean {
  return parseManifestKey(stored.key)?.discriminator === stored.sha256.slice(0, MANIFEST_HASH_DIGITS);
}

export interface RunRecord {
  runAt: DateTime;
  written: readonly WrittenObject[];
  kind: 'snapshot' | 'report';
}

export const linkTo = (stored: Pick<StoredManifest, 'key' | 'sha256'>): ManifestLink => ({
  key: stored.key,
  sha256: stored.sha256,
});

/** What a run's manifest says beyond what it wrote: where it stands in the chain and how it ran. */
export interface ManifestPlacement {
  /** The heads the run follows, oldest first: the last is `previous`, the others `alsoFollows`. */
  follow: readonly Pick<StoredManifest, 'key' | 'sha256'>[];
  opening?: ManifestLink;
  closes?: readonly ManifestClosing[];
  backfill?: boolean;
}

export interface WrittenManifest {
  manifest: WrittenObject;
  /** Its signature (DSSE envelope), written just before it; null for an unsigned run. */
  envelope: WrittenObject | null;
}

/**
 * Writes a run's manifest, and before it the signature when there is a signer: a manifest never
 * stands unsigned in a signed ledger, and a signature whose manifest was never written is an
 * interrupted run's leftover (see ledgerRun.ts).
 */
export async function writeManifest(
  store: LedgerStore,
  run: RunRecord & ManifestPlacement,
  signer: Signer | null,
): Promise<WrittenManifest> {
  const previous = run.follow.at(-1);
  const others = run.follow.slice(0, -1);
  const manifest: Manifest = {
    format: 'fleetledger-manifest',
    formatVersion: MANIFEST_FORMAT_VERSION,
    kind: run.kind,
    runAt: isoUtc(run.runAt),
    fleetledgerVersion: FLEETLEDGER_VERSION,
    previous: previous ? linkTo(previous) : null,
    ...(others.length > 0 ? { alsoFollows: others.map(linkTo) } : {}),
    ...(run.opening ? { opening: run.opening } : {}),
    ...(run.closes && run.closes.length > 0 ? { closes: [...run.closes] } : {}),
    ...(run.backfill ? { backfill: true as const } : {}),
    objects: [...run.written]
      .map(({ key, size, sha256 }) => ({ key, size, sha256 }))
      .sort((a, b) => compareKeys(a.key, b.key)),
  };
  const encoding = { pretty: true } as const;
  const bytes = encodeJson(manifest, encoding);
  const hash = sha256Hex(bytes);
  const key = manifestKey(run.runAt, hash.slice(0, MANIFEST_HASH_DIGITS));
  const envelope = signer ? await writeManifestEnvelope(store, { key, sha256: hash, manifest }, signer) : null;
  const written = await writeJson(store, key, manifest, {
    ...encoding,
    metadata: { 'schema-version': String(MANIFEST_FORMAT_VERSION) },
  });
  return { manifest: { key: written.key, size: written.size, sha256: written.sha256 }, envelope };
}

/**
 * Writes the manifest of a run (after the run wrote its objects) and returns where it went. It
 * follows every head of the chain, so a fork left by concurrent runs is joined again. Unsigned,
 * with no opening: what runs wrote before ledgerRun.ts (tests and tools that write records by hand).
 *
 * @param options.known the manifests the run already read (readManifests), so only newer ones are read
 * @example
 * const written = [await writeSnapshot(store, snapshot)];
 * await recordRun(store, { runAt: now, written, kind: 'snapshot' });
 */
export async function recordRun(
  store: LedgerStore,
  run: RunRecord,
  options: { known?: ManifestReadout } = {},
): Promise<WrittenObject> {
  const { manifests } = await readManifests(store, options.known);
  const heads = chainHeads(manifests);
  // The newest head is `previous` (as on a linear chain); the other heads of a fork are joined.
  const follow = heads.length > 0 ? heads : manifests.slice(-1);
  return (await writeManifest(store, { ...run, follow }, null)).manifest;
}
