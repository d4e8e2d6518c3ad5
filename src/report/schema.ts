/**
 * Report schema, version 1: `report.json`, the machine-readable compliance report of one period.
 *
 * The zod schema is the single source of truth: types are inferred from it and
 * `schemas/report-v1.schema.json` is generated from it (`npm run schemas`). The HTML report, the
 * e-mail, the CSV and the policy reports are all rendered from this one document, and it is
 * validated before it is written.
 */
import { z } from 'zod';
import { Severity, SeverityCounts, Waiver } from '../evaluate/types.js';
import { isoTimestamp, ratio } from '../snapshot/schema.js';

export const REPORT_SCHEMA_VERSION = 1 as const;

export const ReportClusterStatus = z.enum(['ok', 'partial', 'unreachable', 'missing']);
export type ReportClusterStatus = z.infer<typeof ReportClusterStatus>;

export const AREAS = ['quotas', 'policies', 'network', 'certificates', 'gitops'] as const;
export const Area = z.enum(AREAS);
export type Area = z.infer<typeof Area>;

/** One cell of the clusters x areas matrix. */
export const AreaResult = z.object({
  state: z.enum(['pass', 'fail', 'not-evaluated', 'not-applicable']),
  open: z.number().int().describe('open findings of this area'),
  worstSeverity: Severity.nullable(),
});
export type AreaResult = z.infer<typeof AreaResult>;

export const ScoreDelta = z.object({
  compliance: z.number().nullable().describe('this period minus the previous one, null when either is unknown'),
  coverage: z.number().nullable(),
});

export const ClusterFacts = z.object({
  kubernetesVersion: z.string().nullable(),
  podCIDRs: z.array(z.string()),
  serviceCIDRs: z.array(z.string()),
  ipPools: z.array(
    z.object({
      name: z.string(),
      cidr: z.string(),
      ipipMode: z.string().nullable(),
      vxlanMode: z.string().nullable(),
      disabled: z.boolean(),
    }),
  ),
  certificates: z.array(
    z.object({
      source: z.string(),
      namespace: z.string().nullable(),
      name: z.string(),
      subject: z.string(),
      notAfter: isoTimestamp,
      fingerprint256: z.string(),
      key: z.string().optional().describe('data key the PEM came from (tls.crt, root-cert.pem, ...)'),
    }),
  ),
  applications: z.array(
    z.object({
      namespace: z.string(),
      name: z.string(),
      sync: z.string().nullable(),
      health: z.string().nullable(),
      message: z.string().nullable(),
    }),
  ),
  constraints: z.array(
    z.object({
      kind: z.string(),
      name: z.string(),
      enforcementAction: z.string(),
      totalViolations: z.number().int().nullable(),
    }),
  ),
  quotas: z
    .array(
      z.object({
        namespace: z.string(),
        name: z.string(),
        hard: z.record(z.string(), z.string()).describe('resource -> hard limit as written, e.g. requests.cpu: 4'),
      }),
    )
    .optional()
    .describe('ResourceQuota hard limits (for the "quota limits changed" trend)'),
  namespaces: z.object({
    total: z.number().int(),
    withQuota: z.number().int(),
    withLimitRange: z.number().int(),
    withDefaultDeny: z.number().int(),
  }),
});
export type ClusterFacts = z.infer<typeof ClusterFacts>;

export const ReportCluster = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  status: ReportClusterStatus,
  statusReason: z.string().nullable(),
  compliance: ratio.nullable(),
  coverage: ratio.nullable().describe('null only in a no-data report (noData): nothing was evaluated'),
  delta: ScoreDelta,
  open: SeverityCounts,
  snapshotKey: z.string().nullable(),
  collectedAt: isoTimestamp.nullable(),
  areas: z.record(Area, AreaResult),
  facts: ClusterFacts.nullable().describe('null for a missing or unreachable cluster'),
});
export type ReportCluster = z.infer<typeof ReportCluster>;

export const ReportFinding = z.object({
  id: z.string(),
  rule: z.string(),
  severity: Severity,
  status: z.enum(['open', 'waived']),
  cluster: z.string().optional(),
  clusters: z.array(z.string()).optional(),
  resource: z.string(),
  message: z.string(),
  area: Area.nullable(),
  firstSeen: isoTimestamp.describe(
    'when the finding was first seen: the collection time of the snapshot that first showed it (carried by the trend index), or the start of that period when no snapshot did',
  ),
  ageDays: z.number().int().nonnegative(),
  trend: z.enum(['new', 'persisting']),
  waiver: Waiver.optional(),
  evidence: z.record(z.string(), z.unknown()),
});
export type ReportFinding = z.infer<typeof ReportFinding>;

/** A fact worth an auditor's eye that changed since the previous period. */
export const FactChange = z.object({
  cluster: z.string().nullable(),
  area: z.enum(['fleet', 'quotas', 'policies', 'network', 'certificates', 'gitops']),
  change: z.enum(['added', 'removed', 'changed']),
  subject: z.string().describe('e.g. IPPool/inter-cluster-pool, Secret/payments/api-tls, Cluster/cluster-c'),
  description: z.string(),
});
export type FactChange = z.infer<typeof FactChange>;

export const SeriesPoint = z.object({
  period: z.string(),
  compliance: ratio.nullable(),
  coverage: ratio.nullable(),
  open: SeverityCounts,
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

/** A configuration file a report was generated with. */
export const ConfigurationFile = z.object({
  path: z.string().describe('where the run read it, as given (command line, FLEET_FILE, WAIVERS_FILE)'),
  sha256: z.string().describe('SHA-256 of the bytes the run read and used'),
});

/**
 * What produced the report: the configuration files and the effective rule settings, so a
 * reader can tell what settings hid (disabled rules, lowered severities, excluded namespaces).
 */
export const ReportConfiguration = z.object({
  fleetFile: ConfigurationFile.nullable().describe(
    'null: no fleet file (the expected clusters came from the ledger, the rule settings are the defaults)',
  ),
  waiversFile: ConfigurationFile.nullable().describe('null: no waivers file'),
  rules: z.object({
    disabled: z.array(z.string()).describe('rule ids that were not evaluated'),
    severityOverrides: z
      .array(z.object({ rule: z.string(), severity: Severity, defaultSeverity: Severity }))
      .describe('severities set by the fleet file, with the catalog default they replace'),
    thresholds: z
      .record(z.string(), z.object({ value: z.number(), default: z.number() }))
      .describe('every numeric rule setting in effect, with its default (e.g. quotaNearLimit)'),
  }),
  excludedNamespaces: z.array(z.string()).describe('namespace globs left out of namespace-scoped checks'),
});
export type ReportConfiguration = z.infer<typeof ReportConfiguration>;

/** The earlier report of the same period that a report replaces. */
export const SupersededReport = z.object({
  folder: z.string().describe('its store folder, e.g. reports/2026-W48/2026-11-25T09-00-00.000Z/'),
  generatedAt: isoTimestamp,
  reportJsonSha256: z.string().describe('SHA-256 of its report.json as the run manifest recorded it'),
  manifest: z.string().describe('the key of the run manifest that recorded it'),
});
export type SupersededReport = z.infer<typeof SupersededReport>;

export const ReportDocument = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  period: z.string(),
  periodStart: isoTimestamp,
  periodEnd: isoTimestamp,
  timeZone: z.string(),
  generatedAt: isoTimestamp,
  fleetledgerVersion: z.string(),
  store: z.string().describe('the ledger location the report was built from'),
  previousPeriod: z.string().nullable(),
  fleet: z.object({
    compliance: ratio.nullable(),
    coverage: ratio.nullable().describe('null only in a no-data report (noData): nothing was evaluated'),
    delta: ScoreDelta,
    open: SeverityCounts,
    waived: SeverityCounts,
    clusters: z.object({
      total: z.number().int(),
      ok: z.number().int(),
      partial: z.number().int(),
      unreachable: z.number().int(),
      missing: z.number().int(),
    }),
  }),
  clusters: z.array(ReportCluster),
  findings: z.array(ReportFinding),
  trend: z.object({
    new: z.array(z.string()),
    resolved: z.array(z.string()),
    persisting: z.array(z.string()),
    resolvedFindings: z
      .array(z.object({ id: z.string(), rule: z.string(), cluster: z.string().nullable(), resource: z.string() }))
      .describe('what the resolved ids were, from the previous period'),
    changes: z.array(FactChange),
    series: z.object({
      fleet: z.array(SeriesPoint).describe('oldest first, at most 12 periods, this one last'),
      clusters: z.record(z.string(), z.array(SeriesPoint)),
    }),
  }),
  waivers: z.array(
    Waiver.extend({
      expired: z.boolean(),
      matched: z.number().int().describe('findings this waiver waived in this report'),
    }),
  ),
  evidence: z.array(
    z.object({
      cluster: z.string(),
      key: z.string().describe('relative to the store root'),
      sha256: z.string().describe('SHA-256 of the stored object bytes, exactly what an auditor downloads'),
      size: z.number().int(),
      collectedAt: isoTimestamp,
    }),
  ),
  gaps: z.array(z.object({ key: z.string(), error: z.string() })).describe('stored objects that could not be read'),
  noData: z
    .boolean()
    .optional()
    .describe(
      'true: no snapshot of any expected cluster in the period (stored only with --allow-empty): nothing was evaluated, every score is null, there are no findings and no trend entry. Absent in reports of earlier versions',
    ),
  configuration: ReportConfiguration.optional().describe(
    'what produced the report; absent in reports of earlier versions',
  ),
  supersedes: SupersededReport.nullable()
    .optional()
    .describe(
      'the latest report of the same period generated before this one, which this one replaces; null: the first report of the period; absent in reports of earlier versions',
    ),
  reason: z
    .string()
    .nullable()
    .optional()
    .describe('why this report was generated (--reason), null when none was given'),
});
export type ReportDocument = z.infer<typeof ReportDocument>;

/** The JSON Schema committed as schemas/report-v1.schema.json. */
export function reportJsonSchema(): unknown {
  return {
    $id: 'https://fleetledger.dev/schemas/report-v1.schema.json',
    title: 'fleetledger compliance report, schema version 1',
    ...z.toJSONSchema(ReportDocument, { target: 'draft-2020-12', io: 'input' }),
  };
}
