import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { resolveNow } from '../../core/clock.js';
import { prepareOutputDirectory, writeOutputFile } from '../../core/outputDirectory.js';
import { parsePeriod, periodContaining } from '../../core/period.js';
import { openStore } from '../../ledger/open.js';
import { prometheusText } from '../../metrics/prometheusText.js';
import { readLatestReport } from '../../report/email/storedReport.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { printDocument, printNote } from '../output.js';
import type { RunState } from './index.js';

interface MetricsFlags {
  store: string;
  period?: string;
  timeZone: string;
  now?: string;
  out?: string;
  s3Endpoint?: string;
}

/** `fleetledger metrics`: the latest stored report of a period in the Prometheus text format. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('metrics')
    .description(
      'Print the latest stored report of a period as Prometheus metrics (text format): scores, coverage, cluster status, findings, certificate expiry',
    )
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--period <period>', 'ISO week, e.g. 2026-W48 (default: the week containing --now)')
    .option('--time-zone <tz>', 'IANA time zone the weeks are counted in', 'UTC')
    .option('--now <iso>', 'the instant whose week is exported (default: now)')
    .option(
      '--out <file>',
      'write to this file, atomically (for a textfile collector: a name ending in .prom), instead of stdout',
    )
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .action(async (flags: MetricsFlags) => {
      const period = flags.period
        ? parsePeriod(flags.period, flags.timeZone)
        : periodContaining(resolveNow(flags.now), flags.timeZone);
      const outDir = flags.out === undefined ? null : await prepareOutputDirectory('--out', dirname(flags.out));
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const report = await readLatestReport(store, period.id);
      const text = prometheusText(report.doc);
      if (outDir === null || flags.out === undefined) {
        printDocument(text);
      } else {
        // Renamed into place: a collector never reads half a file.
        await writeOutputFile(outDir, basename(flags.out), text);
        printNote(`metrics of ${report.doc.period} (${report.folder}) written to ${flags.out}`);
      }
      run.exitCode = EXIT.ok;
    });
  examples(command, [
    '# node exporter textfile collector (--collector.textfile.directory=/var/lib/node_exporter)',
    'fleetledger metrics --store s3://audit-ledger/fleet --out /var/lib/node_exporter/fleetledger.prom',
    '# Pushgateway',
    'fleetledger metrics --store ./ledger | curl --data-binary @- http://pushgateway:9091/metrics/job/fleetledger',
  ]);
}
