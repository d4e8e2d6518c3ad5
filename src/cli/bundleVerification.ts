/**
 * `fleetledger verify --bundle`: an auditor's bundle checked offline, with no store. Printed like
 * `verify --store`: one line per problem (its kind and the file), one per notice, what the
 * signatures and the expected head proved, and a verdict; exit 0 only when nothing is wrong.
 */
import { readBundle } from '../bundle/readBundle.js';
import { verifyBundleContents } from '../bundle/verifyBundle.js';
import { ConfigError } from '../core/errors.js';
import type { VerificationKey } from '../signing/signer.js';
import { EXIT } from './exit.js';
import { printJson, printLines } from './output.js';

export interface BundleVerification {
  bundle: string;
  publicKey: VerificationKey | undefined;
  expectHead: string | undefined;
  /** `json`: the outcome as one JSON document (as `verify --store --format json` prints its own). */
  format?: string;
}

/** Reads and checks the bundle, prints the outcome; returns the exit status. */
export async function verifyBundleFile(options: BundleVerification): Promise<number> {
  if (!options.publicKey) {
    // The bundle's own copy of the key proves nothing: whoever altered the bundle could replace it.
    throw new ConfigError(
      '--public-key: verify --bundle needs the public key the operator gave you (the bundle carries a copy, which is compared with it, never trusted)',
    );
  }
  const contents = await readBundle(options.bundle);
  const result = verifyBundleContents(contents, {
    publicKey: options.publicKey,
    ...(options.expectHead ? { expectHead: options.expectHead } : {}),
  });
  if (options.format === 'json') {
    printJson({ bundle: options.bundle, verified: result.ok, keyId: options.publicKey.keyId, ...result });
    return result.ok ? EXIT.ok : EXIT.failure;
  }
  const lines: string[] = [];
  for (const problem of result.problems) lines.push(`${problem.kind} ${problem.path}: ${problem.detail}`);
  for (const notice of result.notices) lines.push(`notice: ${notice.kind} at ${notice.key}: ${notice.detail}`);
  lines.push(
    `signatures: checked with ${options.publicKey.keyId} (${result.signatures.signedManifests} of ${result.manifests} manifest(s) signed)`,
  );
  const report = result.report;
  if (report) {
    lines.push(
      `report: ${report.folder} of ${report.periodId} (${report.evidence} snapshot(s) of evidence), head ${report.head ? `${report.head.manifest} (SHA-256 ${report.head.sha256})` : 'none'}`,
    );
  }
  if (options.expectHead && result.ok) {
    lines.push(`expected head: ${options.expectHead} is in the bundle's chain and the report's run descends from it`);
  }
  const verdict = result.ok ? 'bundle verified' : `${result.problems.length} problem(s) found`;
  lines.push(`${verdict}: ${result.files} file(s), ${result.manifests} manifest(s) in ${options.bundle}`);
  printLines(...lines);
  return result.ok ? EXIT.ok : EXIT.failure;
}
