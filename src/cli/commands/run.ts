import type { Command } from 'commander';
import { snapshotFleet } from '../../collect/snapshotFleet.js';
import { resolveNow } from '../../core/clock.js';
import type { ConfigFile } from '../../core/configFile.js';
import { prepareOutputDirectory } from '../../core/outputDirectory.js';
import { readWaiversFile, waiverLimits } from '../../evaluate/waivers.js';
import { type Fleet, readFleetFile } from '../../fleet/fleetFile.js';
import { fleetFromSources } from '../../fleet/fleetSources.js';
import { openStore, prepareStore } from '../../ledger/open.js';
import { checkedReason, generateReport } from '../../report/generateReport.js';
import { reportFleetOf } from '../../report/reportFleet.js';
import { cliLogger } from '../cliLogger.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printError, printJson, printLines } from '../output.js';
import { rulesFilesOption, useRulesFiles } from '../rulesFilesOption.js';
import { backfillOption, type RunTrustFlags, runTrustOf, signingKeyOption } from '../runTrustOptions.js';
import type { RunState } from './index.js';
import { reportExitCode, reportResultJson, reportSummary } from './report.js';
import {
  clusterLine,
  fleetSourceHelp,
  notStoredErrors,
  snapshotExitCode,
  snapshotResultJson,
  summaryLine,
  withSecretReadsFlag,
} from './snapshot.js';

interface RunFlags extends RunTrustFlags {
  fleet?: string;
  kubeconfig?: string;
  context?: string[];
  format: string;
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
  const command = program
    .command('run')
    .description('Snapshot every cluster of the fleet, then generate the report of the current week')
    .option('--fleet <file>', fleetSourceHelp.fleet)
    .option('--kubeconfig <file>', fleetSourceHelp.kubeconfig)
    .option('--context <name...>', fleetSourceHelp.context)
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
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: RunFlags) => {
      // Every input is checked before any cluster is contacted.
      useRulesFiles(flags.rules);
      const { fleet: configured, source: fleetSource } = await fleetAndSource(flags);
      const fleet = withSecretReadsFlag(configured, flags.readSecrets);
      const now = resolveNow(flags.now);
      const limits = waiverLimits(now, fleet.rules);
      const waiversFile = flags.waivers ? await readWaiversFile(flags.waivers, limits) : null;
      checkedReason(flags.reason);
      const trust = await runTrustOf(flags);
      if (flags.out) await prepareOutputDirectory('--out', flags.out);
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      await prepareStore(store);
      const logger = cliLogger();
      const snapshots = await snapshotFleet(fleet, { store, now, logger, ...trust });
      const text = flags.format === 'text';
      if (text) printLines(...snapshots.clusters.map(clusterLine), summaryLine(snapshots, store.location));
      for (const line of notStoredErrors(snapshots)) printError(line.replace(/^error: /, ''));
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
      if (text) printLines(...reportSummary(result, store.location));
      else {
        printJson({
          snapshots: snapshotResultJson(snapshots, store.location),
          report: reportResultJson(result, store.location),
        });
      }
      const snapshotCode = snapshotExitCode(snapshots);
      run.exitCode = snapshotCode !== EXIT.ok ? snapshotCode : reportExitCode(result.doc);
    });
  examples(command, [
    '# every context of $KUBECONFIG (else ~/.kube/config), report in ./out/report',
    'fleetledger run --store ./ledger --out ./out/report',
    'fleetledger run --fleet fleet.yaml --store s3://audit-ledger/fleet --waivers waivers.yaml',
  ]);
}

/** The fleet, and the fleet file's bytes when there is one (the report records what produced it). */
async function fleetAndSource(flags: RunFlags): Promise<{ fleet: Fleet; source: ConfigFile | null }> {
  if (flags.fleet && !flags.kubeconfig && !flags.context?.length) return readFleetFile(flags.fleet);
  return { fleet: await fleetFromSources(flags), source: null };
}
