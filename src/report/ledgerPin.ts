/**
 * What a report says about the ledger it rests on, the same in report.html, the e-mail and the
 * CLI: the head manifest and its SHA-256 (a checkpoint every reader holds), the key that signs the
 * ledger, and the one command that checks both.
 */
import { PUBLIC_KEY_FILE } from '../signing/keyFiles.js';
import type { ReportDocument } from './schema.js';

export interface LedgerPin {
  headManifest: string | null;
  headSha256: string | null;
  /** The first hex digits of the head's SHA-256, for a masthead or a subject line. */
  headShort: string | null;
  signingKey: string | null;
  backfill: boolean;
  backfilledEvidence: readonly string[];
}

/** The ledger block of the report; null for a report of an earlier version, which has none. */
export function ledgerPinOf(doc: ReportDocument): LedgerPin | null {
  const ledger = doc.ledger;
  if (!ledger) return null;
  return {
    headManifest: ledger.head?.manifest ?? null,
    headSha256: ledger.head?.sha256 ?? null,
    headShort: ledger.head ? ledger.head.sha256.slice(0, 12) : null,
    signingKey: ledger.signingKey,
    backfill: ledger.backfill,
    backfilledEvidence: ledger.backfilledEvidence,
  };
}

/**
 * The command that re-checks the report's evidence: every hash of its period and the chain, and,
 * when the report names them, the signatures (with the public key the auditor was given) and that
 * the ledger still holds the head the report rests on.
 */
export function verifyCommandOf(doc: ReportDocument): string {
  const pin = ledgerPinOf(doc);
  return [
    `fleetledger verify --store ${doc.store} --period ${doc.period}`,
    ...(pin?.signingKey ? [`--public-key ${PUBLIC_KEY_FILE}`] : []),
    ...(pin?.headSha256 ? [`--expect-head ${pin.headSha256}`] : []),
  ].join(' ');
}
