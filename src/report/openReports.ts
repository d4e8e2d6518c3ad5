/**
 * `openreports.yaml`: the same reports and results as policyreport.yaml, as OpenReports
 * (`openreports.io/v1alpha1`), the successor of the Policy WG's API that Kyverno 1.15+ and Policy
 * Reporter read. fleetledger's reports are cluster-wide (one per cluster of the fleet, and the
 * fleet's), so they are ClusterReports, as ClusterPolicyReports before; the namespaced Report kind
 * is for results about one namespace. Field names follow the API's Go types and CRD
 * (github.com/openreports/reports-api, apis/openreports.io/v1alpha1): a report's `source`,
 * `configuration.limits.maxResults` (how many results a report holds at most, the split contract),
 * `summary` and `results` (each with `policy`, `rule`, `result`, `severity`, `timestamp`,
 * `resources`, `message`, `properties`).
 */
import {
  type ClusterPolicyReport,
  MAX_RESULTS_PER_REPORT,
  POLICY_REPORT_SOURCE,
  policyReports,
} from './policyReport.js';
import type { ReportDocument } from './schema.js';
import { yamlDocuments, yamlStream } from './yamlStream.js';

export const OPEN_REPORTS_API_VERSION = 'openreports.io/v1alpha1';

export interface OpenClusterReport {
  apiVersion: typeof OPEN_REPORTS_API_VERSION;
  kind: 'ClusterReport';
  metadata: ClusterPolicyReport['metadata'];
  source: typeof POLICY_REPORT_SOURCE;
  configuration: { limits: { maxResults: number } };
  summary: ClusterPolicyReport['summary'];
  results: ClusterPolicyReport['results'];
}

/** The policy reports of the document (same names, split and results) as OpenReports ClusterReports. */
export function buildOpenReports(doc: ReportDocument): OpenClusterReport[] {
  return [...openReports(doc)];
}

/** The same reports one at a time (see policyReports). */
function* openReports(doc: ReportDocument): Generator<OpenClusterReport> {
  for (const report of policyReports(doc)) yield openReport(report);
}

function openReport(report: ClusterPolicyReport): OpenClusterReport {
  return {
    apiVersion: OPEN_REPORTS_API_VERSION,
    kind: 'ClusterReport',
    metadata: report.metadata,
    source: POLICY_REPORT_SOURCE,
    configuration: { limits: { maxResults: MAX_RESULTS_PER_REPORT } },
    summary: report.summary,
    results: report.results,
  };
}

/** The multi-document YAML stream. */
export function renderOpenReportsYaml(doc: ReportDocument): string {
  return yamlStream(buildOpenReports(doc));
}

/** The same stream, one report at a time (see yamlDocuments). */
export function openReportsYamlPieces(doc: ReportDocument): Iterable<string> {
  return yamlDocuments(openReports(doc));
}
