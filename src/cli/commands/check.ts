import type { Command } from 'commander';
import { junitXml } from '../../check/junitXml.js';
import { compliancePercent, findingPlace, judgeReport } from '../../check/reportGate.js';
import { sarifLog } from '../../check/sarifLog.js';
import { resolveNow } from '../../core/clock.js';
import { parsePeriod, periodContaining } from '../../core/period.js';
import { FLEETLEDGER_VERSION } from '../../core/version.js';
import { loadRulesFiles } from '../../customRules/rulesFile.js';
import { parseMinimumCompliance, parseSeverityThreshold } from '../../evaluate/severityGate.js';
import { SEVERITIES } from '../../evaluate/types.js';
import { openStore } from '../../ledger/open.js';
import { readLatestReport } from '../../report/email/storedReport.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, paint, printDocument, printJson, printLines } from '../output.js';
import { rulesFilesOption } from '../rulesFilesOption.js';
import type { RunState } from './index.js';

interface CheckFlags {
  store: string;
  period?: string;
  timeZone: string;
  failOn: string;
  minCompliance?: string;
  format: string;
  s3Endpoint?: string;
  now?: string;
  rules: string[];
}

/** `fleetledger check`: a CI gate over the latest stored report of a period (exit 1 when it fails). */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('check')
    .description(
      'CI gate: exit 1 when the latest stored report of a period has open findings at or above a severity, or compliance below a minimum',
    )
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .requiredOption(
      '--fail-on <severity>',
      `fail on open findings of this severity or higher: ${SEVERITIES.join(', ')}, or none`,
    )
    .option('--min-compliance <percent>', 'fail when fleet compliance is below this percentage (e.g. 95)')
    .option('--period <period>', 'ISO week, e.g. 2026-W48 (default: the week containing --now)')
    .option('--time-zone <tz>', 'IANA time zone the weeks are counted in', 'UTC')
    .option('--now <iso>', 'the instant whose week is checked (default: now)')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .addOption(formatOption(['text', 'json', 'sarif', 'junit']))
    .addOption(
      rulesFilesOption(
        'custom rules file the report must have run, as it is now (fail otherwise); repeatable. See README "Custom rules"',
      ),
    )
    .action(async (flags: CheckFlags) => {
      // Every flag is checked before the store is read.
      const failOn = parseSeverityThreshold('--fail-on', flags.failOn);
      const minCompliance =
        flags.minCompliance === undefined ? null : parseMinimumCompliance('--min-compliance', flags.minCompliance);
      const period = flags.period
        ? parsePeriod(flags.period, flags.timeZone)
        : periodContaining(resolveNow(flags.now), flags.timeZone);
      // The stored report's findings already hold the custom rules that ran; --rules makes sure
      // they were these files as they are now (a broken file is exit 2, before the store is read).
      const rulesFiles = [
        ...new Map(
          loadRulesFiles('--rules', flags.rules).flatMap((rule) =>
            rule.definedIn ? [[rule.definedIn.sha256, rule.definedIn] as const] : [],
          ),
        ).values(),
      ];
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const report = await readLatestReport(store, period.id);
      const verdict = judgeReport(report.doc, { failOn, minCompliance, rulesFiles });
      run.exitCode = verdict.passed ? EXIT.ok : EXIT.failure;
      const doc = report.doc;
      switch (flags.format) {
        case 'sarif':
          printJson(sarifLog(doc, verdict, FLEETLEDGER_VERSION));
          return;
        case 'junit':
          printDocument(junitXml(doc, verdict));
          return;
        case 'json':
          printJson({
            period: doc.period,
            timeZone: doc.timeZone,
            generatedAt: doc.generatedAt,
            report: report.folder,
            store: store.location,
            passed: verdict.passed,
            gate: verdict.gate,
            compliance: verdict.compliance,
            reasons: verdict.reasons,
            open: doc.fleet.open,
            failing: verdict.failing,
          });
          return;
        default: {
          const minimum = minCompliance === null ? '' : ` (minimum ${compliancePercent(minCompliance)})`;
          const compliance =
            doc.fleet.compliance === null ? 'unknown (no data)' : compliancePercent(doc.fleet.compliance);
          printLines(
            `check ${doc.period} (${doc.timeZone}): report generated at ${doc.generatedAt}: ${report.folder}`,
            `  compliance ${compliance}${minimum}`,
            `  open: ${SEVERITIES.map((severity) => `${doc.fleet.open[severity]} ${severity}`).join(', ')}`,
            ...verdict.failing.map(
              (finding) =>
                `  ${paint('bad', finding.severity)} ${finding.rule} ${findingPlace(finding)} ${finding.resource}: ${finding.message}`,
            ),
            verdict.passed
              ? `${paint('good', 'passed')}: no open finding at or above ${failOn}${minCompliance === null ? '' : `, compliance at least ${compliancePercent(minCompliance)}`}`
              : `${paint('bad', 'failed')}: ${verdict.reasons.join('; ')}`,
          );
        }
      }
    });
  examples(command, [
    '# in CI after the weekly run: fail on critical or high findings, or below 95% compliance',
    'fleetledger check --store s3://audit-ledger/fleet --fail-on high --min-compliance 95',
    'fleetledger check --store ./ledger --period 2026-w48 --fail-on critical --format sarif > fleetledger.sarif',
    'fleetledger check --store ./ledger --fail-on medium --format junit > fleetledger-junit.xml',
  ]);
}
