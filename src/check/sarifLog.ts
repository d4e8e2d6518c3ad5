/**
 * A report's findings as a SARIF 2.1.0 log, for code-scanning dashboards and CI systems that read
 * SARIF. Findings concern cluster resources, not files, so each result has a logical location
 * (cluster/resource) and no physical one. Open findings at or above the gate are `error`, the other
 * open ones `warning` or `note`; waived findings are included with an external suppression giving
 * the waiver's reason and owner, so a dashboard shows them as dismissed, not as fixed.
 */
import { RULES } from '../evaluate/catalog.js';
import type { Rule } from '../evaluate/rule.js';
import type { Severity } from '../evaluate/types.js';
import type { ReportDocument, ReportFinding } from '../report/schema.js';
import { findingPlace, type GateVerdict } from './reportGate.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

/** GitHub code scanning reads `security-severity` (0.0-10.0) to rank results. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

const levelOfSeverity = (severity: Severity): Level => (severity === 'low' || severity === 'info' ? 'note' : 'warning');

function ruleDescriptor(rule: Rule) {
  return {
    id: rule.id,
    name: rule.title,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.remediation },
    defaultConfiguration: { level: levelOfSeverity(rule.defaultSeverity) },
    properties: {
      tags: ['kubernetes', 'compliance', ...(rule.area ? [rule.area] : []), rule.scope],
      'security-severity': SECURITY_SEVERITY[rule.defaultSeverity],
      defaultSeverity: rule.defaultSeverity,
      cis: rule.controls.cis,
      nsa: rule.controls.nsa,
      soc2: [...rule.controls.soc2],
    },
  };
}

function result(finding: ReportFinding, failing: ReadonlySet<ReportFinding>, ruleIndex: Map<string, number>) {
  const place = findingPlace(finding);
  const index = ruleIndex.get(finding.rule);
  return {
    ruleId: finding.rule,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: failing.has(finding) ? 'error' : levelOfSeverity(finding.severity),
    message: { text: finding.message },
    locations: [
      {
        logicalLocations: [
          { name: finding.resource, fullyQualifiedName: `${place}/${finding.resource}`, kind: 'resource' },
        ],
      },
    ],
    partialFingerprints: { 'fleetledgerFindingId/v1': finding.id },
    baselineState: finding.trend === 'new' ? 'new' : 'unchanged',
    ...(finding.status === 'waived' && finding.waiver
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${finding.waiver.reason} (owner ${finding.waiver.owner}, expires ${finding.waiver.expires})`,
            },
          ],
        }
      : {}),
    properties: {
      severity: finding.severity,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      cluster: place,
      firstSeen: finding.firstSeen,
      ageDays: finding.ageDays,
    },
  };
}

/** The SARIF 2.1.0 log of a report's findings under a gate verdict. */
export function sarifLog(doc: ReportDocument, verdict: GateVerdict, version: string) {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const failing = new Set(verdict.failing);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'fleetledger',
            version,
            rules: RULES.map(ruleDescriptor),
          },
        },
        automationDetails: { id: `fleetledger/${doc.period}/` },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: doc.generatedAt,
          },
        ],
        results: doc.findings.map((finding) => result(finding, failing, ruleIndex)),
        properties: {
          period: doc.period,
          timeZone: doc.timeZone,
          generatedAt: doc.generatedAt,
          compliance: doc.fleet.compliance,
          coverage: doc.fleet.coverage,
          gate: { failOn: verdict.gate.failOn, minCompliance: verdict.gate.minCompliance, passed: verdict.passed },
        },
      },
    ],
  };
}
