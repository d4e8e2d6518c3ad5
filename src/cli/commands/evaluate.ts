import type { Command } from 'commander';
import { resolveNow } from '../../core/clock.js';
import { assertPeriodStarted, parsePeriod, periodContaining, periodUpTo } from '../../core/period.js';
import { evaluateFleet } from '../../evaluate/evaluate.js';
import { listLedgerSnapshots, loadLatestSnapshots } from '../../evaluate/loadPeriod.js';
import { renderEvaluationTable } from '../../evaluate/renderTable.js';
import { findingsOverGate, parseSeverityThreshold } from '../../evaluate/severityGate.js';
import { DEFAULT_THRESHOLDS } from '../../evaluate/thresholds.js';
import { readWaiversFile, waiverLimits } from '../../evaluate/waivers.js';
import { readFleetFile } from '../../fleet/fleetFile.js';
import { openStore } from '../../ledger/open.js';
import { reportConfiguration } from '../../report/configuration.js';
import { previousPeriodClusters } from '../../report/previousClusters.js';
import { reportFleetOf } from '../../report/reportFleet.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines, printNote } from '../output.js';
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
  failOn: string;
  s3Endpoint?: string;
  rules: string[];
}

/** `fleetledger evaluate`: the findings and scores of a period, from the stored snapshots. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('evaluate')
    .description("Evaluate each cluster's latest snapshot of a period against the rule catalog")
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--period <period>', 'ISO week, e.g. 2026-W48 (default: the current week)')
    .option('--time-zone <tz>', 'IANA time zone the weeks are counted in', 'UTC')
    .option('--waivers <file>', 'waivers YAML file')
    .option('--fleet <file>', 'fleet file: rule thresholds (rules:) and the clusters expected')
    .option('--now <iso>', 'evaluate as of this instant (reproducible runs)')
    .addOption(formatOption(['table', 'json']))
    .option(
      '--fail-on <severity>',
      'exit 1 when open findings of this severity or higher exist: critical, high, medium, low, info, or none',
      'critical',
    )
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .addOption(rulesFilesOption())
    .action(async (flags: EvaluateFlags) => {
      useRulesFiles(flags.rules);
      const failOn = parseSeverityThreshold('--fail-on', flags.failOn);
      const now = resolveNow(flags.now);
      const period = flags.period ? parsePeriod(flags.period, flags.timeZone) : periodContaining(now, flags.timeZone);
      assertPeriodStarted(period, now);
      const fleetFile = flags.fleet ? readFleetFile(flags.fleet, { checkAccess: false }) : null;
      const fleet = fleetFile ? reportFleetOf(fleetFile.fleet) : null;
      const thresholds = fleet?.rules ?? DEFAULT_THRESHOLDS;
      const limits = waiverLimits(now, thresholds);
      const waiversFile = flags.waivers ? await readWaiversFile(flags.waivers, limits) : null;
      const waivers = waiversFile?.waivers ?? [];
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const listed = await listLedgerSnapshots(store);
      // Only what had been collected by --now, as in `report`.
      const { snapshots, gaps } = await loadLatestSnapshots(store, periodUpTo(period, now), { listed });
      for (const gap of gaps) printNote(`warning: skipped ${gap.error}`);
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
        printJson(document);
      } else {
        printLines(
          `period ${period.id} (${period.timeZone}), ${snapshots.length} snapshot(s) from ${store.location}`,
          '',
          renderEvaluationTable(evaluation),
        );
      }
      // Findings over the gate fail the run (1); otherwise unreadable objects skipped make it partial, as for `report`.
      const overGate = findingsOverGate(evaluation.findings, failOn);
      if (overGate.length > 0) {
        printNote(`${overGate.length} open finding(s) at or above ${failOn} (--fail-on ${failOn})`);
      }
      run.exitCode = overGate.length > 0 ? EXIT.failure : gaps.length > 0 ? EXIT.partial : EXIT.ok;
    });
  examples(command, [
    'fleetledger evaluate --store ./ledger',
    'fleetledger evaluate --store s3://audit-ledger/fleet --period 2026-w48 --fleet fleet.yaml --waivers waivers.yaml',
    'fleetledger evaluate --store ./ledger --fail-on high --format json > findings.json',
  ]);
}
