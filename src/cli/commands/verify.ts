import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { openStore } from '../../ledger/open.js';
import { type VerifyResult, verifyLedger } from '../../ledger/verify.js';
import { readPublicKeyFile } from '../../signing/keyFiles.js';
import { verifyBundleFile } from '../bundleVerification.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines } from '../output.js';
import type { RunState } from './index.js';

interface VerifyFlags {
  store?: string;
  bundle?: string;
  period?: string;
  timeZone: string;
  s3Endpoint?: string;
  publicKey?: string;
  expectHead?: string;
  format: string;
}

/** A manifest's SHA-256 as `--expect-head` takes it (a report's `ledger.head.sha256`); ConfigError otherwise. */
export function parseExpectedHead(text: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new ConfigError(
      `--expect-head: expected the 64 hex digits of a manifest's SHA-256 (report.json ledger.head.sha256), got "${text}"`,
    );
  }
  return text.toLowerCase();
}

/** What was checked besides hashes and the chain: the signatures and the expected head. */
function trustLines(result: VerifyResult): string[] {
  const lines: string[] = [];
  const signatures = result.signatures;
  if (signatures?.checkedWith) {
    lines.push(
      `signatures: checked with ${signatures.checkedWith} (${signatures.signedManifests} of ${result.manifests} manifest(s) signed)`,
    );
  } else if (signatures) {
    lines.push(
      `signatures: ${signatures.signedManifests} of ${result.manifests} manifest(s) signed, not checked (give --public-key)`,
    );
  }
  const head = result.expectedHead;
  if (head?.manifest && !result.problems.some((p) => p.kind === 'head-diverged')) {
    lines.push(
      `expected head: ${head.manifest} (SHA-256 ${head.sha256}) is in the ledger and every head descends from it`,
    );
  }
  return lines;
}

/**
 * `fleetledger verify`: one line per problem, one per notice, a summary; exit 0 only when everything
 * matches (notices do not count: a chain forked by concurrent runs is not tampering).
 */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('verify')
    .description(
      'Recompute every hash of the ledger, walk the manifest chain, report missing/altered/unexpected objects; with --public-key check every signature',
    )
    .option('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--bundle <file>', "instead of --store: an auditor's bundle (export), checked offline; needs --public-key")
    .option('--period <period>', 'check only the objects of this ISO week, e.g. 2026-W48')
    .option('--time-zone <tz>', 'time zone the --period week is taken in (IANA), as for report', 'UTC')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option(
      '--public-key <file>',
      'every manifest and run opening must be signed by this key (SPKI PEM, as keygen writes)',
    )
    .option(
      '--expect-head <sha256>',
      "a report's ledger head: fail unless that manifest is in the ledger and every head descends from it",
    )
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: VerifyFlags) => {
      const publicKey = flags.publicKey ? readPublicKeyFile('--public-key', flags.publicKey) : undefined;
      const expectHead = flags.expectHead === undefined ? undefined : parseExpectedHead(flags.expectHead);
      if (flags.bundle !== undefined) {
        if (flags.store !== undefined || flags.period !== undefined) {
          throw new ConfigError(
            '--bundle: give either --store (a ledger) or --bundle (an export of one period), not both',
          );
        }
        run.exitCode = await verifyBundleFile({ bundle: flags.bundle, publicKey, expectHead, format: flags.format });
        return;
      }
      if (flags.store === undefined) throw new ConfigError("--store: required (or --bundle, an auditor's bundle)");
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const result = await verifyLedger(store, {
        ...(flags.period ? { period: flags.period } : {}),
        timeZone: flags.timeZone,
        ...(publicKey ? { publicKey } : {}),
        ...(expectHead ? { expectHead } : {}),
      });
      // An empty ledger proves nothing (and is usually a mistyped --store): not a pass.
      const empty = result.manifests === 0 && result.problems.length === 0;
      run.exitCode = result.ok && !empty ? EXIT.ok : EXIT.failure;
      if (flags.format === 'json') {
        printJson({ store: store.location, verified: run.exitCode === EXIT.ok, ...result });
        return;
      }
      printLines(
        ...result.problems.map((problem) => `${problem.kind} ${problem.key}: ${problem.detail}`),
        // Notices (a forked chain, an open or interrupted run, a backfill) inform but do not fail.
        ...result.notices.map((notice) => `notice: ${notice.kind} at ${notice.key}: ${notice.detail}`),
      );
      if (empty) {
        printLines(`nothing to verify: no manifests in ${store.location}`);
        return;
      }
      const scope = result.periodId ? ` (objects of ${result.periodId})` : '';
      const verdict = result.ok ? 'ledger verified' : `${result.problems.length} problem(s) found`;
      printLines(
        ...trustLines(result),
        `${verdict}: ${result.manifests} manifest(s), ${result.objectsChecked} object(s) checked${scope} in ${store.location}`,
      );
    });
  examples(command, [
    'fleetledger verify --store ./ledger --public-key fleetledger-signing.pub',
    'fleetledger verify --store s3://audit-ledger/fleet --period 2026-w48 --expect-head <report.json ledger.head.sha256>',
  ]);
}
