/** The evaluation as plain text for a terminal: a findings table, then counts and scores. */
import type { Evaluation } from './evaluate.js';
import type { Rule } from './rule.js';
import { type Score, SEVERITIES, type SeverityCounts } from './types.js';

/** Cluster-supplied text may hold control characters (terminal escapes): never print them raw. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** Rows as aligned columns (cells clipped to their column's maximum width), one string per row. */
export function table(rows: readonly string[][], maxWidths: readonly number[]): string[] {
  const clip = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
  const widths = maxWidths.map((max, column) =>
    Math.min(max, Math.max(...rows.map((row) => (row[column] ?? '').length))),
  );
  return rows.map((row) =>
    row
      .map((cell, column) => {
        const width = widths[column];
        return width === undefined ? cell : clip(cell, width).padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
}

const percent = (ratio: number | null): string => (ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`);

function counts(label: string, values: SeverityCounts): string {
  const parts = SEVERITIES.filter((severity) => values[severity] > 0).map(
    (severity) => `${values[severity]} ${severity}`,
  );
  return `${label} ${parts.length > 0 ? parts.join(', ') : 'none'}`;
}

function scoreLine(name: string, score: Score): string {
  return `${name}: compliance ${percent(score.compliance)} (${score.passed}/${score.evaluated} checks passed), coverage ${percent(score.coverage)} (${score.evaluated}/${score.applicable} evaluated); ${counts('open', score.open)}; ${counts('waived', score.waived)}`;
}

export function renderEvaluationTable(evaluation: Evaluation): string {
  const lines: string[] = [];
  if (evaluation.findings.length > 0) {
    const rows = [
      ['SEVERITY', 'RULE', 'CLUSTER', 'RESOURCE', 'MESSAGE'],
      ...evaluation.findings.map((finding) => [
        finding.status === 'waived' ? `${finding.severity} (waived)` : finding.severity,
        finding.rule,
        // A fleet-level finding naming no cluster (an expired waiver matching none) is the fleet's.
        printable(finding.cluster ?? (finding.clusters?.length ? finding.clusters.join(',') : 'fleet')),
        printable(finding.resource),
        printable(finding.message),
      ]),
    ];
    lines.push(...table(rows, [18, 26, 32, 60]), '');
  }
  lines.push(`${evaluation.findings.length} finding(s)`);
  lines.push(scoreLine('fleet', evaluation.scores.fleet));
  for (const [cluster, score] of Object.entries(evaluation.scores.clusters))
    lines.push(scoreLine(printable(cluster), score));
  if (evaluation.missingClusters.length > 0) {
    lines.push(`missing (no readable snapshot in the period): ${evaluation.missingClusters.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderRulesTable(rules: readonly Rule[]): string {
  const rows = [
    ['RULE', 'SCOPE', 'SEVERITY', 'TITLE'],
    ...rules.map((rule) => [rule.id, rule.scope, rule.defaultSeverity, rule.title]),
  ];
  return `${table(rows, [26, 7, 8]).join('\n')}\n`;
}

/** Named rules in full, as plain text for a terminal (the Markdown form is `--format markdown`). */
export function renderRuleDetailsText(rules: readonly Rule[]): string {
  const blocks = rules.map((rule) =>
    [
      `${rule.id}: ${rule.title}`,
      `  scope: ${rule.scope}; default severity: ${rule.defaultSeverity}${rule.sections.length > 0 ? `; reads: ${rule.sections.join(', ')}` : ''}`,
      `  why: ${rule.rationale}`,
      `  fix: ${rule.remediation}`,
      `  CIS Kubernetes Benchmark: ${rule.controls.cis ?? 'none applies'}`,
      `  NSA/CISA Kubernetes Hardening Guide: ${rule.controls.nsa ?? 'none applies'}`,
      `  SOC 2: ${rule.controls.soc2.length > 0 ? rule.controls.soc2.join(', ') : 'none'}`,
    ].join('\n'),
  );
  return `${blocks.join('\n\n')}\n`;
}
