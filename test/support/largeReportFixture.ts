/**
 * A report of a large fleet, built from the hand-made fixture: `count` clusters, each with its own
 * Pod range, a shared Service range, an IP pool, a certificate expiring within the chart's window
 * and a finding, some with long names. For layout tests: what must stay readable at fleet scale.
 */
import { type ReportDocument, ReportDocument as ReportDocumentSchema } from '../../src/report/schema.js';
import { makeReportDocument } from './reportFixture.js';

/** The name of the `index`th cluster: every seventh is long (a 63-character DNS label). */
export function largeFleetClusterName(index: number): string {
  const base = `cluster-${String(index).padStart(2, '0')}`;
  return index % 7 === 3 ? `${base}-${'payments-platform-mmmm'.repeat(3)}`.slice(0, 63) : base;
}

export function makeLargeFleetReportDocument(count: number): ReportDocument {
  const doc = makeReportDocument();
  const [template] = doc.clusters;
  const finding = doc.findings.find((f) => f.cluster !== undefined)!;
  const certificate = template!.facts!.certificates[1]!;
  doc.clusters = Array.from({ length: count }, (_, index) => {
    const name = largeFleetClusterName(index);
    return {
      ...structuredClone(template!),
      name,
      labels: { env: index % 2 === 0 ? 'prod' : 'staging', region: `eu-${index % 3}` },
      snapshotKey: `snapshots/cluster=${name}/date=2026-11-25/2026-11-25T09-00-00.000Z.json.gz`,
      facts: {
        ...structuredClone(template!.facts!),
        podCIDRs: [`10.${index * 4}.0.0/16`],
        serviceCIDRs: ['10.96.0.0/12'],
        ipPools: [
          {
            name: `pool-${index}`,
            cidr: `172.${16 + (index % 16)}.${index}.0/24`,
            ipipMode: null,
            vxlanMode: 'Always',
            disabled: false,
          },
        ],
        certificates: [{ ...certificate, name: `${name}-tls`, namespace: 'payments' }],
      },
    };
  });
  doc.findings = doc.clusters.map((cluster, index) => ({
    ...structuredClone(finding),
    id: `f${String(index).padStart(15, '0')}`,
    cluster: cluster.name,
    resource: `Namespace/tenant-${index}`,
  }));
  doc.trend.series.clusters = Object.fromEntries(doc.clusters.map((c) => [c.name, doc.trend.series.fleet]));
  doc.evidence = doc.clusters.map((cluster) => ({
    ...doc.evidence[0]!,
    cluster: cluster.name,
    key: cluster.snapshotKey!,
  }));
  doc.fleet.clusters = { total: count, ok: count, partial: 0, unreachable: 0, missing: 0 };
  doc.trend.new = [];
  doc.trend.persisting = doc.findings.map((f) => f.id);
  return ReportDocumentSchema.parse(doc);
}
