/**
 * The checks of the ledger's own records, beside the hash and chain checks of verify.ts: manifest
 * signatures, run openings, run times, backfills and an expected head. Pure: it takes the records
 * already read (from a store by readLedgerRecords, or from anywhere else holding the same files,
 * such as an auditor's bundle) and returns what it finds.
 *
 * What a key proves: a manifest signed by it was written by whoever holds the key, and its hash
 * links bind every manifest before it. So with `publicKey`, a manifest a forger added (unsigned,
 * signed by another key, or carrying a signature copied from another manifest) is a problem, and
 * so is a chain rewritten without the key. An expected head (`--expect-head`, from a report or its
 * e-mail) catches what signatures cannot: a ledger cut short, its newest runs deleted.
 */
import { mapBounded } from '../core/concurrency.js';
import type { Envelope } from '../signing/dsse.js';
import type { VerificationKey } from '../signing/signer.js';
import { manifestSignatureProblem, readEnvelope, type SignatureProblemKind } from './attestation.js';
import {
  compareKeys,
  manifestEnvelopeKey,
  OPENINGS_PREFIX,
  parseManifestEnvelopeKey,
  parseManifestKey,
  parseOpeningKey,
} from './keys.js';
import { chainHeads, linksOf, type ManifestReadout, type RecordedObject, type StoredManifest } from './manifest.js';
import { CorruptObjectError } from './objects.js';
import {
  inOpeningScope,
  openingMatchesItsKey,
  openingSignatureProblem,
  readOpening,
  type StoredOpening,
} from './runOpening.js';
import type { LedgerStore } from './store.js';

/** Problems of the records, named like verify.ts's object problems. */
export type RecordProblemKind =
  | SignatureProblemKind
  | 'corrupt-opening'
  | 'altered'
  | 'chain-break'
  | 'time-mismatch'
  | 'back-dated'
  | 'head-missing'
  | 'head-diverged';

export interface RecordProblem {
  kind: RecordProblemKind;
  key: string;
  detail: string;
}

/** open-run: a run that has not completed; interrupted-run: one a later run closed; backfill: written with --backfill. */
export interface RecordNotice {
  kind: 'open-run' | 'interrupted-run' | 'backfill';
  key: string;
  detail: string;
}

/** The ledger's records as read: manifests (verify.ts reads them), their signatures, run openings. */
export interface LedgerRecords {
  manifests: readonly StoredManifest[];
  /** Every signature key listed beside the manifests, with what it holds. */
  envelopes: ReadonlyMap<string, Envelope | CorruptObjectError>;
  openings: readonly StoredOpening[];
  corruptOpenings: readonly CorruptObjectError[];
}

export interface RecordChecks {
  /** Every manifest and run opening must carry a valid signature by this key. */
  publicKey?: VerificationKey;
  /** SHA-256 of a manifest that must be in the ledger with every head descending from it. */
  expectHead?: string;
}

export interface RecordFindings {
  problems: RecordProblem[];
  notices: RecordNotice[];
  /** Objects recorded as abandoned (by interrupted runs): hash-checked like evidence, never evidence. */
  abandoned: Map<string, RecordedObject>;
  /** Records that are not objects of any run: signatures of present manifests, valid openings. */
  records: Set<string>;
  /** The run that has not completed and may have written this unrecorded object, if any. */
  pendingRunOf(key: string): StoredOpening | undefined;
  /** How many manifests carry a signature (of any key). */
  signedManifests: number;
}

const READ_CONCURRENCY = 16;

/** Reads every manifest signature and run opening of the store (verify reads everything). */
export async function readLedgerRecords(store: LedgerStore, readout: ManifestReadout): Promise<LedgerRecords> {
  const envelopeKeys = [...readout.envelopeKeys];
  const envelopes = await mapBounded(envelopeKeys, READ_CONCURRENCY, async (key) => {
    const read = await readEnvelope(store, key);
    return [key, read ?? new CorruptObjectError(key, 'listed but gone')] as const;
  });
  const openingKeys = (await store.list(OPENINGS_PREFIX)).map((o) => o.key).filter((key) => parseOpeningKey(key));
  const openings = await mapBounded(openingKeys, READ_CONCURRENCY, (key) => readOpening(store, key));
  return {
    manifests: readout.manifests,
    envelopes: new Map(envelopes),
    openings: openings.filter((o): o is StoredOpening => !(o instanceof CorruptObjectError)),
    corruptOpenings: openings.filter((o): o is CorruptObjectError => o instanceof CorruptObjectError),
  };
}

/** The latest run time among each manifest's ancestors (memoized walk; links to absent manifests end it). */
function latestAncestorTimes(manifests: readonly StoredManifest[]): Map<string, string> {
  const byKey = new Map(manifests.map((m) => [m.key, m]));
  const latest = new Map<string, string>();
  const visit = (stored: StoredManifest, path: Set<string>): string => {
    const known = latest.get(stored.key);
    if (known !== undefined) return known;
    let max = '';
    path.add(stored.key);
    for (const link of linksOf(stored.manifest)) {
      const target = byKey.get(link.key);
      if (!target || path.has(target.key)) continue;
      const before = visit(target, path);
      for (const candidate of [target.manifest.runAt, before]) if (candidate > max) max = candidate;
    }
    path.delete(stored.key);
    latest.set(stored.key, max);
    return max;
  };
  for (const stored of manifests) visit(stored, new Set());
  return latest;
}

/** Whether `ancestor` is `key` or lies behind it on the chain. */
function descendsFrom(byKey: ReadonlyMap<string, StoredManifest>, key: string, ancestor: string): boolean {
  const seen = new Set<string>();
  const pending = [key];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (current === ancestor) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    const stored = byKey.get(current);
    if (stored) pending.push(...linksOf(stored.manifest).map((link) => link.key));
  }
  return false;
}

function signatureChecks(records: LedgerRecords, key: VerificationKey): RecordProblem[] {
  const problems: RecordProblem[] = [];
  for (const stored of records.manifests) {
    const problem = manifestSignatureProblem(
      stored,
      records.envelopes.get(manifestEnvelopeKey(stored.key)) ?? null,
      key,
    );
    if (problem) problems.push({ ...problem, key: stored.key });
  }
  for (const stored of records.openings) {
    const problem = openingSignatureProblem(stored, key);
    if (problem) problems.push({ ...problem, key: stored.key });
  }
  return problems;
}

function timeChecks(records: LedgerRecords): { problems: RecordProblem[]; notices: RecordNotice[] } {
  const problems: RecordProblem[] = [];
  const notices: RecordNotice[] = [];
  const latest = latestAncestorTimes(records.manifests);
  for (const { key, manifest } of records.manifests) {
    const named = parseManifestKey(key)?.runAt;
    if (named !== manifest.runAt) {
      problems.push({ kind: 'time-mismatch', key, detail: `its name says ${named}, its runAt says ${manifest.runAt}` });
    }
    const before = latest.get(key) ?? '';
    if (manifest.backfill) {
      notices.push({
        kind: 'backfill',
        key,
        detail: `written with --backfill: run at ${manifest.runAt}${before > manifest.runAt ? `, after a run at ${before}` : ''}`,
      });
    } else if (before > manifest.runAt) {
      problems.push({
        kind: 'back-dated',
        key,
        detail: `run at ${manifest.runAt}, earlier than a run it follows (${before}), and not marked backfill`,
      });
    }
  }
  for (const stored of records.openings) {
    if (parseOpeningKey(stored.key)?.runAt !== stored.opening.runAt) {
      problems.push({
        kind: 'time-mismatch',
        key: stored.key,
        detail: `its name says ${parseOpeningKey(stored.key)?.runAt}, its runAt says ${stored.opening.runAt}`,
      });
    } else if (!openingMatchesItsKey(stored)) {
      problems.push({ kind: 'altered', key: stored.key, detail: 'the opening does not match the hash in its name' });
    }
  }
  return { problems, notices };
}

function expectedHeadChecks(manifests: readonly StoredManifest[], sha256: string): RecordProblem[] {
  const expected = manifests.find((stored) => stored.sha256 === sha256);
  if (!expected) {
    return [
      {
        kind: 'head-missing',
        key: sha256,
        detail:
          'no manifest of the ledger has this SHA-256: the ledger was cut short or rewritten (or the head is from another ledger)',
      },
    ];
  }
  const byKey = new Map(manifests.map((m) => [m.key, m]));
  return chainHeads(manifests)
    .filter((head) => !descendsFrom(byKey, head.key, expected.key))
    .map((head) => ({
      kind: 'head-diverged' as const,
      key: head.key,
      detail: `a head of the ledger that does not descend from the expected head ${expected.key}`,
    }));
}

/**
 * Checks the records; see the module comment. `publicKey` and `expectHead` add their checks.
 *
 * @example
 * const findings = checkRecords(await readLedgerRecords(store, readout), { publicKey, expectHead });
 */
export function checkRecords(records: LedgerRecords, checks: RecordChecks = {}): RecordFindings {
  const problems: RecordProblem[] = records.corruptOpenings.map((error) => ({
    kind: 'corrupt-opening',
    key: error.key,
    detail: error.reason,
  }));
  const notices: RecordNotice[] = [];
  const times = timeChecks(records);
  problems.push(...times.problems);
  notices.push(...times.notices);
  const signatures = checks.publicKey ? signatureChecks(records, checks.publicKey) : [];
  problems.push(...signatures);
  if (checks.expectHead !== undefined) problems.push(...expectedHeadChecks(records.manifests, checks.expectHead));

  // An opening vouches for its leftovers only when it is readable, unaltered and, with a key, signed.
  const discredited = new Set(problems.map((problem) => problem.key));
  const openings = new Map(records.openings.filter((o) => !discredited.has(o.key)).map((o) => [o.key, o]));
  const ownManifest = new Map<string, StoredManifest>();
  const closedBy = new Map<string, { manifest: StoredManifest; abandoned: number }>();
  const abandoned = new Map<string, RecordedObject>();
  const openingsByKey = new Map(records.openings.map((o) => [o.key, o]));
  for (const stored of records.manifests) {
    const { manifest } = stored;
    const links = [...(manifest.opening ? [manifest.opening] : []), ...(manifest.closes ?? []).map((c) => c.opening)];
    for (const link of links) {
      const target = openingsByKey.get(link.key);
      if (!target || target.sha256 !== link.sha256) {
        problems.push({
          kind: 'chain-break',
          key: stored.key,
          detail: target
            ? `records SHA-256 ${link.sha256} for the run opening ${link.key}, which now has ${target.sha256}`
            : `links the run opening ${link.key}, which is missing or unreadable`,
        });
      }
    }
    if (manifest.opening) {
      ownManifest.set(manifest.opening.key, stored);
      const opening = openings.get(manifest.opening.key);
      if (opening && opening.opening.runAt !== manifest.runAt) {
        problems.push({
          kind: 'time-mismatch',
          key: stored.key,
          detail: `its run opened at ${opening.opening.runAt}, not at its runAt ${manifest.runAt}`,
        });
      }
    }
    for (const closing of manifest.closes ?? []) {
      if (!closedBy.has(closing.opening.key))
        closedBy.set(closing.opening.key, { manifest: stored, abandoned: closing.abandoned.length });
      for (const entry of closing.abandoned) {
        if (!abandoned.has(entry.key))
          abandoned.set(entry.key, { size: entry.size, sha256: entry.sha256, manifestKey: stored.key });
      }
    }
  }

  const pending = [...openings.values()].filter((o) => !ownManifest.has(o.key) && !closedBy.has(o.key));
  for (const stored of pending) {
    notices.push({
      kind: 'open-run',
      key: stored.key,
      detail: `a ${stored.opening.kind} run opened at ${stored.opening.runAt} has not completed (still running, or interrupted): the first run at or after ${stored.opening.until} closes it`,
    });
  }
  for (const [key, closed] of closedBy) {
    if (ownManifest.has(key)) continue;
    notices.push({
      kind: 'interrupted-run',
      key,
      detail: `an interrupted run, closed by ${closed.manifest.key}: ${closed.abandoned} object(s) it left recorded as abandoned, never evidence`,
    });
  }

  const manifestKeys = new Set(records.manifests.map((m) => m.key));
  const recordKeys = new Set<string>([
    ...[...records.envelopes.keys()].filter((key) =>
      manifestKeys.has(parseManifestEnvelopeKey(key)?.manifestKey ?? ''),
    ),
    ...records.openings.map((o) => o.key),
    ...records.corruptOpenings.map((o) => o.key),
  ]);
  return {
    problems: problems.sort((a, b) => compareKeys(a.key, b.key) || a.kind.localeCompare(b.kind)),
    notices: notices.sort((a, b) => compareKeys(a.key, b.key)),
    abandoned,
    records: recordKeys,
    pendingRunOf: (key) => pending.find((stored) => inOpeningScope(stored.opening, key)),
    signedManifests: records.manifests.filter((m) => records.envelopes.has(manifestEnvelopeKey(m.key))).length,
  };
}
