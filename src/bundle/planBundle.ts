/**
 * What goes into a period's auditor's bundle, decided from the ledger: the period's latest report
 * (among those the key vouches for, when the export is given the key), every file of its run, every
 * snapshot it names as evidence, and the stretch of the manifest chain from the runs that recorded
 * that evidence (and the head the report pins) to the report's own run, with their signatures and
 * the run openings they link. Later runs are left out: the report rests on none of them, and the
 * bundle is a closed whole that verifies the same way for good. Whether the ledger still holds the
 * head later is `verify --store --expect-head`'s question, not the bundle's.
 */
import { ConfigError, OperationalError } from '../core/errors.js';
import { parsePeriod } from '../core/period.js';
import { compareKeys, manifestEnvelopeKey } from '../ledger/keys.js';
import {
  type ManifestReadout,
  type RecordedObject,
  readManifests,
  recordedObjectsOf,
  type StoredManifest,
} from '../ledger/manifest.js';
import { CorruptObjectError, sha256Hex } from '../ledger/objects.js';
import { type LedgerStore, ObjectNotFoundError } from '../ledger/store.js';
import { EnvelopeReader, trustedManifests } from '../ledger/trust.js';
import { type RecordedReport, recordedReportsOf } from '../report/recordedReports.js';
import { parseReportJson } from '../report/reportJson.js';
import type { ReportDocument } from '../report/schema.js';
import type { VerificationKey } from '../signing/signer.js';
import { chainSegment } from './chainSegment.js';

export interface BundleRequest {
  period: string;
  /** Only reports generated in this time zone (report --time-zone); default: the period's latest, whatever its zone. */
  timeZone?: string;
  /** The key that signs the ledger: only what it vouches for is exported, and its copy goes in. */
  publicKey?: VerificationKey;
}

/** A ledger object the bundle carries, with what the ledger's records say its bytes are (null: nothing says). */
export interface PlannedObject {
  key: string;
  expected: { sha256: string; size?: number; by: string } | null;
}

export interface BundlePlan {
  periodId: string;
  store: string;
  report: { folder: string; generatedAt: string; doc: ReportDocument; manifest: string };
  head: { manifest: string; sha256: string } | null;
  signingKey: string;
  /** Every ledger object of the bundle, in key order. */
  objects: PlannedObject[];
  /** The stretch of chain, oldest first by key. */
  manifests: string[];
  evidence: number;
}

function fail(store: LedgerStore, message: string): OperationalError {
  return new OperationalError(`${store.location}: ${message}`);
}

async function readRecorded(store: LedgerStore, key: string, recorded: RecordedObject): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError)
      throw fail(store, `${key} is recorded by ${recorded.manifestKey} but missing (run fleetledger verify)`);
    throw error;
  }
  if (sha256Hex(bytes) !== recorded.sha256) {
    throw fail(store, `${key} differs from what ${recorded.manifestKey} recorded (run fleetledger verify)`);
  }
  return bytes;
}

/** The latest report of the period (in the time zone, when one is asked for), read and checked. */
async function latestReport(
  store: LedgerStore,
  reports: readonly RecordedReport[],
  timeZone: string | undefined,
): Promise<{ report: RecordedReport; doc: ReportDocument } | null> {
  for (const report of [...reports].reverse()) {
    const bytes = await readRecorded(store, report.reportJson.key, report.reportJson);
    let doc: ReportDocument;
    try {
      doc = parseReportJson(report.reportJson.key, bytes);
    } catch (error) {
      if (error instanceof CorruptObjectError) throw fail(store, error.message);
      throw error;
    }
    if (timeZone === undefined || doc.timeZone === timeZone) return { report, doc };
  }
  return null;
}

/** The manifests the export takes its report from: those the key vouches for, or every one without a key. */
async function vouchedManifests(
  store: LedgerStore,
  readout: ManifestReadout,
  key: VerificationKey | undefined,
): Promise<StoredManifest[]> {
  if (!key) return readout.manifests;
  const trusted = await trustedManifests(readout, key, new EnvelopeReader(store));
  if (trusted.adopted) {
    throw new ConfigError(
      `--public-key: no manifest of ${store.location} is signed by the key ${key.keyId}: is it the ledger's key?`,
    );
  }
  return trusted.manifests;
}

/**
 * Decides the bundle's contents; reads report.json and the manifests, not the snapshots.
 * ConfigError (exit 2) for a bad period, a period with no (signed) report, or a key that is not the
 * report's; OperationalError (exit 1) when the report rests on objects the ledger no longer holds
 * as recorded.
 *
 * @example
 * const plan = await planBundle(await openStore('./ledger'), { period: '2026-W48', publicKey });
 */
export async function planBundle(store: LedgerStore, request: BundleRequest): Promise<BundlePlan> {
  const period = parsePeriod(request.period, request.timeZone ?? 'UTC');
  const readout = await readManifests(store);
  const vouched = await vouchedManifests(store, readout, request.publicKey);
  const recorded = recordedObjectsOf(vouched);
  const found = await latestReport(store, recordedReportsOf(recorded, period.id), request.timeZone);
  if (!found) {
    const zone = request.timeZone ? ` generated in ${request.timeZone}` : '';
    const signed = request.publicKey ? ` signed by ${request.publicKey.keyId}` : '';
    throw new ConfigError(
      `--period: ${store.location} holds no report of ${period.id}${zone}${signed} (run fleetledger report --period ${period.id} first)`,
    );
  }
  const { report, doc } = found;
  const signingKey = doc.ledger?.signingKey;
  if (!doc.ledger || !signingKey) {
    throw new ConfigError(
      `--period: the report ${report.folder} of ${store.location} was generated by an unsigned run: an auditor's bundle proves nothing without signatures (sign runs with --signing-key, then report the period again)`,
    );
  }
  if (request.publicKey && request.publicKey.keyId !== signingKey) {
    throw new ConfigError(
      `--public-key: the key ${request.publicKey.keyId} is not the one that signed the report ${report.folder} (${signingKey})`,
    );
  }

  const reportRun = vouched.find((stored) => stored.key === report.reportJson.manifestKey)!;
  const evidence = doc.evidence.map((item) => {
    const entry = recorded.get(item.key);
    if (!entry || entry.sha256 !== item.sha256) {
      throw fail(
        store,
        entry
          ? `${item.key}, evidence of ${report.folder}, is recorded by ${entry.manifestKey} with another SHA-256 than the report names (run fleetledger verify)`
          : `${item.key}, evidence of ${report.folder}, is recorded by no manifest${request.publicKey ? ' the key vouches for' : ''} (run fleetledger verify)`,
      );
    }
    return { key: item.key, recorded: entry };
  });
  const head = doc.ledger.head;
  const starts = [...evidence.map((item) => item.recorded.manifestKey), ...(head ? [head.manifest] : [])];
  const stretch = chainSegment(readout.manifests, starts, reportRun.key);
  if (head && !stretch.some((stored) => stored.key === head.manifest && stored.sha256 === head.sha256)) {
    throw fail(
      store,
      `the head ${head.manifest} (SHA-256 ${head.sha256}) that ${report.folder} rests on is not behind its run ${reportRun.key} (run fleetledger verify --expect-head ${head.sha256})`,
    );
  }

  const objects = new Map<string, PlannedObject>();
  const add = (key: string, expected: PlannedObject['expected']) => {
    if (!objects.has(key)) objects.set(key, { key, expected });
  };
  for (const stored of stretch) {
    add(stored.key, { size: stored.size, sha256: stored.sha256, by: 'its name and the chain' });
    if (readout.envelopeKeys.has(manifestEnvelopeKey(stored.key))) add(manifestEnvelopeKey(stored.key), null);
    const { manifest } = stored;
    for (const link of [
      ...(manifest.opening ? [manifest.opening] : []),
      ...(manifest.closes ?? []).map((c) => c.opening),
    ]) {
      add(link.key, { sha256: link.sha256, by: stored.key });
    }
  }
  for (const entry of reportRun.manifest.objects) {
    add(entry.key, { size: entry.size, sha256: entry.sha256, by: reportRun.key });
  }
  for (const item of evidence) {
    add(item.key, { size: item.recorded.size, sha256: item.recorded.sha256, by: item.recorded.manifestKey });
  }
  return {
    periodId: period.id,
    store: store.location,
    report: { folder: report.folder, generatedAt: report.generatedAt, doc, manifest: reportRun.key },
    head,
    signingKey,
    objects: [...objects.values()].sort((a, b) => compareKeys(a.key, b.key)),
    manifests: stretch.map((stored) => stored.key),
    evidence: evidence.length,
  };
}
