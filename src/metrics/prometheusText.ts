/**
 * A report as Prometheus metrics in the text exposition format (version 0.0.4), for a node
 * exporter textfile collector or a Pushgateway: compliance and coverage of the fleet and of each
 * cluster, cluster status, open and waived findings per cluster, severity and rule, and the expiry
 * of every certificate. Names follow the Prometheus conventions (snake_case, `fleetledger_`
 * prefix, base units: ratios 0-1, seconds; `_timestamp_seconds` for instants; no `_total` on
 * gauges); every family has HELP and TYPE; label values are escaped (cluster text is untrusted).
 * A score the report does not know (null) is left out rather than exported as 0.
 */
import { SEVERITIES } from '../evaluate/types.js';
import type { ReportDocument } from '../report/schema.js';

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  samples: { labels: Labels; value: number }[];
}

/** A label value as the exposition format takes it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** HELP text escapes backslash and line feed. */
const escapeHelp = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

function sampleLine(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([label, text]) => `${label}="${escapeLabelValue(text)}"`);
  const number = Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : '-Inf';
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${number}`;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** The families of one report, in a fixed order (tests and diffs of the output stay stable). */
export function reportMetricFamilies(doc: ReportDocument): Family[] {
  const family = (name: string, help: string): Family => ({ name: `fleetledger_${name}`, help, samples: [] });
  const info = family('report_info', 'The report these metrics come from (value 1): period, time zone, version.');
  info.samples.push({
    labels: { period: doc.period, time_zone: doc.timeZone, version: doc.fleetledgerVersion },
    value: 1,
  });
  const generated = family('report_generated_timestamp_seconds', 'When the report was generated (Unix time).');
  generated.samples.push({ labels: {}, value: seconds(doc.generatedAt) });
  const periodEnd = family('report_period_end_timestamp_seconds', 'The end of the reported week (Unix time).');
  periodEnd.samples.push({ labels: {}, value: seconds(doc.periodEnd) });

  const fleetCompliance = family('fleet_compliance_ratio', 'Share of evaluated checks that passed, fleet-wide (0-1).');
  const fleetCoverage = family(
    'fleet_coverage_ratio',
    'Share of applicable checks that could be evaluated, fleet-wide (0-1).',
  );
  if (doc.fleet.compliance !== null) fleetCompliance.samples.push({ labels: {}, value: doc.fleet.compliance });
  if (doc.fleet.coverage !== null) fleetCoverage.samples.push({ labels: {}, value: doc.fleet.coverage });

  const clusters = family('clusters', 'Clusters of the fleet by collection status.');
  for (const status of ['ok', 'partial', 'unreachable', 'missing'] as const) {
    clusters.samples.push({ labels: { status }, value: doc.fleet.clusters[status] });
  }

  const clusterStatus = family(
    'cluster_status',
    'Collection status of each cluster: 1 for its status, 0 for the others.',
  );
  const clusterCompliance = family(
    'cluster_compliance_ratio',
    'Share of evaluated checks that passed, per cluster (0-1).',
  );
  const clusterCoverage = family(
    'cluster_coverage_ratio',
    'Share of applicable checks that could be evaluated, per cluster (0-1).',
  );
  const collected = family(
    'cluster_collected_timestamp_seconds',
    'When the snapshot the report used was collected (Unix time).',
  );
  for (const cluster of doc.clusters) {
    for (const status of ['ok', 'partial', 'unreachable', 'missing'] as const) {
      clusterStatus.samples.push({
        labels: { cluster: cluster.name, status },
        value: cluster.status === status ? 1 : 0,
      });
    }
    if (cluster.compliance !== null)
      clusterCompliance.samples.push({ labels: { cluster: cluster.name }, value: cluster.compliance });
    if (cluster.coverage !== null)
      clusterCoverage.samples.push({ labels: { cluster: cluster.name }, value: cluster.coverage });
    if (cluster.collectedAt !== null)
      collected.samples.push({ labels: { cluster: cluster.name }, value: seconds(cluster.collectedAt) });
  }

  const openBySeverity = family('open_findings_by_severity', 'Open findings of the fleet by severity.');
  const waivedBySeverity = family('waived_findings_by_severity', 'Waived findings of the fleet by severity.');
  for (const severity of SEVERITIES) {
    openBySeverity.samples.push({ labels: { severity }, value: doc.fleet.open[severity] });
    waivedBySeverity.samples.push({ labels: { severity }, value: doc.fleet.waived[severity] });
  }

  // Per cluster, severity and rule; fleet findings without a cluster under cluster="" (none).
  const findings = family('findings', 'Findings per cluster, rule, severity and status (open or waived).');
  const counts = new Map<string, { labels: Labels; value: number }>();
  for (const finding of doc.findings) {
    const clusterNames =
      finding.cluster !== undefined
        ? [finding.cluster]
        : (finding.clusters ?? []).length > 0
          ? finding.clusters!
          : [''];
    for (const cluster of clusterNames) {
      const labels = { cluster, rule: finding.rule, severity: finding.severity, status: finding.status };
      const key = JSON.stringify(labels);
      const entry = counts.get(key) ?? { labels, value: 0 };
      entry.value += 1;
      counts.set(key, entry);
    }
  }
  findings.samples.push(
    ...[...counts.values()].sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels))),
  );

  const expiry = family(
    'certificate_expiry_timestamp_seconds',
    'When each certificate stops being valid (notAfter, Unix time).',
  );
  for (const cluster of doc.clusters) {
    for (const certificate of cluster.facts?.certificates ?? []) {
      expiry.samples.push({
        labels: {
          cluster: cluster.name,
          source: certificate.source,
          namespace: certificate.namespace ?? '',
          name: certificate.name,
          subject: certificate.subject,
          fingerprint_sha256: certificate.fingerprint256,
        },
        value: seconds(certificate.notAfter),
      });
    }
  }

  return [
    info,
    generated,
    periodEnd,
    fleetCompliance,
    fleetCoverage,
    clusters,
    clusterStatus,
    clusterCompliance,
    clusterCoverage,
    collected,
    openBySeverity,
    waivedBySeverity,
    findings,
    expiry,
  ];
}

/** The exposition text of a report: HELP, TYPE (all gauges) and samples of every family. */
export function prometheusText(doc: ReportDocument): string {
  const lines: string[] = [];
  for (const family of reportMetricFamilies(doc)) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} gauge`);
    // Duplicate label sets (two certificates alike in every label) would be rejected by Prometheus: keep the first.
    const seen = new Set<string>();
    for (const sample of family.samples) {
      const line = sampleLine(family.name, sample.labels, sample.value);
      const identity = line.slice(0, line.lastIndexOf(' '));
      if (seen.has(identity)) continue;
      seen.add(identity);
      lines.push(line);
    }
  }
  return `${lines.join('\n')}\n`;
}
