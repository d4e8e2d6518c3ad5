/**
 * What an auditor's bundle holds and where: one folder (`fleetledger-bundle-<period>/`) with the
 * ledger's files under their ledger keys (so the README's openssl recipe runs in it as in a ledger
 * directory), and three files of the bundle itself:
 *
 *   VERIFY.md                  the commands that check the bundle, filled in
 *   SHA256SUMS                 every other file's SHA-256 (`sha256sum -c SHA256SUMS`)
 *   fleetledger-signing.pub    the public key, when the export was given it
 *
 *   manifests/<runAt>-<hash>.json and .dsse.json   the stretch of the chain the report rests on, signed
 *   openings/<runAt>-<hash>.dsse.json              the run openings those manifests link
 *   snapshots/...                                  the report's evidence
 *   reports/<period>/<generatedAt>/...             every file of the report
 *   index/trend/period=<period>/<generatedAt>.json the report run's trend entry
 */
import { parseManifestEnvelopeKey, parseManifestKey, parseOpeningKey, parseReportKey } from '../ledger/keys.js';
import { PUBLIC_KEY_FILE } from '../signing/keyFiles.js';

export const SUMS_FILE = 'SHA256SUMS';
export const VERIFY_FILE = 'VERIFY.md';
export const BUNDLE_KEY_FILE = PUBLIC_KEY_FILE;

/** The files a bundle holds besides ledger objects. */
export const BUNDLE_OWN_FILES: readonly string[] = [VERIFY_FILE, SUMS_FILE, BUNDLE_KEY_FILE];

/** The folder every file of a period's bundle sits in. */
export function bundleFolder(periodId: string): string {
  return `fleetledger-bundle-${periodId}`;
}

/**
 * The files whose bytes verifying a bundle reads (the records, report.json, the bundle's own files);
 * of every other file only the SHA-256 and size are needed.
 */
export function isReadWhole(path: string): boolean {
  return (
    path === SUMS_FILE ||
    path === BUNDLE_KEY_FILE ||
    path === VERIFY_FILE ||
    parseManifestKey(path) !== null ||
    parseManifestEnvelopeKey(path) !== null ||
    parseOpeningKey(path) !== null ||
    parseReportKey(path)?.file === 'report.json'
  );
}

/** A file of a bundle: its size and SHA-256, and its bytes when verifying reads them (isReadWhole). */
export interface BundleFile {
  size: number;
  sha256: string;
  bytes?: Uint8Array;
}

/** A bundle as read: its folder and its files by path inside it. */
export interface BundleContents {
  folder: string;
  files: ReadonlyMap<string, BundleFile>;
}
