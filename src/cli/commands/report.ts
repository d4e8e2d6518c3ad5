import type { Command } from 'commander';
import { resolveNow } from '../../core/clock.js';
import { SEVERITIES } from '../../evaluate/types.js';
import { readWaiversFile, waiverLimits } from '../../evaluate/waivers.js';
import { readFleetFile } from '../../fleet/fleetFile.js';
import { openStore } from '../../ledger/open.js';
import { type GeneratedReport, generateReport } from '../../report/generateReport.js';
import { reportFleetOf } from '../../report/reportFleet.js';
import type { ReportDocument } from '../../report/schema.js';
import { cliLogger } from '../cliLogger.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines } from '../output.js';
import { rulesFilesOption, useRulesFiles } from '../rulesFilesOption.js';
import { backfillOption, type RunTrustFlags, runTrustOf, signingKeyOption } from '../runTrustOptions.js';
import type { RunState } from './index.js';

export interface ReportFlags extends RunTrustFlags {
  store: string;
  period?: string;
  timeZone: string;
  waivers?: string;
  fleet?: string;
  out?: string;
  now?: string;
  s3Endpoint?: string;
  allowEmpty?: boolean;
  reason?: string;
  rules: string[];
  format: string;
}

/**
 * The exit status of a stored report: 0 when every expected cluster was collected completely and
 * every object read; 3 (partial) when the report is stored but some cluster is missing,
 * unreachable or partly collected, or an object was unreadable: a report that says "every
 * cluster missing" is not a success.
 */
export function reportExitCode(doc: ReportDocument): number {
  const c = doc.fleet.clusters;
  const complete = c.missing === 0 && c.unreachable === 0 && c.partial === 0 && doc.gaps.length === 0 && !doc.noData;
  return complete ? EXIT.ok : EXIT.partial;
}

/** What `report --format json` (and `run`) print: where it went and the headline numbers. */
export function reportResultJson(result: GeneratedReport, storeLocation: string) {
  const { doc } = result;
  return {
    period: doc.period,
    timeZone: doc.timeZone,
    generatedAt: doc.generatedAt,
    store: storeLocation,
    folder: result.reportFolder,
    keys: result.writtenKeys,
    out: result.outDir ?? null,
    noData: doc.noData === true,
    fleet: doc.fleet,
    gaps: doc.gaps,
    supersedes: doc.supersedes ?? null,
    ledger: doc.ledger ?? null,
  };
}

// Moved to src/report so the Lambda handlers share it without importing CLI code; re-exported for callers.

const percent = (ratio: number | null) => (ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`);
const points = (delta: number | null) =>
  delta === null ? '' : ` (${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(1)} pts)`;

/** Which earlier report of the period this one replaces, and why (`report`, `run`, `email`). */
export function supersessionLines(doc: ReportDocument): string[] {
  if (!doc.supersedes) return [];
  const why = doc.reason ? `reason: ${doc.reason}` : 'no reason given (--reason)';
  return [`  supersedes ${doc.supersedes.folder} (generated at ${doc.supersedes.generatedAt}); ${why}`];
}

/** The ledger head the report rests on (what `verify --expect-head` takes) and who signed its run. */
export function ledgerLines(doc: ReportDocument): string[] {
  const ledger = doc.ledger;
  if (!ledger) return [];
  const head = ledger.head ? `${ledger.head.manifest} (SHA-256 ${ledger.head.sha256})` : 'none (an empty ledger)';
  return [
    `  rests on ledger head ${head}; ${ledger.signingKey ? `signed by ${ledger.signingKey}` : 'unsigned'}`,
    ...(ledger.backfill ? ["  backfill: generated at a time earlier than the ledger's newest run (--backfill)"] : []),
  ];
}

/** What the command prints: where everything went and what the report says, in a few lines. */
export function reportSummary(result: GeneratedReport, storeLocation: string): string[] {
  const { doc } = result;
  const c = doc.fleet.clusters;
  const open = SEVERITIES.map((s) => `${doc.fleet.open[s]} ${s}`).join(', ');
  const waived = SEVERITIES.reduce((sum, s) => sum + doc.fleet.waived[s], 0);
  const since = doc.noData
    ? 'no trend: nothing was evaluated'
    : doc.previousPeriod
      ? `since ${doc.previousPeriod}: ${doc.trend.new.length} new, ${doc.trend.resolved.length} resolved, ` +
        `${doc.trend.persisting.length} persisting, ${doc.trend.changes.length} fact change(s)`
      : 'no earlier period with data: no trend yet';
  const scores = doc.noData
    ? '  no data: no snapshot of any expected cluster in the period; compliance and coverage are unknown (null), not 0%'
    : `  fleet compliance ${percent(doc.fleet.compliance)}${points(doc.fleet.delta.compliance)}, ` +
      `coverage ${percent(doc.fleet.coverage)}${points(doc.fleet.delta.coverage)}`;
  return [
    `report ${doc.period} (${doc.timeZone}) generated at ${doc.generatedAt}`,
    scores,
    `  clusters: ${c.total} (${c.ok} ok, ${c.partial} partial, ${c.unreachable} unreachable, ${c.missing} missing)`,
    `  open findings: ${open}; ${waived} waived`,
    `  ${since}`,
    ...doc.gaps.map((gap) => `  gap: ${gap.key}: ${gap.error}`),
    ...supersessionLines(doc),
    ...ledgerLines(doc),
    `stored in ${storeLocation}: ${result.reportFolder} (${result.writtenKeys.length} objects)`,
    ...result.writtenKeys.map((key) => `  ${key}`),
    ...(result.outDir ? [`copied to ${result.outDir}`] : []),
  ];
}

/** `fleetledger report`: generate, store and print the report of a period. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('report')
    .description('Generate the compliance report of a period (HTML, JSON, CSV, policy reports, e-mail) into the ledger')
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--period <period>', 'ISO week, e.g. 2026-W48 (default: the week containing --now)')
    .option('--time-zone <tz>', 'IANA time zone the weeks are counted in', 'UTC')
    .option('--waivers <file>', 'waivers YAML file')
    .option('--fleet <file>', 'fleet file: the clusters expected (missing ones lower coverage) and rule thresholds')
    .option('--out <dir>', 'also copy the report files to this directory')
    .option('--now <iso>', 'generate as of this instant (reproducible runs)')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--reason <text>', 'why the report is generated (again): recorded with the earlier report it supersedes')
    .option(
      '--allow-empty',
      'store an explicit no-data report (null scores) when no expected cluster has a snapshot in the period (default: exit 1, store nothing)',
    )
    .addOption(signingKeyOption())
    .addOption(backfillOption())
    .addOption(rulesFilesOption())
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: ReportFlags) => {
      useRulesFiles(flags.rules);
      const now = resolveNow(flags.now);
      const trust = await runTrustOf(flags);
      const fleetFile = flags.fleet ? readFleetFile(flags.fleet, { checkAccess: false }) : null;
      const fleet = fleetFile ? reportFleetOf(fleetFile.fleet) : undefined;
      const limits = waiverLimits(now, fleet?.rules ?? null);
      const waiversFile = flags.waivers ? await readWaiversFile(flags.waivers, limits) : null;
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const result = await generateReport({
        store,
        now,
        timeZone: flags.timeZone,
        waivers: waiversFile?.waivers ?? [],
        configurationFiles: { fleetFile: fleetFile?.source ?? null, waiversFile: waiversFile?.source ?? null },
        logger: cliLogger(),
        ...(flags.period ? { period: flags.period } : {}),
        ...(fleet ? { fleet } : {}),
        ...(flags.out ? { out: flags.out } : {}),
        ...(flags.allowEmpty ? { allowEmpty: true } : {}),
        ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
        ...trust,
      });
      if (flags.format === 'json') printJson(reportResultJson(result, store.location));
      else printLines(...reportSummary(result, store.location));
      run.exitCode = reportExitCode(result.doc);
    });
  examples(command, [
    'fleetledger report --store ./ledger --out ./out/report',
    'fleetledger report --store s3://audit-ledger/fleet --period 2026-w48 --fleet fleet.yaml --waivers waivers.yaml',
    'fleetledger report --store ./ledger --period 2026-W48 --reason "waiver for payments added"',
  ]);
}
