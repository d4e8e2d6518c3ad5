/**
 * Snapshot schema, version 1: one immutable JSON document per cluster and run.
 *
 * This zod schema is the single source of truth: the TypeScript types are inferred from it and
 * `schemas/snapshot-v1.schema.json` is generated from it (`npm run schemas`; a test fails when the
 * committed file drifts). Every snapshot is validated when written and when read back.
 *
 * Never add a field that could carry secret material: certificates are kept as metadata and
 * fingerprints only, Argo CD cluster secrets as name and server only.
 */
import * as z from 'zod';

export const SNAPSHOT_SCHEMA_VERSION = 1 as const;

/** Every timestamp fleetledger stores: ISO 8601 in UTC. Shared by the report and trend index schemas. */
export const isoTimestamp = z.iso.datetime({ offset: false }).describe('ISO 8601 timestamp in UTC');
/** A score between 0 and 1. */
export const ratio = z.number().min(0).max(1);
const stringMap = z.record(z.string(), z.string());

/** Names of the parts of a snapshot that are collected (and can fail) independently. */
export const SECTION_NAMES = [
  'namespaces',
  'resourceQuotas',
  'limitRanges',
  'gatekeeper',
  'kyverno',
  'networkPolicies',
  'istio',
  'nodes',
  'serviceCidrs',
  'ipPools',
  'cniConfig',
  'tlsSecrets',
  'certManager',
  'istioCa',
  'argocdApplications',
  'argocdApplicationSets',
  'argocdClusters',
  'kubefed',
  'istioRemoteSecrets',
] as const;
export const SectionName = z.enum(SECTION_NAMES);
export type SectionName = z.infer<typeof SectionName>;

/**
 * ok: collected; absent: the API is not installed (discovery 404); forbidden: 403 (RBAC);
 * error: anything else, with the message; unreachable: the whole cluster could not be read;
 * partial: some sources of the section were read and kept, others were not (see `sources`);
 * skipped: not read on purpose (Secret reads are off: fleet file `defaults.readSecrets: false`).
 */
export const SectionState = z.enum(['ok', 'absent', 'forbidden', 'error', 'unreachable', 'partial', 'skipped']);
export type SectionState = z.infer<typeof SectionState>;

/**
 * The outcome of one source of a section (one object or list read): ok; absent (404: not there);
 * forbidden; error; unreachable; skipped (a Secret while Secret reads are off).
 */
export const SourceState = z.enum(['ok', 'absent', 'forbidden', 'error', 'unreachable', 'skipped']);
export type SourceState = z.infer<typeof SourceState>;

export const SourceStatus = z.object({
  source: z.string().describe('what was read, for a human: e.g. Secret istio-system/cacerts'),
  request: z.string().describe('the request, e.g. GET /api/v1/namespaces/istio-system/secrets/cacerts'),
  state: SourceState,
  message: z.string().optional().describe('why it was not read (first line of the API error, or the setting)'),
});
export type SourceStatus = z.infer<typeof SourceStatus>;

export const SectionStatus = z.object({
  state: SectionState,
  message: z.string().optional(),
  sources: z
    .array(SourceStatus)
    .optional()
    .describe('each source the collector read, in order; absent in snapshots of older versions'),
});
export type SectionStatus = z.infer<typeof SectionStatus>;

export const X509Info = z.object({
  subject: z.string(),
  issuer: z.string(),
  sans: z.array(z.string()),
  serialNumber: z.string(),
  notBefore: isoTimestamp,
  notAfter: isoTimestamp,
  fingerprint256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 of the DER certificate, lower-case hex'),
  isCA: z.boolean(),
});
export type X509Info = z.infer<typeof X509Info>;

export const ClusterStatus = z.enum(['ok', 'partial', 'unreachable']);
export type ClusterStatus = z.infer<typeof ClusterStatus>;

export const SnapshotMeta = z.object({
  cluster: z.string(),
  labels: stringMap,
  collectionStart: isoTimestamp,
  collectionEnd: isoTimestamp,
  fleetledgerVersion: z.string(),
  kubernetesVersion: z.string().nullable(),
  endpoint: z.string(),
  servingCertificate: X509Info.nullable(),
  status: ClusterStatus,
  unreachableReason: z.string().optional(),
  sections: z.record(SectionName, SectionStatus),
  objectsRead: z.number().int().nonnegative(),
  aliases: z
    .array(z.string())
    .optional()
    .describe(
      'other addresses of the API server, declared in the fleet file (clusters[].aliases): how other clusters name it; absent when none',
    ),
  redactions: z
    .record(z.string(), z.number().int().positive())
    .optional()
    .describe(
      'credentials found in text the cluster supplied (messages, URLs, errors) and replaced by [REDACTED:<kind>] markers before the snapshot was stored, counted by kind (userinfo, bearer, parameter, jwt ...); absent when none',
    ),
});
export type SnapshotMeta = z.infer<typeof SnapshotMeta>;

export const Namespace = z.object({
  name: z.string(),
  labels: stringMap,
  phase: z.string().nullable(),
});
export type Namespace = z.infer<typeof Namespace>;

export const QuotaResource = z.object({
  resource: z.string().describe('e.g. requests.cpu, limits.memory, pods, count/secrets'),
  hard: z.string(),
  used: z.string().nullable().describe('null until the quota controller has reconciled'),
  hardValue: z.number().nullable().describe('parsed quantity: cores for cpu, bytes for memory, a count otherwise'),
  usedValue: z.number().nullable(),
});
export type QuotaResource = z.infer<typeof QuotaResource>;

export const ResourceQuota = z.object({
  namespace: z.string(),
  name: z.string(),
  resources: z.array(QuotaResource),
});
export type ResourceQuota = z.infer<typeof ResourceQuota>;

export const LimitRangeItem = z.object({
  type: z.string(),
  default: stringMap,
  defaultRequest: stringMap,
  min: stringMap,
  max: stringMap,
});
export const LimitRange = z.object({
  namespace: z.string(),
  name: z.string(),
  limits: z.array(LimitRangeItem),
});
export type LimitRange = z.infer<typeof LimitRange>;

export const ConstraintTemplate = z.object({
  name: z.string(),
  kind: z.string(),
  errors: z.array(z.string()),
});
export const ConstraintViolation = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  message: z.string(),
  enforcementAction: z.string().optional(),
});
export const Constraint = z.object({
  kind: z.string(),
  name: z.string(),
  enforcementAction: z.string().describe('deny when unset'),
  totalViolations: z.number().int().nullable().describe('null until the audit has run'),
  violations: z.array(ConstraintViolation).describe('the audit sample (capped by Gatekeeper, default 20)'),
  auditTimestamp: isoTimestamp.nullable(),
});
export type Constraint = z.infer<typeof Constraint>;

export const KyvernoPolicy = z.object({
  kind: z.enum(['ClusterPolicy', 'Policy']),
  namespace: z.string().optional(),
  name: z.string(),
  validationFailureAction: z.string().nullable(),
  ready: z.boolean().nullable(),
});
export const PolicyReportSummary = z.object({
  apiGroup: z.string(),
  kind: z.enum(['PolicyReport', 'ClusterPolicyReport']),
  namespace: z.string().optional(),
  name: z.string(),
  summary: z.object({ pass: z.number(), fail: z.number(), warn: z.number(), error: z.number(), skip: z.number() }),
});

export const NamespaceNetworkPosture = z.object({
  namespace: z.string(),
  policyCount: z.number().int().nonnegative(),
  defaultDenyIngress: z.boolean(),
  defaultDenyEgress: z.boolean(),
  allowAllIngress: z.boolean(),
  allowAllEgress: z.boolean(),
});
export type NamespaceNetworkPosture = z.infer<typeof NamespaceNetworkPosture>;

export const MtlsMode = z.enum(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);
export const PeerAuthentication = z.object({
  namespace: z.string(),
  name: z.string(),
  mode: MtlsMode,
  hasSelector: z.boolean(),
});
export const NamespaceMtls = z.object({
  namespace: z.string(),
  mode: MtlsMode,
  source: z.enum(['namespace', 'mesh', 'default']).describe('which policy decided the mode'),
});
export type NamespaceMtls = z.infer<typeof NamespaceMtls>;

/**
 * How Gatekeeper admits and audits (GATEKEEPER-ADMISSION-RISK): its validating webhooks, the audit
 * Deployment's --audit-from-cache flag and the Config sync list. Each is read as a source of its
 * own; a value not read is null (its source's state says why).
 */
export const GatekeeperAdmission = z.object({
  namespace: z.string().describe("Gatekeeper's namespace: the webhook Service's, else gatekeeper-system"),
  webhooks: z
    .array(
      z.object({
        configuration: z.string().describe('the ValidatingWebhookConfiguration'),
        name: z.string().describe('the webhook, e.g. validation.gatekeeper.sh'),
        timeoutSeconds: z.number().int().nullable().describe('null: unset (the API server default, 10 s)'),
        failurePolicy: z.string().nullable().describe('Fail or Ignore; null: unset (Fail)'),
      }),
    )
    .nullable()
    .describe('webhooks named *.gatekeeper.sh; null when the configurations could not be read'),
  auditFromCache: z
    .boolean()
    .nullable()
    .describe('the gatekeeper-audit Deployment runs with --audit-from-cache=true; null: the Deployment was not read'),
  syncOnly: z
    .array(z.string())
    .nullable()
    .describe(
      'the Config sync list, as apiVersion and kind ("v1 Namespace"); [] when the Config has none; null: no Config read',
    ),
});
export type GatekeeperAdmission = z.infer<typeof GatekeeperAdmission>;

export const Policies = z.object({
  gatekeeper: z.object({
    installed: z.boolean(),
    apiVersion: z.string().nullable(),
    templates: z.array(ConstraintTemplate),
    constraints: z.array(Constraint),
    admission: GatekeeperAdmission.optional().describe(
      'webhook and audit settings (absent in snapshots of earlier versions and when Gatekeeper is not installed)',
    ),
  }),
  kyverno: z.object({
    installed: z.boolean(),
    policies: z.array(KyvernoPolicy),
    reports: z.array(PolicyReportSummary),
  }),
  networkPolicies: z.array(NamespaceNetworkPosture),
  istio: z.object({
    installed: z.boolean(),
    apiVersion: z.string().nullable(),
    peerAuthentications: z.array(PeerAuthentication),
    mtls: z.array(NamespaceMtls),
  }),
});
export type Policies = z.infer<typeof Policies>;

export const ServiceCidrSource = z.enum(['servicecidr-api', 'kubeadm-config', 'apiserver-flag', 'kubernetes-service']);
export const IpPool = z.object({
  name: z.string(),
  apiGroup: z.enum(['crd.projectcalico.org', 'projectcalico.org']),
  cidr: z.string(),
  ipipMode: z.string().nullable(),
  vxlanMode: z.string().nullable(),
  natOutgoing: z.boolean(),
  disabled: z.boolean(),
  blockSize: z.number().int().nullable(),
});
export type IpPool = z.infer<typeof IpPool>;

export const Network = z.object({
  nodes: z.array(z.object({ name: z.string(), podCIDRs: z.array(z.string()) })),
  serviceCIDRs: z.array(z.object({ cidr: z.string(), source: ServiceCidrSource })),
  podRanges: z
    .array(
      z.object({
        cidr: z.string(),
        source: z.enum(['kubeadm-config', 'controller-manager-flag', 'flannel', 'cilium']),
        detail: z.string().optional(),
      }),
    )
    .describe('cluster-wide Pod ranges from configuration (kubeadm, flannel, cilium)'),
  ipPools: z.array(IpPool),
});
export type Network = z.infer<typeof Network>;

export const CertificateSource = z.enum(['tls-secret', 'cert-manager', 'istio-root', 'istio-ca', 'apiserver']);
export type CertificateSource = z.infer<typeof CertificateSource>;

export const CertificateBundle = z.object({
  source: CertificateSource,
  namespace: z.string().nullable(),
  name: z.string(),
  key: z.string().describe('data key the PEM came from, e.g. tls.crt, root-cert.pem'),
  chain: z.array(X509Info).min(1).describe('every certificate of the bundle, in file order (leaf first for tls.crt)'),
});
export type CertificateBundle = z.infer<typeof CertificateBundle>;

export const CertManagerCertificate = z.object({
  namespace: z.string(),
  name: z.string(),
  secretName: z.string().nullable(),
  dnsNames: z.array(z.string()),
  issuerRef: z.object({ name: z.string(), kind: z.string().nullable() }).nullable(),
  ready: z.boolean().nullable(),
  readyReason: z.string().nullable(),
  readyMessage: z.string().nullable(),
  notAfter: isoTimestamp.nullable(),
  renewalTime: isoTimestamp.nullable(),
});
export type CertManagerCertificate = z.infer<typeof CertManagerCertificate>;

export const Certificates = z.object({
  bundles: z.array(CertificateBundle),
  certManager: z.array(CertManagerCertificate),
  istioRootFingerprints: z.array(z.string()).describe('SHA-256 of every Istio root certificate seen in the cluster'),
});
export type Certificates = z.infer<typeof Certificates>;

export const ArgoApplication = z.object({
  namespace: z.string(),
  name: z.string(),
  project: z.string().nullable(),
  destination: z.object({
    server: z.string().nullable(),
    name: z.string().nullable(),
    namespace: z.string().nullable(),
  }),
  syncStatus: z.string().nullable().describe('Synced, OutOfSync, Unknown'),
  revision: z.string().nullable(),
  health: z.string().nullable().describe('Healthy, Progressing, Degraded, Suspended, Missing, Unknown'),
  operation: z.object({ phase: z.string().nullable(), message: z.string().nullable() }).nullable(),
  reconciledAt: isoTimestamp.nullable(),
  automated: z.object({ enabled: z.boolean(), prune: z.boolean(), selfHeal: z.boolean() }),
  outOfSyncResources: z.array(
    z.object({
      group: z.string().nullable(),
      kind: z.string(),
      namespace: z.string().nullable(),
      name: z.string(),
      status: z.string(),
    }),
  ),
});
export type ArgoApplication = z.infer<typeof ArgoApplication>;

/**
 * The settings of one Argo CD application controller (ARGO-RECONCILE-STALE), from the ConfigMaps
 * of its namespace: `argocd-cm` (`timeout.reconciliation`) and `argocd-cmd-params-cm` (processors).
 */
export const ArgoController = z.object({
  namespace: z.string().describe('the namespace of its argocd-cm ConfigMap'),
  reconciliationTimeout: z
    .string()
    .nullable()
    .describe('argocd-cm timeout.reconciliation as written (a Go duration); null: unset'),
  reconciliationSeconds: z
    .number()
    .nonnegative()
    .describe(
      'the effective reconciliation period: 180 when unset or unreadable (as Argo CD), 0: periodic refresh off',
    ),
  statusProcessors: z
    .number()
    .int()
    .nullable()
    .describe('argocd-cmd-params-cm controller.status.processors; null: unset (default 20) or not read'),
  operationProcessors: z
    .number()
    .int()
    .nullable()
    .describe('argocd-cmd-params-cm controller.operation.processors; null: unset (default 10) or not read'),
});
export type ArgoController = z.infer<typeof ArgoController>;

export const GitOps = z.object({
  installed: z.boolean(),
  controllers: z
    .array(ArgoController)
    .optional()
    .describe(
      'Argo CD controller settings, one per argocd-cm found; [] when none exists (defaults apply); absent in snapshots of earlier versions or when the ConfigMaps could not be listed',
    ),
  applications: z.array(ArgoApplication),
  applicationSets: z.array(
    z.object({
      namespace: z.string(),
      name: z.string(),
      conditions: z.array(
        z.object({
          type: z.string(),
          status: z.string(),
          reason: z.string().nullable(),
          message: z.string().nullable(),
        }),
      ),
    }),
  ),
  clusters: z.array(z.object({ name: z.string(), server: z.string() })).describe('name and server only, never config'),
});
export type GitOps = z.infer<typeof GitOps>;

export const KubeFedCluster = z.object({
  namespace: z.string(),
  name: z.string(),
  apiEndpoint: z.string().nullable(),
  ready: z.enum(['True', 'False', 'Unknown']),
  offline: z.boolean(),
  message: z.string().nullable(),
});
export type KubeFedCluster = z.infer<typeof KubeFedCluster>;

/** One remote cluster of an Istio remote secret: never the credentials, only the API server it names. */
export const IstioRemote = z.object({
  secret: z.string().describe('name of the istio/multiCluster Secret in istio-system'),
  name: z.string().describe('the cluster name: the data key'),
  server: z
    .string()
    .nullable()
    .describe(
      "the kubeconfig's clusters[].cluster.server, a user name and password in it replaced by [REDACTED:userinfo]; null when none could be read",
    ),
});
export type IstioRemote = z.infer<typeof IstioRemote>;

export const Federation = z.object({
  kubefedInstalled: z.boolean(),
  kubefedClusters: z.array(KubeFedCluster),
  istioRemoteClusters: z.array(z.string()).describe('cluster names from istio/multiCluster secrets only'),
  istioRemotes: z
    .array(IstioRemote)
    .optional()
    .describe('the API server each istio/multiCluster secret names (absent in snapshots of earlier versions)'),
});
export type Federation = z.infer<typeof Federation>;

export const Snapshot = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  meta: SnapshotMeta,
  namespaces: z.array(Namespace),
  quotas: z.object({ resourceQuotas: z.array(ResourceQuota), limitRanges: z.array(LimitRange) }),
  policies: Policies,
  network: Network,
  certificates: Certificates,
  gitops: GitOps,
  federation: Federation,
});
export type Snapshot = z.infer<typeof Snapshot>;

/** The JSON Schema committed as schemas/snapshot-v1.schema.json. */
export function snapshotJsonSchema(): unknown {
  return {
    $id: 'https://fleetledger.dev/schemas/snapshot-v1.schema.json',
    title: 'fleetledger cluster snapshot, schema version 1',
    ...z.toJSONSchema(Snapshot, { target: 'draft-2020-12' }),
  };
}
