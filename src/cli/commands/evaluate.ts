import type { Command } from 'commander';
import { resolveNow } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import { assertPeriodStarted, parsePeriod, periodContaining, periodUpTo } from '../../core/period.js';
import { evaluateFleet } from '../../evaluate/evaluate.js';
import { listLedgerSnapshots, loadLatestSnapshots } from '../../evaluate/loadPeriod.js';
import { renderEvaluationTable } from '../../evaluate/renderTable.js';
import { DEFAULT_THRESHOLDS } from '../../evaluate/thresholds.js';
import { readWaiversFile, waiverLimits } from '../../evaluate/waivers.js';
import { readFleetFile } from '../../fleet/fleetFile.js';
import { openStore } from '../../ledger/open.js';
import { reportConfiguration } from '../../report/configuration.js';
import { previousPeriodClusters } from '../../report/previousClusters.js';
import { reportFleetOf } from '../../report/reportFleet.js';
import { EXIT } from '../exit.js';
import { rulesFilesOption, useRulesFiles } from '../rulesFilesOption.js';
import type { RunState } from './index.js';

interface EvaluateFlags {
  store: string;
  period?: string;
  timeZone: string;
  waivers?: string;
  fleet?: string;
  now?: string;
  format: string;
  s3Endpoint?: string;
  rules: string[];
}

const FORMATS = ['table', 'json'];

/** `fleetledger evaluate`: the findings and scores of a period, from the stored snapshots. */
export function register(program: Command, run: RunState): void {
  program
    .command('evaluate')
    .description("Evaluate each cluster's latest snapshot of a period against the rule catalog")
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--period <period>', 'ISO week, e.g. 2026-W48 (default: the current week)')
    .option('--time-zone <tz>', 'IANA time zone the weeks are counted in', 'UTC')
    .option('--waivers <file>', 'waivers YAML file')
    .option('--fleet <file>', 'fleet file: rule thresholds (rules:) and the clusters expected')
    .option('--now <iso>', 'evaluate as of this instant (reproducible runs)')
    .option('--format <format>', 'table or json', 'table')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .addOption(rulesFilesOption())
    .action(async (flags: EvaluateFlags) => {
      if (!FORMATS.includes(flags.format)) {
        throw new ConfigError(`--format: expected one of ${FORMATS.join(', ')}, got "${flags.format}"`);
      }
      useRulesFiles(flags.rules);
      const now = resolveNow(flags.now);
      const period = flags.period ? parsePeriod(flags.period, flags.timeZone) : periodContaining(now, flags.timeZone);
      assertPeriodStarted(period, now);
      const fleetFile = flags.fleet ? readFleetFile(flags.fleet, { checkAccess: false }) : null;
      const fleet = fleetFile ? reportFleetOf(fleetFile.fleet) : null;
      const thresholds = fleet?.rules ?? DEFAULT_THRESHOLDS;
      const limits = waiverLimits(now, thresholds);
      const waiversFile = flags.waivers ? await readWaiversFile(flags.waivers, limits) : null;
      const waivers = waiversFile?.waivers ?? [];
      const store = openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const listed = await listLedgerSnapshots(store);
      // Only what had been collected by --now, as in `report`.
      const { snapshots, gaps } = await loadLatestSnapshots(store, periodUpTo(period, now), { listed });
      for (const gap of gaps) process.stderr.write(`warning: skipped ${gap.error}\n`);
      const evaluation = evaluateFleet(
        snapshots.map((loaded) => loaded.snapshot),
        {
          now,
          waivers,
          thresholds,
          // Expected clusters: the fleet file's, else those the ledger shows (as in `report`).
          ...(fleet
            ? { fleetClusters: fleet.clusters }
            : { previousClusters: await previousPeriodClusters(store, period) }),
          unreadableSnapshots: gaps,
        },
      );
      if (flags.format === 'json') {
        const document = {
          period: period.id,
          timeZone: period.timeZone,
          now: now.toISO(),
          store: store.location,
          snapshots: snapshots.map(({ ref }) => ({ cluster: ref.cluster, key: ref.key, collectedAt: ref.collectedAt })),
          gaps,
          ...evaluation,
          // As report.json records it: what produced these findings.
          configuration: reportConfiguration(
            { fleetFile: fleetFile?.source ?? null, waiversFile: waiversFile?.source ?? null },
            thresholds,
          ),
        };
        process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      } else {
        process.stdout.write(
          `period ${period.id} (${period.timeZone}), ${snapshots.length} snapshot(s) from ${store.location}\n\n`,
        );
        process.stdout.write(`${renderEvaluationTable(evaluation)}\n`);
      }
      // Unreadable objects were skipped: partial, as for `report`.
      run.exitCode = gaps.length > 0 ? EXIT.partial : EXIT.ok;
    });
}
