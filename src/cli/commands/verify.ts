import type { Command } from 'commander';
import { openStore } from '../../ledger/open.js';
import { verifyLedger } from '../../ledger/verify.js';
import { EXIT } from '../exit.js';
import type { RunState } from './index.js';

interface VerifyFlags {
  store: string;
  period?: string;
  timeZone: string;
  s3Endpoint?: string;
}

/**
 * `fleetledger verify`: one line per problem, one per notice, a summary; exit 0 only when everything
 * matches (notices do not count: a chain forked by concurrent runs is not tampering).
 */
export function register(program: Command, run: RunState): void {
  program
    .command('verify')
    .description(
      'Recompute every hash of the ledger, walk the manifest chain, report missing/altered/unexpected objects',
    )
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--period <period>', 'check only the objects of this ISO week, e.g. 2026-W48')
    .option('--time-zone <tz>', 'time zone the --period week is taken in (IANA), as for report', 'UTC')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .action(async (flags: VerifyFlags) => {
      const store = openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const result = await verifyLedger(store, {
        ...(flags.period ? { period: flags.period } : {}),
        timeZone: flags.timeZone,
      });
      for (const problem of result.problems) {
        process.stdout.write(`${problem.kind} ${problem.key}: ${problem.detail}\n`);
      }
      // Notices (a forked chain) inform but do not fail: every branch was checked like the rest.
      for (const notice of result.notices) {
        process.stdout.write(`notice: ${notice.kind} at ${notice.key}: ${notice.detail}\n`);
      }
      if (result.manifests === 0 && result.problems.length === 0) {
        // An empty ledger proves nothing (and is usually a mistyped --store): not a pass.
        process.stdout.write(`nothing to verify: no manifests in ${store.location}\n`);
        run.exitCode = EXIT.failure;
        return;
      }
      const scope = result.periodId ? ` (objects of ${result.periodId})` : '';
      const verdict = result.ok ? 'ledger verified' : `${result.problems.length} problem(s) found`;
      process.stdout.write(
        `${verdict}: ${result.manifests} manifest(s), ${result.objectsChecked} object(s) checked${scope} in ${store.location}\n`,
      );
      run.exitCode = result.ok ? EXIT.ok : EXIT.failure;
    });
}
