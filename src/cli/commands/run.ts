import type { Command } from 'commander';
import { snapshotFleet } from '../../collect/snapshotFleet.js';
import { resolveNow } from '../../core/clock.js';
import { prepareOutputDirectory } from '../../core/outputDirectory.js';
import { readWaiversFile, waiverLimits } from '../../evaluate/waivers.js';
import { readFleetFile } from '../../fleet/fleetFile.js';
import { openStore, prepareStore } from '../../ledger/open.js';
import { checkedReason, generateReport } from '../../report/generateReport.js';
import { reportFleetOf } from '../../report/reportFleet.js';
import { cliLogger } from '../cliLogger.js';
import { EXIT } from '../exit.js';
import { rulesFilesOption, useRulesFiles } from '../rulesFilesOption.js';
import { backfillOption, type RunTrustFlags, runTrustOf, signingKeyOption } from '../runTrustOptions.js';
import type { RunState } from './index.js';
import { reportSummary } from './report.js';
import { clusterLine, notStoredErrors, summaryLine, withSecretReadsFlag } from './snapshot.js';

interface RunFlags extends RunTrustFlags {
  fleet: string;
  store: string;
  timeZone: string;
  waivers?: string;
  out?: string;
  now?: string;
  s3Endpoint?: string;
  /** false with --no-read-secrets. */
  readSecrets: boolean;
  reason?: string;
  rules: string[];
}

/** `fleetledger run`: snapshot the fleet, then report on the week containing the run. */
export function register(program: Command, run: RunState): void {
  program
    .command('run')
    .description('Snapshot every cluster of the fleet, then generate the report of the current week')
    .requiredOption('--fleet <file>', 'fleet file (YAML) naming the clusters')
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--time-zone <tz>', 'IANA time zone the weeks are counted in', 'UTC')
    .option('--waivers <file>', 'waivers YAML file')
    .option('--out <dir>', 'also copy the report files to this directory')
    .option('--now <iso>', 'the run time (ISO 8601) instead of the clock')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--no-read-secrets', 'read no Secrets (as the fleet file setting defaults.readSecrets: false)')
    .option('--reason <text>', 'why the week is reported (again): recorded with the earlier report it supersedes')
    .addOption(signingKeyOption())
    .addOption(backfillOption())
    .addOption(rulesFilesOption())
    .action(async (flags: RunFlags) => {
      // Every input is checked before any cluster is contacted.
      useRulesFiles(flags.rules);
      const { fleet: configured, source: fleetSource } = readFleetFile(flags.fleet);
      const fleet = withSecretReadsFlag(configured, flags.readSecrets);
      const now = resolveNow(flags.now);
      const limits = waiverLimits(now, fleet.rules);
      const waiversFile = flags.waivers ? await readWaiversFile(flags.waivers, limits) : null;
      checkedReason(flags.reason);
      const trust = await runTrustOf(flags);
      if (flags.out) await prepareOutputDirectory('--out', flags.out);
      const store = openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      await prepareStore(store);
      const logger = cliLogger();
      const snapshots = await snapshotFleet(fleet, { store, now, logger, ...trust });
      for (const cluster of snapshots.clusters) process.stdout.write(`${clusterLine(cluster)}\n`);
      process.stdout.write(`${summaryLine(snapshots, store.location)}\n`);
      for (const line of notStoredErrors(snapshots)) process.stderr.write(`${line}\n`);
      // The report is generated after the last snapshot was collected (collection times are now + elapsed).
      const result = await generateReport({
        store,
        now: now.plus({ milliseconds: snapshots.elapsedMs + 1 }),
        timeZone: flags.timeZone,
        waivers: waiversFile?.waivers ?? [],
        fleet: reportFleetOf(fleet),
        configurationFiles: { fleetFile: fleetSource, waiversFile: waiversFile?.source ?? null },
        logger,
        ...(flags.out ? { out: flags.out } : {}),
        ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
        ...trust,
      });
      process.stdout.write(`${reportSummary(result, store.location).join('\n')}\n`);
      const complete = snapshots.counts.ok === snapshots.clusters.length && result.doc.gaps.length === 0;
      run.exitCode = snapshots.notStored > 0 ? EXIT.failure : complete ? EXIT.ok : EXIT.partial;
    });
}
