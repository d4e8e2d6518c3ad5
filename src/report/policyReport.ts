/**
 * `policyreport.yaml`: the findings as `wgpolicyk8s.io/v1alpha2` ClusterPolicyReport objects,
 * one per cluster (a multi-document YAML stream), so Policy Reporter and other tools of the
 * Policy WG ecosystem can ingest them. Open findings are `fail` results, waived ones `skip`;
 * a fleet finding appears in the report of every cluster it names, and one that names no cluster
 * (an expired waiver whose glob matches none) in a fleet report, `fleetledger.fleet`.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import type { ReportDocument, ReportFinding } from './schema.js';

export const POLICY_REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2';
export const POLICY_REPORT_SOURCE = 'fleetledger';

interface ResourceReference {
  kind: string;
  namespace?: string;
  name: string;
}

interface PolicyReportResult {
  source: string;
  policy: string;
  rule: string;
  category?: string;
  result: 'fail' | 'skip' | 'error';
  /** Absent on the no-data result (no rule was evaluated). */
  severity?: ReportFinding['severity'];
  scored: boolean;
  message: string;
  timestamp: { seconds: number; nanos: number };
  /** Absent when the finding names no single Kubernetes object (see resourceReference). */
  resources?: ResourceReference[];
  properties: Record<string, string>;
}

export interface ClusterPolicyReport {
  apiVersion: typeof POLICY_REPORT_API_VERSION;
  kind: 'ClusterPolicyReport';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  summary: { pass: number; fail: number; warn: number; error: number; skip: number };
  results: PolicyReportResult[];
}

/** Kinds the rules name as `Kind/namespace/name`. */
const NAMESPACED_KINDS: ReadonlySet<string> = new Set([
  'Application',
  'Certificate',
  'ConfigMap',
  'KubeFedCluster',
  'ResourceQuota',
  'Secret',
]);

/**
 * Names the rules use for things that are no Kubernetes object (a cluster, a waiver, a snapshot
 * section, a mesh group, the API server's serving certificate, a bare Pod or Service range).
 */
const PSEUDO_KINDS: ReadonlySet<string> = new Set([
  'APIServer',
  'Cluster',
  'Mesh',
  'PodCIDR',
  'Section',
  'ServiceCIDR',
  'Waiver',
]);

const KIND = /^[A-Z][A-Za-z0-9]*$/;
// A DNS-1123 subdomain or label, as every object name and namespace is.
const OBJECT_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/**
 * The object a finding's resource names: `Kind/namespace/name` for the namespaced kinds the rules
 * use, `Kind/name` for cluster-scoped ones (Namespace, Node, IPPool, Gatekeeper constraints).
 * null for pseudo-kinds, pairs (`IPPool/a <> Node/b`) and anything else that is no single object.
 */
export function resourceReference(resource: string): ResourceReference | null {
  const [kind = '', ...rest] = resource.split('/');
  if (!KIND.test(kind) || PSEUDO_KINDS.has(kind) || !rest.every((part) => OBJECT_NAME.test(part))) return null;
  if (NAMESPACED_KINDS.has(kind)) return rest.length === 2 ? { kind, namespace: rest[0]!, name: rest[1]! } : null;
  return rest.length === 1 ? { kind, name: rest[0]! } : null;
}

/**
 * A DNS-1123 subdomain for metadata.name. A cluster name that had to be changed gets a short
 * hash of the original, so two clusters never share a report name.
 */
export function policyReportName(cluster: string): string {
  const cleaned = cluster
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 200);
  const suffix = cleaned === cluster ? '' : `-${createHash('sha256').update(cluster).digest('hex').slice(0, 8)}`;
  return `fleetledger-${cleaned || 'cluster'}${suffix}`;
}

const clustersOf = (f: ReportFinding): string[] => f.clusters ?? (f.cluster ? [f.cluster] : []);

function result(finding: ReportFinding, seconds: number): PolicyReportResult {
  const properties: Record<string, string> = {
    findingId: finding.id,
    resource: finding.resource,
    firstSeen: finding.firstSeen,
    ageDays: String(finding.ageDays),
    trend: finding.trend,
  };
  if (finding.clusters) properties['clusters'] = finding.clusters.join(',');
  if (finding.waiver) {
    properties['waiverOwner'] = finding.waiver.owner;
    properties['waiverExpires'] = finding.waiver.expires;
    properties['waiverReason'] = finding.waiver.reason;
  }
  const reference = resourceReference(finding.resource);
  return {
    source: POLICY_REPORT_SOURCE,
    policy: finding.rule,
    rule: finding.rule,
    ...(finding.area ? { category: finding.area } : {}),
    result: finding.status === 'waived' ? 'skip' : 'fail',
    severity: finding.severity,
    scored: true,
    message: finding.message,
    timestamp: { seconds, nanos: 0 },
    ...(reference ? { resources: [reference] } : {}),
    properties,
  };
}

/**
 * The name of the fleet report. policyReportName always gives `fleetledger-...`, so no cluster's
 * report can take this name.
 */
export const FLEET_POLICY_REPORT_NAME = 'fleetledger.fleet';

function policyReport(
  doc: ReportDocument,
  name: string,
  scope: Record<string, string>,
  results: PolicyReportResult[],
): ClusterPolicyReport {
  return {
    apiVersion: POLICY_REPORT_API_VERSION,
    kind: 'ClusterPolicyReport',
    metadata: {
      name,
      labels: { 'app.kubernetes.io/managed-by': 'fleetledger' },
      annotations: {
        ...scope,
        'fleetledger.dev/period': doc.period,
        'fleetledger.dev/generated-at': doc.generatedAt,
        ...(doc.noData ? { 'fleetledger.dev/no-data': 'true' } : {}),
      },
    },
    // pass stays 0: the report carries findings, not every check that passed.
    summary: {
      pass: 0,
      fail: results.filter((r) => r.result === 'fail').length,
      warn: 0,
      error: results.filter((r) => r.result === 'error').length,
      skip: results.filter((r) => r.result === 'skip').length,
    },
    results,
  };
}

/**
 * A no-data report has no findings, and empty reports would read as "everything passed": each
 * report instead carries one `error` result saying that nothing was evaluated.
 */
function noDataResult(doc: ReportDocument, seconds: number, reason: string): PolicyReportResult {
  return {
    source: POLICY_REPORT_SOURCE,
    policy: 'SNAPSHOT-MISSING',
    rule: 'SNAPSHOT-MISSING',
    result: 'error',
    scored: false,
    message: `${reason}: nothing was evaluated`,
    timestamp: { seconds, nanos: 0 },
    properties: { noData: 'true', period: doc.period },
  };
}

/** One ClusterPolicyReport per cluster of the report, in cluster order, then the fleet report if any. */
export function buildPolicyReports(doc: ReportDocument): ClusterPolicyReport[] {
  const seconds = Math.floor(DateTime.fromISO(doc.generatedAt).toSeconds());
  if (doc.noData) {
    const clusterReports = doc.clusters.map((cluster) =>
      policyReport(doc, policyReportName(cluster.name), { 'fleetledger.dev/cluster': cluster.name }, [
        noDataResult(doc, seconds, cluster.statusReason ?? `no snapshot in ${doc.period}`),
      ]),
    );
    return clusterReports.length > 0
      ? clusterReports
      : [
          policyReport(doc, FLEET_POLICY_REPORT_NAME, { 'fleetledger.dev/scope': 'fleet' }, [
            noDataResult(doc, seconds, `no snapshot of any cluster in ${doc.period}`),
          ]),
        ];
  }
  const names = [...new Set([...doc.clusters.map((c) => c.name), ...doc.findings.flatMap(clustersOf)])].sort();
  const reports = names.map((cluster) =>
    policyReport(
      doc,
      policyReportName(cluster),
      { 'fleetledger.dev/cluster': cluster },
      doc.findings.filter((f) => clustersOf(f).includes(cluster)).map((f) => result(f, seconds)),
    ),
  );
  const fleetLevel = doc.findings.filter((f) => clustersOf(f).length === 0).map((f) => result(f, seconds));
  if (fleetLevel.length > 0) {
    reports.push(policyReport(doc, FLEET_POLICY_REPORT_NAME, { 'fleetledger.dev/scope': 'fleet' }, fleetLevel));
  }
  return reports;
}

/** The multi-document YAML stream. */
export function renderPolicyReportYaml(doc: ReportDocument): string {
  return buildPolicyReports(doc)
    .map((report) => `---\n${stringify(report, { lineWidth: 0 })}`)
    .join('');
}
