import type { Command } from 'commander';
import { errorMessage } from '../../core/errors.js';
import { parsePeriod } from '../../core/period.js';
import { withoutControlCharacters } from '../../core/text.js';
import { table } from '../../evaluate/renderTable.js';
import { SEVERITIES } from '../../evaluate/types.js';
import { parseReportKey } from '../../ledger/keys.js';
import { readManifests, recordedObjectsOf } from '../../ledger/manifest.js';
import { openStore } from '../../ledger/open.js';
import { openRecordedReport, readLatestReport } from '../../report/email/storedReport.js';
import { type RecordedReport, recordedReportsOf } from '../../report/recordedReports.js';
import type { ReportDocument } from '../../report/schema.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printDocument, printJson, printLines } from '../output.js';
import type { RunState } from './index.js';

interface ReportsFlags {
  store: string;
  period?: string;
  timeZone: string;
  format: string;
  s3Endpoint?: string;
}

const percent = (ratio: number | null) => (ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`);

interface ListedReport {
  period: string;
  generatedAt: string;
  folder: string;
  /** A later report of the same period replaces it. */
  superseded: boolean;
  compliance: number | null;
  coverage: number | null;
  open: ReportDocument['fleet']['open'] | null;
  clusters: ReportDocument['fleet']['clusters'] | null;
  /** Why the report could not be read (its row has no scores), or null. */
  problem: string | null;
}

const openCounts = (open: ReportDocument['fleet']['open']) =>
  SEVERITIES.filter((severity) => open[severity] > 0)
    .map((severity) => `${open[severity]} ${severity}`)
    .join(', ') || 'none';

/** `fleetledger reports list|show`: the reports a ledger holds, as its run manifests record them. */
export function register(program: Command, run: RunState): void {
  const reports = program
    .command('reports')
    .description('List the reports stored in a ledger, or show one (as recorded by the run manifests)');
  const list = reports
    .command('list')
    .description('List the stored reports: period, generated, superseded or not, compliance, coverage, open findings')
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--period <period>', 'only this ISO week, e.g. 2026-W48')
    .option('--time-zone <tz>', 'IANA time zone of --period', 'UTC')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: ReportsFlags) => {
      const period = flags.period ? parsePeriod(flags.period, flags.timeZone) : null;
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const recorded = recordedObjectsOf((await readManifests(store)).manifests);
      const periods = period
        ? [period.id]
        : [
            ...new Set(
              [...recorded.keys()].flatMap((key) => {
                const parts = parseReportKey(key);
                return parts?.file === 'report.json' ? [parts.periodId] : [];
              }),
            ),
          ].sort();
      const rows: ListedReport[] = [];
      for (const periodId of periods) {
        const ofPeriod: RecordedReport[] = recordedReportsOf(recorded, periodId);
        for (const [index, entry] of ofPeriod.entries()) {
          const base = {
            period: periodId,
            generatedAt: entry.generatedAt,
            folder: entry.folder,
            superseded: index < ofPeriod.length - 1,
          };
          try {
            const { doc } = await openRecordedReport(store, recorded, entry);
            rows.push({
              ...base,
              compliance: doc.fleet.compliance,
              coverage: doc.fleet.coverage,
              open: doc.fleet.open,
              clusters: doc.fleet.clusters,
              problem: null,
            });
          } catch (error) {
            // One unreadable report is a row that says so, not the end of the listing.
            rows.push({
              ...base,
              compliance: null,
              coverage: null,
              open: null,
              clusters: null,
              problem: errorMessage(error),
            });
          }
        }
      }
      const unreadable = rows.filter((row) => row.problem !== null).length;
      run.exitCode = unreadable > 0 ? EXIT.partial : EXIT.ok;
      if (flags.format === 'json') {
        printJson(rows);
        return;
      }
      if (rows.length === 0) {
        printLines(`no reports in ${store.location}${period ? ` for ${period.id}` : ''}`);
        return;
      }
      printLines(
        ...table(
          [
            ['PERIOD', 'GENERATED', 'STATE', 'COMPLIANCE', 'COVERAGE', 'CLUSTERS', 'OPEN'],
            ...rows.map((row) => [
              row.period,
              row.generatedAt,
              row.problem ? 'unreadable' : row.superseded ? 'superseded' : 'current',
              percent(row.compliance),
              percent(row.coverage),
              row.clusters ? `${row.clusters.ok}/${row.clusters.total} ok` : '-',
              row.open ? openCounts(row.open) : withoutControlCharacters(row.problem ?? ''),
            ]),
          ],
          [8, 24, 10, 10, 8, 12, 200],
        ),
      );
    });
  examples(list, [
    'fleetledger reports list --store ./ledger',
    'fleetledger reports list --store s3://audit-ledger/fleet --period 2026-w48 --format json',
  ]);

  const show = reports
    .command('show')
    .description(
      'Show the latest report of a period: scores, clusters, open findings (--format json: report.json as stored)',
    )
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .requiredOption('--period <period>', 'ISO week, e.g. 2026-W48')
    .option('--time-zone <tz>', 'IANA time zone of --period', 'UTC')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: ReportsFlags & { period: string }) => {
      const period = parsePeriod(flags.period, flags.timeZone);
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const report = await readLatestReport(store, period.id);
      run.exitCode = EXIT.ok;
      if (flags.format === 'json') {
        // The stored bytes, exactly: what a hash in the ledger covers.
        printDocument(Buffer.from(report.reportJson).toString('utf8'));
        return;
      }
      const { doc } = report;
      const clean = withoutControlCharacters;
      printLines(
        `report ${doc.period} (${doc.timeZone}) generated at ${doc.generatedAt}: ${report.folder}`,
        ...(doc.supersedes ? [`  supersedes the report generated at ${doc.supersedes.generatedAt}`] : []),
        `  compliance ${percent(doc.fleet.compliance)}, coverage ${percent(doc.fleet.coverage)}`,
        `  clusters: ${doc.fleet.clusters.total} (${doc.fleet.clusters.ok} ok, ${doc.fleet.clusters.partial} partial, ${doc.fleet.clusters.unreachable} unreachable, ${doc.fleet.clusters.missing} missing)`,
        `  open: ${openCounts(doc.fleet.open)}; waived: ${openCounts(doc.fleet.waived)}`,
        '',
        ...table(
          [
            ['CLUSTER', 'STATUS', 'COMPLIANCE', 'COVERAGE', 'OPEN'],
            ...doc.clusters.map((cluster) => [
              clean(cluster.name),
              cluster.status,
              percent(cluster.compliance),
              percent(cluster.coverage),
              openCounts(cluster.open),
            ]),
          ],
          [40, 11, 10, 8, 80],
        ),
        '',
        ...doc.findings
          .filter((finding) => finding.status === 'open')
          .map(
            (finding) =>
              `${finding.severity} ${finding.rule} ${clean(finding.cluster ?? finding.clusters?.join(',') ?? 'fleet')} ${clean(finding.resource)}: ${clean(finding.message)}`,
          ),
      );
    });
  examples(show, [
    'fleetledger reports show --store ./ledger --period 2026-w48',
    'fleetledger reports show --store ./ledger --period 2026-W48 --format json | jq .fleet',
  ]);
}
