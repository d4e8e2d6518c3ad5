import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { resolveNow } from '../../core/clock.js';
import { prepareOutputDirectory } from '../../core/outputDirectory.js';
import { type DemoStep, runDemo } from '../../demo/runDemo.js';
import { openStore, prepareStore } from '../../ledger/open.js';
import { cliLogger } from '../cliLogger.js';
import type { RunState } from './index.js';
import { reportSummary } from './report.js';
import { clusterLine, summaryLine } from './snapshot.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples', import.meta.url));

function stepLines(step: DemoStep, storeLocation: string): string[] {
  const week = step.week === 'last' ? 'last week' : 'this week';
  if (step.kind === 'snapshot') {
    return [`== ${week}: snapshot`, ...step.result.clusters.map(clusterLine), summaryLine(step.result, storeLocation)];
  }
  return [`== ${week}: report`, ...reportSummary(step.report, storeLocation)];
}

/** `fleetledger demo` (`npm start`): the demo fleet, two weekly cycles, the report on disk. */
export function register(program: Command, run: RunState): void {
  program
    .command('demo')
    .description('start the demo fleet, snapshot it for last week and this week, and write the report')
    .option('--store <location>', 'ledger location', './ledger')
    .option('--out <dir>', "directory for this week's report files", './out/report')
    .option('--now <iso>', 'the clock for the whole run (ISO 8601)')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .action(async (flags: { store: string; out: string; now?: string; s3Endpoint?: string }) => {
      const now = resolveNow(flags.now);
      // Checked before the demo fleet starts: an unusable --out must not fail after the ledger was written.
      await prepareOutputDirectory('--out', flags.out);
      const store = openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      await prepareStore(store);
      const result = await runDemo({
        examplesDir: EXAMPLES,
        store,
        now,
        out: flags.out,
        logger: cliLogger(),
        onStep: (step) => console.log(stepLines(step, store.location).join('\n')),
      });
      const outDir = result.thisWeek.report.outDir ?? flags.out;
      console.log(
        `\nreport: ${outDir}/report.html (also report.json, findings.csv, policyreport.yaml, openreports.yaml, assessment-results.json, email.html)`,
      );
      const endpoint = flags.s3Endpoint ? ` --s3-endpoint ${flags.s3Endpoint}` : '';
      console.log(`verify the ledger: npx fleetledger verify --store ${store.location}${endpoint}`);
      run.exitCode = 0;
    });
}
