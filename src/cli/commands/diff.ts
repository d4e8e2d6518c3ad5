import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { parsePeriod } from '../../core/period.js';
import { withoutControlCharacters } from '../../core/text.js';
import { type DiffSide, diffSides, renderDiffText, reportSide, snapshotSide } from '../../diff/ledgerDiff.js';
import { parseSnapshotKey } from '../../ledger/keys.js';
import { openStore } from '../../ledger/open.js';
import { readSnapshot } from '../../ledger/snapshots.js';
import type { LedgerStore } from '../../ledger/store.js';
import { readLatestReport } from '../../report/email/storedReport.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines } from '../output.js';
import type { RunState } from './index.js';

interface DiffFlags {
  store: string;
  timeZone: string;
  format: string;
  s3Endpoint?: string;
}

/** 2026-W48 (any case): a period; anything else must be a snapshot key. */
const looksLikePeriod = (text: string) => /^\s*\d{4}-w\d{2}\s*$/i.test(text);

/** The two sides the arguments name; ConfigError unless both are periods or both snapshot keys of one cluster. */
async function sidesOf(store: LedgerStore, a: string, b: string, timeZone: string): Promise<[DiffSide, DiffSide]> {
  if (looksLikePeriod(a) && looksLikePeriod(b)) {
    const sides = await Promise.all(
      [a, b].map(async (text) => {
        const period = parsePeriod(text, timeZone);
        const report = await readLatestReport(store, period.id);
        return reportSide(`${period.id} (${report.folder})`, report.doc);
      }),
    );
    return [sides[0]!, sides[1]!];
  }
  const keys = [a, b].map((text) => ({ text, parts: parseSnapshotKey(text.trim()) }));
  const wrong = keys.find((key) => key.parts === null);
  if (wrong) {
    throw new ConfigError(
      `diff: expected two periods (2026-W48) or two snapshot keys (snapshots/cluster=NAME/date=.../....json.gz), got "${withoutControlCharacters(wrong.text)}"`,
    );
  }
  if (keys[0]!.parts!.cluster !== keys[1]!.parts!.cluster) {
    throw new ConfigError(
      `diff: the snapshots are of two clusters ("${keys[0]!.parts!.cluster}" and "${keys[1]!.parts!.cluster}"): compare snapshots of one cluster, or two periods`,
    );
  }
  const sides = await Promise.all(
    keys.map(async ({ text }) => snapshotSide(text.trim(), await readSnapshot(store, text.trim()))),
  );
  return [sides[0]!, sides[1]!];
}

/** `fleetledger diff A B`: what changed between two snapshots of a cluster or two periods (exit 0 equal, 1 different). */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('diff')
    .argument('<a>', 'a period (2026-W47) or a snapshot key')
    .argument('<b>', 'a period (2026-W48) or a snapshot key of the same cluster')
    .description(
      'Show what changed between two snapshots of a cluster or the reports of two periods: facts, findings and scores (exit 0 when equal, 1 when different)',
    )
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--time-zone <tz>', 'IANA time zone the weeks are counted in', 'UTC')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .addOption(formatOption(['text', 'json']))
    .action(async (a: string, b: string, flags: DiffFlags) => {
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const [before, after] = await sidesOf(store, a, b, flags.timeZone);
      const diff = diffSides(before, after);
      if (flags.format === 'json') printJson(diff);
      else printLines(...renderDiffText(diff, withoutControlCharacters));
      run.exitCode = diff.equal ? EXIT.ok : EXIT.failure;
    });
  examples(command, [
    'fleetledger diff --store ./ledger 2026-W47 2026-W48',
    'fleetledger diff --store ./ledger snapshots/cluster=prod-east/date=2026-11-17/2026-11-17T06-00-00.000Z.json.gz snapshots/cluster=prod-east/date=2026-11-24/2026-11-24T06-00-00.000Z.json.gz',
    'fleetledger diff --store s3://audit-ledger/fleet 2026-w47 2026-w48 --format json | jq .findings.added',
  ]);
}
