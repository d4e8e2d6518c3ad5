/**
 * The CI gate over a stored report: which open findings are at or above `--fail-on`, and whether
 * fleet compliance reaches `--min-compliance`. Pure: the report in, the verdict out. Waived
 * findings never fail a gate; a no-data report has no compliance, which fails a minimum (unknown
 * is not compliant).
 */
import { findingsOverGate, type SeverityThreshold } from '../evaluate/severityGate.js';
import type { ReportDocument, ReportFinding } from '../report/schema.js';

export interface ReportGate {
  failOn: SeverityThreshold;
  /** A ratio (0.95 for 95%), or null when no minimum was asked for. */
  minCompliance: number | null;
  /**
   * Custom rules files the report must have run (`check --rules`), by the SHA-256 of their bytes:
   * a report made without the organisation's current rules does not pass. Default: none.
   */
  rulesFiles?: readonly { path: string; sha256: string }[];
}

export interface GateVerdict {
  passed: boolean;
  gate: ReportGate;
  /** Open findings at or above the threshold: the ones that fail the gate. */
  failing: ReportFinding[];
  /** Open findings below the threshold: reported, not gating. */
  belowThreshold: ReportFinding[];
  /** Fleet compliance of the report (null: no data). */
  compliance: number | null;
  /** True when a minimum was asked for and compliance is below it or unknown. */
  complianceBelowMinimum: boolean;
  /** Why compliance fails the minimum; null when it does not. */
  complianceReason: string | null;
  /** Rules files of the gate the report did not run (or ran in another version). */
  rulesFilesNotRun: { path: string; sha256: string }[];
  /** Why the gate failed, one sentence each; empty when it passed. */
  reasons: string[];
}

const percent = (ratio: number) => `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;

export function judgeReport(doc: ReportDocument, gate: ReportGate): GateVerdict {
  const open = doc.findings.filter((finding) => finding.status === 'open');
  const failing = findingsOverGate(open, gate.failOn);
  const belowThreshold = open.filter((finding) => !failing.includes(finding));
  const compliance = doc.fleet.compliance;
  const complianceBelowMinimum =
    gate.minCompliance !== null && (compliance === null || compliance < gate.minCompliance);
  const complianceReason =
    !complianceBelowMinimum || gate.minCompliance === null
      ? null
      : compliance === null
        ? `compliance is unknown (no data for ${doc.period}), below the minimum ${percent(gate.minCompliance)}`
        : `compliance ${percent(compliance)} is below the minimum ${percent(gate.minCompliance)}`;
  const reasons: string[] = [];
  if (failing.length > 0) {
    reasons.push(`${failing.length} open finding(s) at or above ${gate.failOn} (--fail-on ${gate.failOn})`);
  }
  if (complianceReason !== null) reasons.push(complianceReason);
  const ran = new Set((doc.configuration?.rulesFiles ?? []).map((file) => file.sha256));
  const rulesFilesNotRun = (gate.rulesFiles ?? []).filter((file) => !ran.has(file.sha256));
  for (const file of rulesFilesNotRun) {
    reasons.push(
      `the report did not run the custom rules of ${file.path} as they are now (SHA-256 ${file.sha256.slice(0, 12)}...): report the period again with --rules ${file.path}`,
    );
  }
  return {
    passed: reasons.length === 0,
    gate,
    failing,
    belowThreshold,
    compliance,
    complianceBelowMinimum,
    complianceReason,
    rulesFilesNotRun,
    reasons,
  };
}

/** Where a finding is: its cluster, or the clusters a fleet finding concerns ("fleet" when none). */
export function findingPlace(finding: ReportFinding): string {
  if (finding.cluster !== undefined) return finding.cluster;
  return finding.clusters && finding.clusters.length > 0 ? finding.clusters.join(',') : 'fleet';
}

export { percent as compliancePercent };
