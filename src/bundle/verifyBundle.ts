/**
 * Checks an auditor's bundle (as readBundle read it) with no ledger and no network, reusing the
 * ledger's own checks on the files it carries (verify.ts's chain check, verifyRecords.ts's checks
 * of signatures, openings, times and an expected head). Pure: the export checks the bundle it has
 * just written the same way before it keeps it.
 *
 * What passes: every file is the one SHA256SUMS lists, and SHA256SUMS lists every file; every
 * manifest is signed by the key and the stretch of chain is whole from the runs that recorded the
 * evidence to the report's own run; every snapshot and report file is a file a manifest records,
 * with the recorded bytes; every snapshot the report names is there with the SHA-256 it names;
 * the head the report pins is in the chain; the bundle's copy of the key is the key given;
 * VERIFY.md is the one the signed facts give; nothing else is in the bundle.
 */
import { createPublicKey } from 'node:crypto';
import { errorMessage } from '../core/errors.js';
import { firstLine } from '../core/text.js';
import { parseEnvelope } from '../ledger/attestation.js';
import {
  compareKeys,
  manifestEnvelopeKey,
  parseManifestEnvelopeKey,
  parseManifestKey,
  parseOpeningKey,
  parseReportKey,
} from '../ledger/keys.js';
import { parseManifest, recordedObjectsOf, type StoredManifest } from '../ledger/manifest.js';
import { CorruptObjectError } from '../ledger/objects.js';
import { parseOpening, type StoredOpening } from '../ledger/runOpening.js';
import { chainProblems, forkNotices, type VerifyNotice, type VerifyProblemKind } from '../ledger/verify.js';
import { checkRecords } from '../ledger/verifyRecords.js';
import { parseReportJson } from '../report/reportJson.js';
import type { ReportDocument } from '../report/schema.js';
import type { Envelope } from '../signing/dsse.js';
import { fingerprintOf, type VerificationKey } from '../signing/signer.js';
import {
  BUNDLE_KEY_FILE,
  BUNDLE_OWN_FILES,
  type BundleContents,
  type BundleFile,
  SUMS_FILE,
  VERIFY_FILE,
} from './bundleLayout.js';
import { ancestorsOf } from './chainSegment.js';
import { parseSha256Sums } from './sha256sums.js';
import { bundleFileNamedIn, renderVerifyInstructions } from './verifyInstructions.js';

/**
 * The ledger's problem kinds, and: corrupt, a file that cannot be read as what its name says;
 * unconnected, a manifest the report's run does not descend from; no-report, a bundle without its
 * one report.
 */
export type BundleProblemKind = VerifyProblemKind | 'corrupt' | 'unconnected' | 'no-report';

export interface BundleProblem {
  kind: BundleProblemKind;
  /** The file (path inside the bundle's folder), or the SHA-256 of an expected head that is not there. */
  path: string;
  detail: string;
}

export interface BundleReport {
  periodId: string;
  generatedAt: string;
  folder: string;
  /** The manifest that records report.json: the report's own run. */
  manifest: string | null;
  head: { manifest: string; sha256: string } | null;
  signingKey: string | null;
  evidence: number;
}

export interface BundleVerifyResult {
  ok: boolean;
  problems: BundleProblem[];
  notices: VerifyNotice[];
  files: number;
  manifests: number;
  /** How many manifests carry a signature (of any key), and the key they were checked with (null: not checked). */
  signatures: { checkedWith: string | null; signedManifests: number };
  report: BundleReport | null;
}

export interface BundleChecks {
  /** The key the auditor was given: every manifest and run opening must be signed by it. */
  publicKey?: VerificationKey;
  /** SHA-256 of a manifest that must be in the bundle's chain, the report's run descending from it. */
  expectHead?: string;
}

/** SHA256SUMS against the files: each listed file present with that SHA-256, each file listed. */
function sumsProblems(files: ReadonlyMap<string, BundleFile>): BundleProblem[] {
  const sumsFile = files.get(SUMS_FILE);
  if (!sumsFile?.bytes) return [{ kind: 'missing', path: SUMS_FILE, detail: 'the bundle has no SHA256SUMS' }];
  const { sums, problems: lineProblems } = parseSha256Sums(Buffer.from(sumsFile.bytes).toString('utf8'));
  const problems: BundleProblem[] = lineProblems.map((detail) => ({ kind: 'corrupt', path: SUMS_FILE, detail }));
  for (const [path, sha256] of sums) {
    const file = files.get(path);
    if (path === SUMS_FILE) {
      problems.push({ kind: 'corrupt', path: SUMS_FILE, detail: 'lists itself' });
    } else if (!file) {
      problems.push({ kind: 'missing', path, detail: `listed in ${SUMS_FILE} but not in the bundle` });
    } else if (file.sha256 !== sha256) {
      problems.push({
        kind: 'altered',
        path,
        detail: `SHA-256 ${file.sha256} differs from ${sha256} in ${SUMS_FILE}`,
      });
    }
  }
  for (const path of files.keys()) {
    if (path !== SUMS_FILE && !sums.has(path)) {
      problems.push({ kind: 'unexpected', path, detail: `in the bundle but not listed in ${SUMS_FILE}` });
    }
  }
  return problems;
}

/** The bundle's copy of the public key against the key the auditor gave. */
function keyFileProblem(file: BundleFile | undefined, key: VerificationKey | undefined): BundleProblem | null {
  if (!file?.bytes || !key) return null;
  let fingerprint: string;
  try {
    fingerprint = fingerprintOf(createPublicKey(Buffer.from(file.bytes).toString('utf8')));
  } catch (error) {
    return { kind: 'corrupt', path: BUNDLE_KEY_FILE, detail: `not a public key: ${firstLine(errorMessage(error))}` };
  }
  if (fingerprint === key.keyId) return null;
  return {
    kind: 'other-key',
    path: BUNDLE_KEY_FILE,
    detail: `the bundle's copy of the key is ${fingerprint}, not the key given (${key.keyId})`,
  };
}

interface BundleRecords {
  manifests: StoredManifest[];
  envelopes: Map<string, Envelope | CorruptObjectError>;
  openings: StoredOpening[];
  corrupt: CorruptObjectError[];
  /** Files that are neither the bundle's own nor records: snapshots, report files, trend entries. */
  objects: string[];
}

function recordsOf(files: ReadonlyMap<string, BundleFile>): BundleRecords {
  const records: BundleRecords = { manifests: [], envelopes: new Map(), openings: [], corrupt: [], objects: [] };
  for (const [path, file] of files) {
    if (BUNDLE_OWN_FILES.includes(path)) continue;
    const bytes = file.bytes ?? new Uint8Array();
    if (parseManifestKey(path)) {
      const parsed = parseManifest(path, bytes);
      if (parsed instanceof CorruptObjectError) records.corrupt.push(parsed);
      else records.manifests.push(parsed);
    } else if (parseManifestEnvelopeKey(path)) {
      records.envelopes.set(path, parseEnvelope(path, bytes));
    } else if (parseOpeningKey(path)) {
      const parsed = parseOpening(path, bytes);
      if (parsed instanceof CorruptObjectError) records.corrupt.push(parsed);
      else records.openings.push(parsed);
    } else {
      records.objects.push(path);
    }
  }
  records.manifests.sort((a, b) => compareKeys(a.key, b.key));
  return records;
}

/** Envelopes and openings the bundle's manifests do not account for. */
function strayRecords(records: BundleRecords): BundleProblem[] {
  const manifestKeys = new Set(records.manifests.map((stored) => stored.key));
  const linked = new Set(
    records.manifests.flatMap(({ manifest }) => [
      ...(manifest.opening ? [manifest.opening.key] : []),
      ...(manifest.closes ?? []).map((closing) => closing.opening.key),
    ]),
  );
  const problems: BundleProblem[] = [];
  for (const key of records.envelopes.keys()) {
    const signed = parseManifestEnvelopeKey(key)!.manifestKey;
    if (!manifestKeys.has(signed)) {
      problems.push({ kind: 'unexpected', path: key, detail: `the signature of ${signed}, which the bundle lacks` });
    }
  }
  for (const { key } of records.openings) {
    if (!linked.has(key)) {
      problems.push({ kind: 'unexpected', path: key, detail: 'a run opening no manifest of the bundle links' });
    }
  }
  return problems;
}

/** VERIFY.md against the instructions the signed facts give: only the bundle's name is its own. */
function instructionsProblem(
  contents: BundleContents,
  report: { path: string; doc: ReportDocument },
  runManifest: StoredManifest,
): BundleProblem | null {
  const file = contents.files.get(VERIFY_FILE);
  if (!file?.bytes) return { kind: 'missing', path: VERIFY_FILE, detail: 'the bundle has no VERIFY.md' };
  const text = Buffer.from(file.bytes).toString('utf8');
  const bundleFile = bundleFileNamedIn(text);
  const { doc } = report;
  const expected =
    bundleFile &&
    doc.ledger?.signingKey &&
    renderVerifyInstructions({
      bundleFile,
      folder: contents.folder,
      periodId: doc.period,
      generatedAt: doc.generatedAt,
      store: doc.store,
      reportFolder: report.path.slice(0, -'report.json'.length),
      reportManifest: runManifest.key,
      head: doc.ledger.head,
      signingKey: doc.ledger.signingKey,
      keyIncluded: contents.files.has(BUNDLE_KEY_FILE),
    });
  if (expected === text) return null;
  return {
    kind: 'altered',
    path: VERIFY_FILE,
    detail: `not the instructions ${report.path} and ${runManifest.key} give (its commands, head or key fingerprint were changed)`,
  };
}

/** The report the bundle is for: its one report.json, read. */
function reportOf(
  files: ReadonlyMap<string, BundleFile>,
  objects: readonly string[],
): { path: string; doc: ReportDocument } | BundleProblem {
  const reportJsons = objects.filter((path) => parseReportKey(path)?.file === 'report.json').sort(compareKeys);
  if (reportJsons.length !== 1) {
    return {
      kind: 'no-report',
      path: reportJsons[1] ?? 'report.json',
      detail:
        reportJsons.length === 0
          ? 'the bundle holds no report.json'
          : `the bundle holds ${reportJsons.length} reports (${reportJsons.join(', ')}), not one`,
    };
  }
  const path = reportJsons[0]!;
  try {
    return { path, doc: parseReportJson(path, files.get(path)!.bytes ?? new Uint8Array()) };
  } catch (error) {
    if (error instanceof CorruptObjectError) return { kind: 'corrupt', path, detail: error.reason };
    throw error;
  }
}

/** What the report asks of the bundle: its run's files, its evidence, its head, its key. */
function reportProblems(
  report: { path: string; doc: ReportDocument },
  files: ReadonlyMap<string, BundleFile>,
  manifests: readonly StoredManifest[],
  runManifest: StoredManifest | undefined,
  key: VerificationKey | undefined,
): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const { doc } = report;
  if (!runManifest) return problems; // recorded by no manifest: named with the other files
  for (const entry of runManifest.manifest.objects) {
    if (!files.has(entry.key)) {
      problems.push({ kind: 'missing', path: entry.key, detail: `a file of the report's run ${runManifest.key}` });
    }
  }
  for (const item of doc.evidence) {
    const file = files.get(item.key);
    if (!file) {
      problems.push({ kind: 'missing', path: item.key, detail: `evidence of ${report.path}, not in the bundle` });
    } else if (file.sha256 !== item.sha256) {
      problems.push({
        kind: 'altered',
        path: item.key,
        detail: `SHA-256 ${file.sha256} differs from ${item.sha256}, which ${report.path} names`,
      });
    }
  }
  const head = doc.ledger?.head;
  if (head && !manifests.some((stored) => stored.key === head.manifest && stored.sha256 === head.sha256)) {
    problems.push({
      kind: 'head-missing',
      path: head.manifest,
      detail: `the head ${report.path} rests on (SHA-256 ${head.sha256}) is not in the bundle's chain`,
    });
  }
  if (key && doc.ledger && doc.ledger.signingKey !== key.keyId) {
    problems.push({
      kind: 'other-key',
      path: report.path,
      detail: `the report names the signing key ${doc.ledger.signingKey ?? '(none: unsigned)'}, not the key given (${key.keyId})`,
    });
  }
  return problems;
}

/**
 * Checks the bundle; see the module comment.
 *
 * @example
 * const result = verifyBundleContents(await readBundle(file), { publicKey, expectHead });
 * for (const p of result.problems) console.log(`${p.kind} ${p.path}: ${p.detail}`);
 */
export function verifyBundleContents(contents: BundleContents, checks: BundleChecks = {}): BundleVerifyResult {
  const { files } = contents;
  const problems: BundleProblem[] = sumsProblems(files);
  const keyProblem = keyFileProblem(files.get(BUNDLE_KEY_FILE), checks.publicKey);
  if (keyProblem) problems.push(keyProblem);

  const records = recordsOf(files);
  for (const error of records.corrupt) problems.push({ kind: 'corrupt', path: error.key, detail: error.reason });
  const { manifests } = records;
  problems.push(...chainProblems(manifests, { segment: true }).map(({ key, ...rest }) => ({ ...rest, path: key })));
  const findings = checkRecords(
    { manifests, envelopes: records.envelopes, openings: records.openings, corruptOpenings: [] },
    {
      ...(checks.publicKey ? { publicKey: checks.publicKey } : {}),
      ...(checks.expectHead !== undefined ? { expectHead: checks.expectHead } : {}),
    },
  );
  problems.push(...findings.problems.map(({ key, ...rest }) => ({ ...rest, path: key })));
  problems.push(...strayRecords(records));

  const recorded = recordedObjectsOf(manifests);
  for (const path of records.objects) {
    const file = files.get(path)!;
    const entry = recorded.get(path);
    if (!entry) {
      problems.push({ kind: 'unexpected', path, detail: 'recorded by no manifest of the bundle' });
    } else if (entry.sha256 !== file.sha256 || entry.size !== file.size) {
      problems.push({
        kind: 'altered',
        path,
        detail: `SHA-256 ${file.sha256} (${file.size} bytes) differs from ${entry.sha256} (${entry.size} bytes) recorded by ${entry.manifestKey}`,
      });
    }
  }

  const report = reportOf(files, records.objects);
  let summary: BundleReport | null = null;
  if ('kind' in report) {
    problems.push(report);
  } else {
    const runManifest = manifests.find((stored) => stored.key === recorded.get(report.path)?.manifestKey);
    problems.push(...reportProblems(report, files, manifests, runManifest, checks.publicKey));
    const instructions = runManifest ? instructionsProblem(contents, report, runManifest) : null;
    if (instructions) problems.push(instructions);
    // Every manifest of the bundle must lead to the report's run: a manifest taken out of the
    // middle (with its line of SHA256SUMS) leaves those before it unconnected.
    const behindReport = runManifest ? ancestorsOf(manifests, runManifest.key) : new Set<string>();
    for (const stored of manifests) {
      if (runManifest && !behindReport.has(stored.key)) {
        problems.push({
          kind: 'unconnected',
          path: stored.key,
          detail: `the report's run ${runManifest.key} does not descend from it: a manifest between them is missing, or it does not belong here`,
        });
      }
    }
    const parts = parseReportKey(report.path)!;
    summary = {
      periodId: report.doc.period,
      generatedAt: report.doc.generatedAt,
      folder: report.path.slice(0, -'report.json'.length),
      manifest: runManifest?.key ?? null,
      head: report.doc.ledger?.head ?? null,
      signingKey: report.doc.ledger?.signingKey ?? null,
      evidence: report.doc.evidence.length,
    };
    if (parts.periodId !== report.doc.period) {
      problems.push({
        kind: 'corrupt',
        path: report.path,
        detail: `a report of ${report.doc.period} filed under ${parts.periodId}`,
      });
    }
  }

  // One problem per file and kind: a file missing from the bundle is named once, not once per check.
  const unique = new Map<string, BundleProblem>();
  for (const problem of problems) {
    const id = `${problem.kind} ${problem.path}`;
    if (!unique.has(id)) unique.set(id, problem);
  }
  const sorted = [...unique.values()].sort((a, b) => compareKeys(a.path, b.path) || a.kind.localeCompare(b.kind));
  return {
    ok: sorted.length === 0,
    problems: sorted,
    notices: [...forkNotices(manifests), ...findings.notices].sort((a, b) => compareKeys(a.key, b.key)),
    files: files.size,
    manifests: manifests.length,
    signatures: {
      checkedWith: checks.publicKey?.keyId ?? null,
      signedManifests: manifests.filter((stored) => records.envelopes.has(manifestEnvelopeKey(stored.key))).length,
    },
    report: summary,
  };
}
