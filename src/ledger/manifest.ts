/**
 * Run manifests: every run records what it wrote (each key with its size and SHA-256) and the
 * SHA-256 of the manifest before it, so the manifests form a hash chain across runs. A manifest's
 * key ends with the start of its own SHA-256, so even the newest manifest cannot be altered
 * without the change showing.
 *
 * The previous manifest is the head of the chain (the one no other manifest follows), found by
 * reading the chain, not by key order, so back-dated runs (`--now`) still chain correctly. Two
 * concurrent runs may both follow the same head: the chain then forks, which verify reports.
 */
import type { DateTime } from 'luxon';
import { z } from 'zod';
import { isoUtc } from '../core/clock.js';
import { mapBounded } from '../core/concurrency.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import { compareKeys, MANIFESTS_PREFIX, manifestKey, parseManifestKey } from './keys.js';
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

export const ManifestEntry = z.object({ key: z.string(), size: z.number().int().nonnegative(), sha256 });

export const Manifest = z.object({
  format: z.literal('fleetledger-manifest'),
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  kind: z.enum(['snapshot', 'report']),
  runAt: z.iso.datetime({ offset: false }),
  fleetledgerVersion: z.string(),
  previous: z.object({ key: z.string(), sha256 }).nullable(),
  objects: z.array(ManifestEntry),
});
export type Manifest = z.infer<typeof Manifest>;

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
}

const READ_CONCURRENCY = 16;

/** Reads every manifest of the ledger. */
export async function readManifests(store: LedgerStore): Promise<ManifestReadout> {
  const listed = (await store.list(MANIFESTS_PREFIX)).filter((object) => parseManifestKey(object.key) !== null);
  const results = await mapBounded(listed, READ_CONCURRENCY, async ({ key }) => {
    try {
      const bytes = await store.get(key);
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
  });
  const manifests: StoredManifest[] = [];
  const corrupt: CorruptObjectError[] = [];
  for (const result of results) {
    if (result instanceof CorruptObjectError) corrupt.push(result);
    else manifests.push(result);
  }
  manifests.sort((a, b) => compareKeys(a.key, b.key));
  return { manifests, corrupt };
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

/** Manifests no other manifest follows: one for a linear chain, several when it forked. */
export function chainHeads(manifests: readonly StoredManifest[]): StoredManifest[] {
  const followed = new Set(manifests.flatMap((m) => (m.manifest.previous ? [m.manifest.previous.key] : [])));
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

/**
 * Writes the manifest of a run (after the run wrote its objects) and returns where it went.
 *
 * @example
 * const written = [await writeSnapshot(store, snapshot)];
 * await recordRun(store, { runAt: now, written, kind: 'snapshot' });
 */
export async function recordRun(store: LedgerStore, run: RunRecord): Promise<WrittenObject> {
  const { manifests } = await readManifests(store);
  // After a fork, continue from the newest head; verify keeps reporting the fork.
  const previous = chainHeads(manifests).at(-1) ?? manifests.at(-1) ?? null;
  const manifest: Manifest = {
    format: 'fleetledger-manifest',
    formatVersion: MANIFEST_FORMAT_VERSION,
    kind: run.kind,
    runAt: isoUtc(run.runAt),
    fleetledgerVersion: FLEETLEDGER_VERSION,
    previous: previous ? { key: previous.key, sha256: previous.sha256 } : null,
    objects: [...run.written]
      .map(({ key, size, sha256 }) => ({ key, size, sha256 }))
      .sort((a, b) => compareKeys(a.key, b.key)),
  };
  const encoding = { pretty: true } as const;
  const hash = sha256Hex(encodeJson(manifest, encoding));
  const key = manifestKey(run.runAt, hash.slice(0, MANIFEST_HASH_DIGITS));
  const written = await writeJson(store, key, manifest, {
    ...encoding,
    metadata: { 'schema-version': String(MANIFEST_FORMAT_VERSION) },
  });
  return { key: written.key, size: written.size, sha256: written.sha256 };
}
