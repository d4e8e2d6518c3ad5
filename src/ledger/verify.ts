/**
 * Evidence integrity: recomputes the hash of every object the manifests record, walks the hash
 * chain of manifests, and finds objects no manifest mentions.
 */
import { mapBounded } from '../core/concurrency.js';
import { parsePeriod } from '../core/period.js';
import {
  compareKeys,
  keyBelongsToPeriod,
  parseManifestKey,
  parseReportKey,
  parseSnapshotKey,
  parseTrendIndexKey,
} from './keys.js';
import {
  MANIFEST_HASH_DIGITS,
  manifestMatchesItsKey,
  type RecordedObject,
  readManifests,
  type StoredManifest,
} from './manifest.js';
import { sha256Hex } from './objects.js';
import { type LedgerStore, ObjectNotFoundError } from './store.js';

/**
 * missing: recorded but gone; altered: bytes differ from what was recorded; unexpected: present but
 * recorded by no manifest; corrupt-manifest: a manifest that cannot be read; chain-break: a
 * manifest follows one that is missing or differs; chain-fork: two manifests follow the same one.
 */
export type VerifyProblemKind =
  | 'missing'
  | 'altered'
  | 'unexpected'
  | 'corrupt-manifest'
  | 'chain-break'
  | 'chain-fork';

export interface VerifyProblem {
  kind: VerifyProblemKind;
  key: string;
  detail: string;
}

export interface VerifyResult {
  /** True when every object matches and the chain is whole. */
  ok: boolean;
  problems: VerifyProblem[];
  /** Manifests read (the whole chain, whatever the period). */
  manifests: number;
  /** Recorded objects whose bytes were checked. */
  objectsChecked: number;
  /** The period the object checks were limited to, or null for all. */
  periodId: string | null;
}

export interface VerifyOptions {
  /** ISO week such as 2026-W48: check only the objects of that week; the chain is still walked. */
  period?: string;
  /** IANA time zone the week is taken in (as `report --time-zone`); default UTC. */
  timeZone?: string;
}

const CHECK_CONCURRENCY = 16;

type Recorded = RecordedObject;

function chainProblems(manifests: readonly StoredManifest[]): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const byKey = new Map(manifests.map((m) => [m.key, m]));
  const followers = new Map<string, string[]>();
  for (const stored of manifests) {
    if (!manifestMatchesItsKey(stored)) {
      problems.push({
        kind: 'altered',
        key: stored.key,
        detail: `manifest SHA-256 ${stored.sha256.slice(0, MANIFEST_HASH_DIGITS)}... does not match the hash in its name`,
      });
    }
    const previous = stored.manifest.previous;
    const before = previous?.key ?? '(start of the chain)';
    followers.set(before, [...(followers.get(before) ?? []), stored.key]);
    if (!previous) continue;
    const found = byKey.get(previous.key);
    if (!found) {
      problems.push({
        kind: 'chain-break',
        key: stored.key,
        detail: `follows ${previous.key}, which is missing or unreadable`,
      });
    } else if (found.sha256 !== previous.sha256) {
      problems.push({
        kind: 'chain-break',
        key: stored.key,
        detail: `records SHA-256 ${previous.sha256} for ${previous.key}, which now has ${found.sha256}`,
      });
    }
  }
  for (const [before, keys] of followers) {
    for (const key of keys.slice(1)) {
      problems.push({
        kind: 'chain-fork',
        key,
        detail: `follows ${before} like ${keys[0]}: the chain forked (concurrent runs?)`,
      });
    }
  }
  return problems;
}

function recordedObjects(manifests: readonly StoredManifest[], problems: VerifyProblem[]): Map<string, Recorded> {
  const recorded = new Map<string, Recorded>();
  for (const stored of manifests) {
    for (const entry of stored.manifest.objects) {
      const earlier = recorded.get(entry.key);
      if (earlier && earlier.sha256 !== entry.sha256) {
        problems.push({
          kind: 'altered',
          key: entry.key,
          detail: `recorded with SHA-256 ${earlier.sha256} by ${earlier.manifestKey} and ${entry.sha256} by ${stored.key}`,
        });
        continue;
      }
      if (!earlier) recorded.set(entry.key, { size: entry.size, sha256: entry.sha256, manifestKey: stored.key });
    }
  }
  return recorded;
}

async function checkObject(store: LedgerStore, key: string, expected: Recorded): Promise<VerifyProblem | null> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      return { kind: 'missing', key, detail: `recorded by ${expected.manifestKey} but not in the store` };
    }
    throw error;
  }
  const actual = sha256Hex(bytes);
  if (actual === expected.sha256 && bytes.byteLength === expected.size) return null;
  return {
    kind: 'altered',
    key,
    detail: `SHA-256 ${actual} (${bytes.byteLength} bytes) differs from ${expected.sha256} (${expected.size} bytes) recorded by ${expected.manifestKey}`,
  };
}

/** Whether a key is of a kind the ledger writes (anything else cannot be placed in a period). */
function isKnownKind(key: string): boolean {
  return (
    parseSnapshotKey(key) !== null ||
    parseReportKey(key) !== null ||
    parseTrendIndexKey(key) !== null ||
    parseManifestKey(key) !== null
  );
}

/**
 * Checks the whole ledger (or one period's objects) against its manifests.
 *
 * @example
 * const result = await verifyLedger(openStore('./ledger'), { period: '2026-W48' });
 * for (const p of result.problems) console.log(`${p.kind} ${p.key}: ${p.detail}`);
 */
export async function verifyLedger(store: LedgerStore, options: VerifyOptions = {}): Promise<VerifyResult> {
  const period = options.period === undefined ? null : parsePeriod(options.period, options.timeZone ?? 'UTC');
  const inScope = (key: string) => period === null || !isKnownKind(key) || keyBelongsToPeriod(key, period);

  const { manifests, corrupt } = await readManifests(store);
  const problems: VerifyProblem[] = corrupt.map((error) => ({
    kind: 'corrupt-manifest',
    key: error.key,
    detail: error.reason,
  }));
  problems.push(...chainProblems(manifests));
  const recorded = recordedObjects(manifests, problems);

  const toCheck = [...recorded].filter(([key]) => inScope(key));
  const checked = await mapBounded(toCheck, CHECK_CONCURRENCY, ([key, expected]) => checkObject(store, key, expected));
  for (const problem of checked) if (problem) problems.push(problem);

  // The whole store, not only the folders the ledger writes: a planted trend index entry or a file
  // at the root is as foreign as a planted snapshot. Manifests are the record itself (the chain
  // checks cover them); anything else under manifests/ was not written by a run.
  for (const { key } of await store.list('')) {
    if (parseManifestKey(key) !== null) continue;
    if (!recorded.has(key) && inScope(key)) {
      problems.push({ kind: 'unexpected', key, detail: 'in the store but recorded by no manifest' });
    }
  }

  problems.sort((a, b) => compareKeys(a.key, b.key) || a.kind.localeCompare(b.kind));
  return {
    ok: problems.length === 0,
    problems,
    manifests: manifests.length,
    objectsChecked: toCheck.length,
    periodId: period?.id ?? null,
  };
}
