/**
 * Report schema, version 1: `report.json`, the machine-readable compliance report of one period.
 *
 * The zod schema is the single source of truth: types are inferred from it and
 * `schemas/report-v1.schema.json` is generated from it (`npm run schemas`). The HTML report, the
 * e-mail, the CSV and the policy reports are all rendered from this one document, and it is
 * validated before it is written.
 */
import * as z from 'zod';
import { GROUP_KINDS } from '../evaluate/connectivity.js';
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
  counts: SeverityCounts.optional().describe('open findings of this area by severity'),
  reason: z
    .string()
    .optional()
    .describe('not-evaluated: why, in the words of the cluster problems (absent for every other state)'),
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
  reconcileLag: z
    .object({
      application: z.string().describe('namespace/name of the Application reconciled longest ago'),
      reconciledAt: isoTimestamp,
      lagSeconds: z.number().int().describe('seconds between its status.reconciledAt and the collection start'),
      periodSeconds: z.number().describe("its controller's reconciliation period (argocd-cm timeout.reconciliation)"),
    })
    .optional()
    .describe('the worst Argo CD reconcile lag (ARGO-RECONCILE-STALE); absent when no lag is known'),
});
export type ClusterFacts = z.infer<typeof ClusterFacts>;

/**
 * What reading no Secrets cost on one cluster (fleet file `defaults.readSecrets: false`, or
 * `--no-read-secrets`): the checks that mode left not evaluated, each with its reason.
 */
export const SecretReads = z.object({
  enabled: z.boolean().describe('false when the snapshot was collected without reading Secrets'),
  notEvaluated: z
    .array(z.object({ rule: z.string(), subject: z.string(), reason: z.string() }))
    .describe('checks not evaluated because Secrets were not read, by rule and subject'),
});
export type SecretReads = z.infer<typeof SecretReads>;

/**
 * What could not be read from a cluster, told in people's words (summary) with the raw error kept
 * (detail). See src/evaluate/sectionProblems.ts.
 */
export const ClusterProblem = z.object({
  section: z.string().nullable().describe('the snapshot section; null: the whole cluster (unreachable)'),
  state: z.string().describe('forbidden, error, partial, unreachable ...'),
  summary: z.string().describe("in people's words, as the status cell, the matrix and the e-mail say it"),
  detail: z
    .string()
    .nullable()
    .describe('the raw error the API server or the network gave; null when none was recorded'),
});
export type ClusterProblem = z.infer<typeof ClusterProblem>;

/** A namespace the tenant-hygiene rules did not check, and why. See src/evaluate/namespaceSkips.ts. */
export const SkippedNamespace = z.object({
  namespace: z.string(),
  reason: z.enum(['platform', 'excluded']).describe('a platform namespace list entry, or an excludeNamespaces glob'),
  pattern: z.string().describe('the list entry or glob that matched'),
  addOn: z.string().nullable().describe('the add-on a built-in platform namespace belongs to'),
  source: z.enum(['built-in', 'rules.platformNamespaces', 'rules.extraPlatformNamespaces', 'rules.excludeNamespaces']),
});
export const SkippedNamespaces = z.object({
  rules: z.array(z.string()).describe('the tenant-hygiene rules that ran and skipped these namespaces'),
  namespaces: z.array(SkippedNamespace).describe('by name; none for a cluster whose snapshot could not be read'),
});
export type SkippedNamespaces = z.infer<typeof SkippedNamespaces>;

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
  secretReads: SecretReads.nullable()
    .optional()
    .describe('null for a missing or unreachable cluster; absent in reports of earlier versions'),
  // Optional: reports written before they were recorded still parse (the e-mail reads stored ones).
  problems: z.array(ClusterProblem).optional().describe('what could not be read, in section order'),
  skippedNamespaces: SkippedNamespaces.optional(),
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

/** Why a cluster is in a connected group (see src/evaluate/connectivity.ts). */
export const ConnectionReason = z.object({
  kind: z.enum(['declared', 'discovered']),
  label: z.string().optional().describe('declared: the label, key=value'),
  source: z.enum(['istio-remote-secret', 'kubefed-cluster', 'argocd-cluster']).optional(),
  sourceCluster: z.string().optional().describe('discovered: the cluster the object was found in'),
  object: z.string().optional().describe('discovered: the object, e.g. Secret istio-system/istio-remote-secret-lab'),
  target: z.string().optional().describe('discovered: the fleet cluster whose API server the object names'),
  server: z.string().optional().describe('discovered: the API server address as the object writes it'),
  detail: z.string().describe('the reason in words'),
});

export const ConnectedGroup = z.object({
  id: z.string().describe('<kind>/<name>'),
  kind: z
    .enum(GROUP_KINDS)
    .describe(
      'mesh: one Istio mesh (label mesh, Istio remote secrets), every two members compared; network: one routed network (label network), every two members compared; managed: a KubeFed host or Argo CD and the clusters it manages, the manager compared with each',
    ),
  name: z.string(),
  comparedBy: z.array(z.string()).describe('the rules that compared its members'),
  members: z.array(
    z.object({
      cluster: z.string(),
      role: z.enum(['member', 'manager']),
      reasons: z.array(ConnectionReason),
    }),
  ),
});

export const ReportConnectivity = z.object({
  groups: z.array(ConnectedGroup),
  unconnected: z.array(z.string()).describe('clusters in no group: compared with none'),
  unreadSources: z
    .array(z.object({ cluster: z.string(), sections: z.array(z.string()) }))
    .describe('clusters whose discovery sources could not be read: connections they show are unknown'),
});
export type ReportConnectivity = z.infer<typeof ReportConnectivity>;

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
  rulesFiles: z
    .array(ConfigurationFile)
    .optional()
    .describe('the custom rules files whose rules ran (--rules, rules.files); absent when none'),
  rules: z.object({
    disabled: z.array(z.string()).describe('rule ids that were not evaluated'),
    severityOverrides: z
      .array(z.object({ rule: z.string(), severity: Severity, defaultSeverity: Severity }))
      .describe('severities set by the fleet file, with the catalog default they replace'),
    thresholds: z
      .record(z.string(), z.object({ value: z.number(), default: z.number() }))
      .describe('every numeric rule setting in effect, with its default (e.g. quotaNearLimit)'),
  }),
  excludedNamespaces: z
    .array(
      z.object({
        pattern: z.string().describe('a namespace name or glob'),
        reason: z
          .enum(['excluded', 'platform'])
          .describe('excluded: left out of every namespace check; platform: skipped by the tenant-hygiene rules'),
        source: z.enum([
          'rules.excludeNamespaces',
          'built-in',
          'rules.platformNamespaces',
          'rules.extraPlatformNamespaces',
        ]),
        addOn: z.string().nullable().describe('the add-on a built-in platform namespace belongs to'),
      }),
    )
    .describe(
      'namespace globs left out of namespace-scoped checks: the excludeNamespaces globs, then the platform namespace list (built-in unless replaced) the tenant-hygiene rules skip',
    ),
  checkedPlatformNamespaces: z
    .array(z.string())
    .optional()
    .describe('rules.checkPlatformNamespaces: platform namespaces the tenant-hygiene rules check anyway'),
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

/**
 * How the checks of one rule came out on one cluster (or fleet-wide): the counts the scores are
 * made of, per rule, so a reader (and the OSCAL observations) can tell a rule that passed from one
 * that could not be evaluated or made no check at all (absent: it did not apply).
 */
export const RuleChecks = z.object({
  rule: z.string(),
  cluster: z.string().nullable().describe('null: fleet-level checks about a group of clusters or the fleet as a whole'),
  applicable: z.number().int().nonnegative().describe('checks the rule made'),
  evaluated: z.number().int().nonnegative().describe('checks that passed or failed'),
  passed: z
    .number()
    .int()
    .nonnegative()
    .describe('checks that passed; a failed check whose findings are all waived counts'),
});
export type RuleChecks = z.infer<typeof RuleChecks>;

/**
 * The ledger head a report rests on, so every reader holds a checkpoint: `fleetledger verify
 * --expect-head <sha256>` fails if that manifest is later missing or no longer an ancestor of every
 * head (a truncated or rewritten ledger). The report's own run manifest comes after it.
 */
export const ReportLedger = z.object({
  head: z
    .object({
      manifest: z.string().describe('key of the newest manifest of the chain when the report was generated'),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .describe('SHA-256 of that manifest: the value for verify --expect-head'),
    })
    .nullable()
    .describe('null only when the ledger held no manifest'),
  signingKey: z
    .string()
    .nullable()
    .describe(
      'fingerprint (sha256: and the hex SHA-256 of the DER SubjectPublicKeyInfo) of the key that signs the report run; null: unsigned',
    ),
  backfill: z.boolean().describe('generated with --backfill: its time is earlier than runs already in the ledger'),
  backfilledEvidence: z
    .array(z.string())
    .describe('evidence keys recorded by backfill runs (written after runs later than their own time)'),
});
export type ReportLedger = z.infer<typeof ReportLedger>;

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
  connectivity: ReportConnectivity.optional().describe(
    'which clusters were compared with which, and why (absent in reports of earlier versions)',
  ),
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
  checks: z
    .array(RuleChecks)
    .optional()
    .describe(
      'per rule and cluster, the checks the rule made; none in a no-data report; absent in reports of earlier versions',
    ),
  ledger: ReportLedger.optional().describe(
    'the ledger head the report rests on and the key that signs it; absent in reports of earlier versions',
  ),
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
