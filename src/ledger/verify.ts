/**
 * Evidence integrity: recomputes the hash of every object the manifests record, walks the hash
 * chain of manifests, and finds objects no manifest mentions.
 *
 * A fork of the chain (two runs followed the same manifest, as concurrent runs do) is a notice, not
 * a problem: each branch is still hash-checked link by link, so a broken branch fails on its own
 * (chain-break, altered, missing). A fork the next run joined again is closed; one not joined yet
 * is open, and the next run closes it (see recordRun).
 */
import { mapBounded } from '../core/concurrency.js';
import { parsePeriod } from '../core/period.js';
import type { VerificationKey } from '../signing/signer.js';
import { chainIndexProblems } from './chainIndex.js';
import { headsIndexProblems } from './headsIndex.js';
import {
  compareKeys,
  isLedgerRecordKey,
  keyBelongsToPeriod,
  OPENINGS_PREFIX,
  parseChainIndexKey,
  parseHeadsIndexKey,
  parseManifestEnvelopeKey,
  parseManifestKey,
  parseReportKey,
  parseSnapshotKey,
  parseTrendIndexKey,
} from './keys.js';
import {
  chainHeads,
  linksOf,
  MANIFEST_HASH_DIGITS,
  manifestMatchesItsKey,
  type RecordedObject,
  readManifests,
  type StoredManifest,
} from './manifest.js';
import { sha256Hex } from './objects.js';
import { type LedgerStore, ObjectNotFoundError } from './store.js';
import {
  checkRecords,
  type RecordFindings,
  type RecordNotice,
  type RecordProblemKind,
  readLedgerRecords,
} from './verifyRecords.js';

/**
 * missing: recorded but gone; altered: bytes differ from what was recorded; unexpected: present but
 * recorded by no manifest; corrupt-manifest: a manifest that cannot be read; chain-break: a
 * manifest follows one that is missing or differs; chain-index: a chain index (chainIndex.ts) that
 * describes a manifest otherwise than the manifest says; heads-index: a heads index (headsIndex.ts)
 * that describes a head otherwise than the manifest says, names a manifest or opening the store does
 * not hold, or counts fewer manifests than its run's manifest follows. The checks of the records (signatures, run
 * openings, times, an expected head) add theirs: see verifyRecords.ts.
 */
export type VerifyProblemKind =
  | 'missing'
  | 'altered'
  | 'unexpected'
  | 'corrupt-manifest'
  | 'chain-break'
  | 'chain-index'
  | 'heads-index'
  | RecordProblemKind;

export interface VerifyProblem {
  kind: VerifyProblemKind;
  key: string;
  detail: string;
}

/**
 * chain-fork: several manifests follow the manifest `key` (concurrent runs); open-run,
 * interrupted-run, backfill: see verifyRecords.ts. None is a failure.
 */
export interface VerifyNotice {
  kind: 'chain-fork' | RecordNotice['kind'];
  key: string;
  detail: string;
}

export interface VerifyResult {
  /** True when every object matches and the chain is whole (forks included: see notices). */
  ok: boolean;
  problems: VerifyProblem[];
  /** What an auditor should know but is not tampering, sorted by key. */
  notices: VerifyNotice[];
  /** Manifests read (the whole chain, whatever the period). */
  manifests: number;
  /** Recorded objects whose bytes were checked. */
  objectsChecked: number;
  /** The period the object checks were limited to, or null for all. */
  periodId: string | null;
  /**
   * The signatures: the key they were checked with (null: not checked) and how many manifests carry
   * one. Absent when no key was given and no manifest is signed.
   */
  signatures?: { checkedWith: string | null; signedManifests: number };
  /** With `expectHead`: the manifest that has that SHA-256, or null when none has. */
  expectedHead?: { sha256: string; manifest: string | null };
}

export interface VerifyOptions {
  /** ISO week such as 2026-W48: check only the objects of that week; the chain is still walked. */
  period?: string;
  /** IANA time zone the week is taken in (as `report --time-zone`); default UTC. */
  timeZone?: string;
  /** `--public-key`: every manifest and run opening must carry a valid signature by this key. */
  publicKey?: VerificationKey;
  /** `--expect-head`: SHA-256 of a manifest that must be in the ledger, every head descending from it. */
  expectHead?: string;
}

const CHECK_CONCURRENCY = 16;

type Recorded = RecordedObject;

const CHAIN_START = '(start of the chain)';

/**
 * Each manifest against its name and the manifests it links (pure: also for a copy of the ledger's
 * files). With `segment`, the manifests are a stretch of the chain (an auditor's bundle): a link to
 * a manifest outside it is where the stretch begins, not a break; a link to one inside it must match.
 */
export function chainProblems(
  manifests: readonly StoredManifest[],
  options: { segment?: boolean } = {},
): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const byKey = new Map(manifests.map((m) => [m.key, m]));
  for (const stored of manifests) {
    if (!manifestMatchesItsKey(stored)) {
      problems.push({
        kind: 'altered',
        key: stored.key,
        detail: `manifest SHA-256 ${stored.sha256.slice(0, MANIFEST_HASH_DIGITS)}... does not match the hash in its name`,
      });
    }
    for (const link of linksOf(stored.manifest)) {
      const found = byKey.get(link.key);
      if (!found && options.segment) continue;
      if (!found) {
        problems.push({
          kind: 'chain-break',
          key: stored.key,
          detail: `follows ${link.key}, which is missing or unreadable`,
        });
      } else if (found.sha256 !== link.sha256) {
        problems.push({
          kind: 'chain-break',
          key: stored.key,
          detail: `records SHA-256 ${link.sha256} for ${link.key}, which now has ${found.sha256}`,
        });
      }
    }
  }
  return problems;
}

/**
 * The heads each manifest leads to, walking backwards from every head (heads are few: one on a
 * linear chain), so each fork can be judged closed (its branches lead to a common head) or open.
 */
function headsReachedFrom(manifests: readonly StoredManifest[]): Map<string, Set<string>> {
  const byKey = new Map(manifests.map((m) => [m.key, m]));
  const reached = new Map<string, Set<string>>();
  for (const head of chainHeads(manifests)) {
    const pending = [head.key];
    for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
      const heads = reached.get(key) ?? new Set<string>();
      if (heads.has(head.key)) continue;
      heads.add(head.key);
      reached.set(key, heads);
      const stored = byKey.get(key);
      if (stored) pending.push(...linksOf(stored.manifest).map((link) => link.key));
    }
  }
  return reached;
}

export function forkNotices(manifests: readonly StoredManifest[]): VerifyNotice[] {
  const followers = new Map<string, string[]>();
  for (const stored of manifests) {
    const links = linksOf(stored.manifest);
    for (const before of links.length > 0 ? links.map((link) => link.key) : [CHAIN_START]) {
      followers.set(before, [...(followers.get(before) ?? []), stored.key]);
    }
  }
  const reached = headsReachedFrom(manifests);
  const notices: VerifyNotice[] = [];
  for (const [before, keys] of followers) {
    if (keys.length < 2) continue;
    const [first, ...rest] = keys.map((key) => reached.get(key) ?? new Set<string>());
    const joined = [...(first ?? [])].some((head) => rest.every((heads) => heads.has(head)));
    notices.push({
      kind: 'chain-fork',
      key: before,
      detail:
        `followed by ${keys.join(' and ')} (concurrent runs): ` +
        (joined ? 'closed, a later manifest follows every branch' : 'open, the next run joins the branches'),
    });
  }
  return notices.sort((a, b) => compareKeys(a.key, b.key));
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
    isLedgerRecordKey(key)
  );
}

/**
 * Whether an object no manifest records as evidence is still accounted for: a record (a signature,
 * a run opening), an interrupted run's leftover recorded as abandoned, or the output of a run that
 * has not completed (collected into `pending` by that run's opening).
 */
function unrecordedIsAccounted(key: string, findings: RecordFindings, pending: Map<string, string[]>): boolean {
  if (findings.records.has(key) || findings.abandoned.has(key)) return true;
  const run = findings.pendingRunOf(key);
  if (!run) return false;
  pending.set(run.key, [...(pending.get(run.key) ?? []), key]);
  return true;
}

function unexpectedDetail(key: string): string {
  const signed = parseManifestEnvelopeKey(key)?.manifestKey;
  return signed
    ? `the signature of ${signed}, which is missing (recorded by no manifest)`
    : 'in the store but recorded by no manifest';
}

/** An open run's notice names what it left, which the run that closes it records as abandoned. */
function withPendingObjects(notice: RecordNotice, pending: ReadonlyMap<string, string[]>): RecordNotice {
  const left = pending.get(notice.key);
  if (notice.kind !== 'open-run' || !left) return notice;
  return { ...notice, detail: `${notice.detail}; it left ${left.length} object(s), pending: ${left.join(', ')}` };
}

/**
 * Checks the whole ledger (or one period's objects) against its manifests.
 *
 * @example
 * const result = await verifyLedger(await openStore('./ledger'), { period: '2026-W48' });
 * for (const p of result.problems) console.log(`${p.kind} ${p.key}: ${p.detail}`);
 */
export async function verifyLedger(store: LedgerStore, options: VerifyOptions = {}): Promise<VerifyResult> {
  const period = options.period === undefined ? null : parsePeriod(options.period, options.timeZone ?? 'UTC');
  const inScope = (key: string) => period === null || !isKnownKind(key) || keyBelongsToPeriod(key, period);

  const readout = await readManifests(store);
  const { manifests, corrupt } = readout;
  const problems: VerifyProblem[] = corrupt.map((error) => ({
    kind: 'corrupt-manifest',
    key: error.key,
    detail: error.reason,
  }));
  problems.push(...chainProblems(manifests));
  const findings = checkRecords(await readLedgerRecords(store, readout), {
    ...(options.publicKey ? { publicKey: options.publicKey } : {}),
    ...(options.expectHead !== undefined ? { expectHead: options.expectHead } : {}),
  });
  problems.push(...findings.problems);
  const recorded = recordedObjects(manifests, problems);
  // What interrupted runs left is checked like evidence (nothing stored is deleted) but is none.
  const abandoned = [...findings.abandoned].filter(([key]) => !recorded.has(key));

  const toCheck = [...recorded, ...abandoned].filter(([key]) => inScope(key));
  const checked = await mapBounded(toCheck, CHECK_CONCURRENCY, ([key, expected]) => checkObject(store, key, expected));
  for (const problem of checked) if (problem) problems.push(problem);
  // A run reads the chain through the newest chain index: each must say what the manifests say.
  const byKey = new Map(manifests.map((stored) => [stored.key, stored]));
  const indexes = toCheck.map(([key]) => key).filter((key) => parseChainIndexKey(key) !== null);
  const indexFindings = await mapBounded(indexes, CHECK_CONCURRENCY, async (key) =>
    (await chainIndexProblems(store, key, byKey)).map((detail) => ({ kind: 'chain-index' as const, key, detail })),
  );
  problems.push(...indexFindings.flat());
  // A snapshot run places itself through the newest heads index: each must agree with the ledger.
  const headsIndexes = toCheck.filter(([key]) => parseHeadsIndexKey(key) !== null);
  if (headsIndexes.length > 0) {
    const openings = new Set((await store.list(OPENINGS_PREFIX)).map((object) => object.key));
    const headsFindings = await mapBounded(headsIndexes, CHECK_CONCURRENCY, async ([key, expected]) =>
      (await headsIndexProblems(store, key, { manifests: byKey, recordedBy: expected.manifestKey, openings })).map(
        (detail) => ({ kind: 'heads-index' as const, key, detail }),
      ),
    );
    problems.push(...headsFindings.flat());
  }

  // The whole store, not only the folders the ledger writes: a planted trend index entry or a file
  // at the root is as foreign as a planted snapshot. Manifests are the record itself (the chain
  // checks cover them); anything else under manifests/ was not written by a run.
  // Entries no run writes (a symbolic link, a temporary file, a name no key can have) are named
  // whatever their key says: such an entry is never evidence, in any period.
  const pending = new Map<string, string[]>();
  for (const { key, foreign } of await store.inventory()) {
    if (foreign !== undefined) {
      problems.push({ kind: 'unexpected', key, detail: foreign });
      continue;
    }
    if (parseManifestKey(key) !== null) continue;
    if (!recorded.has(key) && inScope(key)) {
      if (unrecordedIsAccounted(key, findings, pending)) continue;
      problems.push({ kind: 'unexpected', key, detail: unexpectedDetail(key) });
    }
  }

  problems.sort((a, b) => compareKeys(a.key, b.key) || a.kind.localeCompare(b.kind));
  const notices = [...forkNotices(manifests), ...findings.notices.map((notice) => withPendingObjects(notice, pending))];
  return {
    ok: problems.length === 0,
    problems,
    notices: notices.sort((a, b) => compareKeys(a.key, b.key)),
    manifests: manifests.length,
    objectsChecked: toCheck.length,
    periodId: period?.id ?? null,
    ...(options.expectHead !== undefined
      ? {
          expectedHead: {
            sha256: options.expectHead,
            manifest: manifests.find((stored) => stored.sha256 === options.expectHead)?.key ?? null,
          },
        }
      : {}),
    ...(options.publicKey || findings.signedManifests > 0
      ? { signatures: { checkedWith: options.publicKey?.keyId ?? null, signedManifests: findings.signedManifests } }
      : {}),
  };
}
