/**
 * `policyreport.yaml`: the findings as `wgpolicyk8s.io/v1alpha2` ClusterPolicyReport objects,
 * one per cluster (a multi-document YAML stream), so Policy Reporter and other tools of the
 * Policy WG ecosystem can ingest them. Open findings are `fail` results, waived ones `skip`;
 * a fleet finding appears in the report of every cluster it names, and one that names no cluster
 * (an expired waiver whose glob matches none) in a fleet report, `fleetledger.fleet`.
 *
 * What Policy Reporter and Kubernetes need from the files:
 * - each result's `properties.resultID` is the finding id, which stays the same week after week,
 *   so Policy Reporter takes a persisting finding for the same result and does not notify again;
 * - every string is double-quoted: YAML 1.1 readers (Go's, as kubectl and Policy Reporter use;
 *   PyYAML) would otherwise read `2026-11-25T09:00:00.000Z` as a timestamp, `2026-12-31` as a date,
 *   `yes` as a boolean, and refuse them as the string values the API wants;
 * - above MAX_RESULTS_PER_REPORT results, a cluster's results are split across several reports.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { findingId } from '../evaluate/findingId.js';
import type { ReportDocument, ReportFinding } from './schema.js';
import { yamlDocuments, yamlStream } from './yamlStream.js';

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

/**
 * Above this many results a cluster's results are split across several reports: one object per
 * cluster grows with the fleet's findings, and the API server refuses objects past its request
 * limit (1.5 MiB by default), while Policy Reporter and kubectl handle many small reports well.
 */
export const MAX_RESULTS_PER_REPORT = 500;

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

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

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
  const suffix = cleaned === cluster ? '' : `-${shortHash(cluster)}`;
  return `fleetledger-${cleaned || 'cluster'}${suffix}`;
}

const clustersOf = (f: ReportFinding): string[] => f.clusters ?? (f.cluster ? [f.cluster] : []);

function result(finding: ReportFinding, seconds: number): PolicyReportResult {
  const properties: Record<string, string> = {
    resultID: finding.id,
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
function noDataResult(
  doc: ReportDocument,
  seconds: number,
  reason: string,
  cluster: string | null,
): PolicyReportResult {
  // The id a SNAPSHOT-MISSING finding of the cluster has: the same result, whichever report says it.
  const resultID = findingId(
    'SNAPSHOT-MISSING',
    cluster === null ? [] : [cluster],
    cluster === null ? 'Fleet' : `Cluster/${cluster}`,
  );
  return {
    source: POLICY_REPORT_SOURCE,
    policy: 'SNAPSHOT-MISSING',
    rule: 'SNAPSHOT-MISSING',
    result: 'error',
    scored: false,
    message: `${reason}: nothing was evaluated`,
    timestamp: { seconds, nanos: 0 },
    properties: { resultID, noData: 'true', period: doc.period },
  };
}

/**
 * The findings of one report name (a cluster's, or the fleet's), before any split. Their results
 * are made as each report is written: 60,000 results, all made first, outlived many collections.
 */
interface ReportFindings {
  name: string;
  scope: Record<string, string>;
  findings: ReportFinding[];
}

/**
 * Which part a result goes to: by its id, not by its position, so a result stays in its part when
 * other findings of the cluster come and go (Policy Reporter compares a report with its previous
 * version: a result that moved would be new in one part). The number of parts is the least from
 * ceil(results / max) up for which no part holds more than the maximum.
 */
function partsOf(findings: readonly ReportFinding[]): ReportFinding[][] {
  // Each id (the result's resultID) read once; each count tried on sizes alone (60,000 results took a hundred tries).
  const keys = findings.map((finding) => Number.parseInt(finding.id.slice(0, 8) || '0', 16));
  for (let count = Math.ceil(findings.length / MAX_RESULTS_PER_REPORT); ; count += 1) {
    const sizes = new Array<number>(count).fill(0);
    for (const key of keys) sizes[key % count]! += 1;
    if (sizes.every((size) => size <= MAX_RESULTS_PER_REPORT)) {
      const parts: ReportFinding[][] = Array.from({ length: count }, () => []);
      findings.forEach((finding, i) => {
        parts[keys[i]! % count]!.push(finding);
      });
      return parts;
    }
  }
}

/**
 * The reports of one name: itself up to the maximum; above it, `<name>-1`, `<name>-2` ... (with
 * `fleetledger.dev/part` and `/parts`). A part name that another report already has (the parts of
 * cluster "a" and the report of cluster "a-1") gets a short hash of the original name first.
 */
function* splitReports(
  doc: ReportDocument,
  entry: ReportFindings,
  taken: ReadonlySet<string>,
  seconds: number,
): Generator<ClusterPolicyReport> {
  const resultsOf = (findings: readonly ReportFinding[]) => findings.map((f) => result(f, seconds));
  if (entry.findings.length <= MAX_RESULTS_PER_REPORT) {
    yield policyReport(doc, entry.name, entry.scope, resultsOf(entry.findings));
    return;
  }
  const parts = partsOf(entry.findings);
  const clash = parts.some((_, i) => taken.has(`${entry.name}-${i + 1}`));
  const base = clash ? `${entry.name}-${shortHash(entry.name)}` : entry.name;
  for (const [i, findings] of parts.entries()) {
    yield policyReport(
      doc,
      `${base}-${i + 1}`,
      { ...entry.scope, 'fleetledger.dev/part': String(i + 1), 'fleetledger.dev/parts': String(parts.length) },
      resultsOf(findings),
    );
  }
}

/** One ClusterPolicyReport per cluster of the report, in cluster order, then the fleet report if any. */
export function buildPolicyReports(doc: ReportDocument): ClusterPolicyReport[] {
  return [...policyReports(doc)];
}

/** The same reports one at a time, each report's results made as it is asked for. */
export function* policyReports(doc: ReportDocument): Generator<ClusterPolicyReport> {
  const seconds = Math.floor(DateTime.fromISO(doc.generatedAt).toSeconds());
  if (doc.noData) {
    const clusterReports = doc.clusters.map((cluster) =>
      policyReport(doc, policyReportName(cluster.name), { 'fleetledger.dev/cluster': cluster.name }, [
        noDataResult(doc, seconds, cluster.statusReason ?? `no snapshot in ${doc.period}`, cluster.name),
      ]),
    );
    yield* clusterReports.length > 0
      ? clusterReports
      : [
          policyReport(doc, FLEET_POLICY_REPORT_NAME, { 'fleetledger.dev/scope': 'fleet' }, [
            noDataResult(doc, seconds, `no snapshot of any cluster in ${doc.period}`, null),
          ]),
        ];
    return;
  }
  const names = [...new Set([...doc.clusters.map((c) => c.name), ...doc.findings.flatMap(clustersOf)])].sort();
  const entries: ReportFindings[] = names.map((cluster) => ({
    name: policyReportName(cluster),
    scope: { 'fleetledger.dev/cluster': cluster },
    findings: doc.findings.filter((f) => clustersOf(f).includes(cluster)),
  }));
  const fleetLevel = doc.findings.filter((f) => clustersOf(f).length === 0);
  if (fleetLevel.length > 0) {
    entries.push({ name: FLEET_POLICY_REPORT_NAME, scope: { 'fleetledger.dev/scope': 'fleet' }, findings: fleetLevel });
  }
  const taken = new Set(entries.map((entry) => entry.name));
  for (const entry of entries) yield* splitReports(doc, entry, taken, seconds);
}

/** The multi-document YAML stream. */
export function renderPolicyReportYaml(doc: ReportDocument): string {
  return yamlStream(buildPolicyReports(doc));
}

/** The same stream, one report at a time (see yamlDocuments). */
export function policyReportYamlPieces(doc: ReportDocument): Iterable<string> {
  return yamlDocuments(policyReports(doc));
}
