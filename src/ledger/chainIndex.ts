/**
 * The chain index: what runs wrote before the heads index (headsIndex.ts), each manifest of the
 * chain they read described by key, hash, run time, links and opening
 * (`index/chain/<runAt>-<hash>.json`, recorded by the run's manifest like any object). It grew
 * with the chain (about 0.5 KB per manifest), so runs no longer write or read it; ledgers keep the
 * ones written, and `verify` still checks each against the manifests it describes. A heads index
 * describes its heads the same way (ChainIndexEntry).
 */
import * as z from 'zod';
import { linksOf, ManifestLink, type StoredManifest } from './manifest.js';
import { CorruptObjectError, parseJsonObject } from './objects.js';
import { type LedgerStore, ObjectNotFoundError } from './store.js';

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
