/**
 * A hand-made, valid ReportDocument: two clusters (one ok, one partial), findings of every
 * severity, a CIDR overlap between the clusters, certificates (one expired, some within 90 days,
 * one far out), Argo CD drift, an active and an expired waiver, and a 12-period series.
 *
 * Every call returns a fresh object, so a test may mutate it (e.g. to inject hostile text).
 *
 * @example
 * const doc = makeReportDocument();
 * doc.clusters[0]!.name = '<script>alert(1)</script>';
 */
import { type ReportDocument, ReportDocument as ReportDocumentSchema } from '../../src/report/schema.js';

const GENERATED_AT = '2026-11-26T09:00:00.000Z';

function seriesPoints(): ReportDocument['trend']['series']['fleet'] {
  // 2026-W37 .. 2026-W48; W40 had no report (nulls), so the chart must break its lines there.
  const points: ReportDocument['trend']['series']['fleet'] = [];
  for (let week = 37; week <= 48; week++) {
    const step = week - 37;
    const missing = week === 40;
    points.push({
      period: `2026-W${week}`,
      compliance: missing ? null : Math.round((0.55 + step * 0.015) * 1000) / 1000,
      coverage: missing ? null : Math.round((0.8 + step * 0.01) * 1000) / 1000,
      open: { critical: week >= 47 ? 1 : 2, high: 3, medium: 4, low: 2, info: 1 },
    });
  }
  const last = points.at(-1)!;
  last.compliance = 0.724;
  last.coverage = 0.9;
  return points;
}

export function makeReportDocument(): ReportDocument {
  const doc: ReportDocument = {
    schemaVersion: 1,
    period: '2026-W48',
    periodStart: '2026-11-23T00:00:00.000Z',
    periodEnd: '2026-11-30T00:00:00.000Z',
    timeZone: 'UTC',
    generatedAt: GENERATED_AT,
    fleetledgerVersion: '0.1.0',
    store: 's3://audit-ledger/prod',
    previousPeriod: '2026-W47',
    fleet: {
      compliance: 0.724,
      coverage: 0.9,
      delta: { compliance: 0.031, coverage: -0.02 },
      open: { critical: 1, high: 2, medium: 1, low: 1, info: 1 },
      waived: { critical: 0, high: 0, medium: 1, low: 0, info: 0 },
      clusters: { total: 2, ok: 1, partial: 1, unreachable: 0, missing: 0 },
    },
    clusters: [
      {
        name: 'prod-east',
        labels: { env: 'prod', region: 'eu-central-1' },
        status: 'ok',
        statusReason: null,
        compliance: 0.8,
        coverage: 1,
        delta: { compliance: 0.05, coverage: 0 },
        open: { critical: 1, high: 1, medium: 0, low: 1, info: 0 },
        snapshotKey: 'snapshots/cluster=prod-east/date=2026-11-25/2026-11-25T09-00-00.000Z.json.gz',
        collectedAt: '2026-11-25T09:00:00.000Z',
        areas: {
          quotas: { state: 'fail', open: 1, worstSeverity: 'low' },
          policies: { state: 'pass', open: 0, worstSeverity: null },
          network: { state: 'fail', open: 1, worstSeverity: 'critical' },
          certificates: { state: 'fail', open: 1, worstSeverity: 'high' },
          gitops: { state: 'pass', open: 0, worstSeverity: null },
        },
        facts: {
          kubernetesVersion: 'v1.33.2',
          podCIDRs: ['10.244.0.0/16'],
          serviceCIDRs: ['10.96.0.0/12'],
          ipPools: [
            {
              name: 'default-ipv4-ippool',
              cidr: '10.244.0.0/16',
              ipipMode: 'Never',
              vxlanMode: 'CrossSubnet',
              disabled: false,
            },
          ],
          certificates: [
            {
              source: 'tls-secret',
              namespace: 'payments',
              name: 'api-tls',
              subject: 'CN=api.payments.example.com',
              notAfter: '2026-11-20T00:00:00.000Z',
              fingerprint256: 'AA:BB:CC:01',
            },
            {
              source: 'cert-manager',
              namespace: 'ingress',
              name: 'wildcard-example-com',
              subject: 'CN=*.example.com',
              notAfter: '2026-12-10T12:00:00.000Z',
              fingerprint256: 'AA:BB:CC:02',
            },
            {
              source: 'apiserver',
              namespace: null,
              name: 'kube-apiserver',
              subject: 'CN=kube-apiserver',
              notAfter: '2027-09-01T00:00:00.000Z',
              fingerprint256: 'AA:BB:CC:03',
            },
          ],
          applications: [
            { namespace: 'argocd', name: 'payments', sync: 'Synced', health: 'Healthy', message: null },
            {
              namespace: 'argocd',
              name: 'checkout',
              sync: 'OutOfSync',
              health: 'Degraded',
              message: 'Deployment checkout has 0/3 ready replicas',
            },
          ],
          constraints: [
            { kind: 'K8sRequiredLabels', name: 'require-team-label', enforcementAction: 'deny', totalViolations: 0 },
          ],
          namespaces: { total: 12, withQuota: 10, withLimitRange: 11, withDefaultDeny: 12 },
        },
      },
      {
        name: 'prod-west',
        labels: { env: 'prod', region: 'us-west-2' },
        status: 'partial',
        statusReason: 'policies: forbidden (403)',
        compliance: 0.62,
        coverage: 0.8,
        delta: { compliance: 0.01, coverage: -0.04 },
        open: { critical: 0, high: 1, medium: 1, low: 0, info: 1 },
        snapshotKey: 'snapshots/cluster=prod-west/date=2026-11-25/2026-11-25T09-05-00.000Z.json.gz',
        collectedAt: '2026-11-25T09:05:00.000Z',
        areas: {
          quotas: { state: 'fail', open: 1, worstSeverity: 'medium' },
          policies: { state: 'not-evaluated', open: 0, worstSeverity: null },
          network: { state: 'fail', open: 1, worstSeverity: 'critical' },
          certificates: { state: 'pass', open: 0, worstSeverity: null },
          gitops: { state: 'not-applicable', open: 0, worstSeverity: null },
        },
        facts: {
          kubernetesVersion: 'v1.32.5',
          podCIDRs: ['10.244.0.0/16'],
          serviceCIDRs: ['172.20.0.0/16'],
          ipPools: [],
          certificates: [
            {
              source: 'istio-ca',
              namespace: 'istio-system',
              name: 'cacerts',
              subject: 'CN=Intermediate CA, O=example',
              notAfter: '2027-01-15T00:00:00.000Z',
              fingerprint256: 'DD:EE:FF:01',
            },
          ],
          applications: [
            {
              namespace: 'argocd',
              name: 'billing',
              sync: 'Synced',
              health: 'Progressing',
              message: 'waiting for rollout',
            },
          ],
          constraints: [],
          namespaces: { total: 8, withQuota: 6, withLimitRange: 8, withDefaultDeny: 5 },
        },
      },
    ],
    findings: [
      {
        id: 'f0000000000000a1',
        rule: 'CIDR-OVERLAP',
        severity: 'critical',
        status: 'open',
        clusters: ['prod-east', 'prod-west'],
        resource: 'PodCIDR/10.244.0.0/16',
        message: 'Pod range 10.244.0.0/16 of prod-east overlaps pod range 10.244.0.0/16 of prod-west',
        area: 'network',
        firstSeen: '2026-11-16T00:00:00.000Z',
        ageDays: 10,
        trend: 'persisting',
        evidence: {
          ranges: [
            { cluster: 'prod-east', kind: 'pod', cidr: '10.244.0.0/16' },
            { cluster: 'prod-west', kind: 'pod', cidr: '10.244.0.0/16' },
          ],
        },
      },
      {
        id: 'f0000000000000b2',
        rule: 'CERT-EXPIRED',
        severity: 'high',
        status: 'open',
        cluster: 'prod-east',
        resource: 'Secret/payments/api-tls',
        message: 'Certificate CN=api.payments.example.com expired on 2026-11-20',
        area: 'certificates',
        firstSeen: '2026-11-23T00:00:00.000Z',
        ageDays: 3,
        trend: 'new',
        evidence: { notAfter: '2026-11-20T00:00:00.000Z' },
      },
      {
        id: 'f0000000000000c3',
        rule: 'ARGO-OUT-OF-SYNC',
        severity: 'high',
        status: 'open',
        cluster: 'prod-west',
        resource: 'Application/argocd/billing',
        message: 'Application billing is Progressing',
        area: 'gitops',
        firstSeen: '2026-11-23T00:00:00.000Z',
        ageDays: 3,
        trend: 'new',
        evidence: {},
      },
      {
        id: 'f0000000000000d4',
        rule: 'NETPOL-NO-DEFAULT-DENY',
        severity: 'medium',
        status: 'open',
        cluster: 'prod-west',
        resource: 'Namespace/legacy',
        message: 'Namespace legacy has no default-deny ingress NetworkPolicy',
        area: 'policies',
        firstSeen: '2026-10-05T00:00:00.000Z',
        ageDays: 52,
        trend: 'persisting',
        evidence: {},
      },
      {
        id: 'f0000000000000e5',
        rule: 'QUOTA-MISSING',
        severity: 'medium',
        status: 'waived',
        cluster: 'prod-west',
        resource: 'Namespace/sandbox',
        message: 'Namespace sandbox has no ResourceQuota',
        area: 'quotas',
        firstSeen: '2026-10-05T00:00:00.000Z',
        ageDays: 52,
        trend: 'persisting',
        waiver: {
          rule: 'QUOTA-MISSING',
          cluster: 'prod-*',
          resource: 'Namespace/sandbox',
          reason: 'sandbox is scratch space',
          owner: 'platform-team@example.com',
          expires: '2026-12-31',
        },
        evidence: {},
      },
      {
        id: 'f0000000000000f6',
        rule: 'LIMITRANGE-MISSING',
        severity: 'low',
        status: 'open',
        cluster: 'prod-east',
        resource: 'Namespace/batch',
        message: 'Namespace batch has no LimitRange',
        area: 'quotas',
        firstSeen: '2026-11-09T00:00:00.000Z',
        ageDays: 17,
        trend: 'persisting',
        evidence: {},
      },
      {
        id: 'f000000000000007',
        rule: 'K8S-VERSION-SKEW',
        severity: 'info',
        status: 'open',
        cluster: 'prod-west',
        resource: 'Cluster/prod-west',
        message: 'Kubernetes v1.32.5 is one minor version behind the fleet',
        area: null,
        firstSeen: '2026-11-23T00:00:00.000Z',
        ageDays: 3,
        trend: 'new',
        evidence: {},
      },
    ],
    trend: {
      new: ['f0000000000000b2', 'f0000000000000c3', 'f000000000000007'],
      resolved: ['f0000000000000z9'],
      persisting: ['f0000000000000a1', 'f0000000000000d4', 'f0000000000000e5', 'f0000000000000f6'],
      resolvedFindings: [
        { id: 'f0000000000000z9', rule: 'MTLS-NOT-STRICT', cluster: 'prod-east', resource: 'Namespace/payments' },
      ],
      changes: [
        {
          cluster: 'prod-east',
          area: 'certificates',
          change: 'changed',
          subject: 'Secret/ingress/wildcard-example-com',
          description: 'certificate rotated: fingerprint changed',
        },
        {
          cluster: 'prod-west',
          area: 'gitops',
          change: 'changed',
          subject: 'Application/argocd/billing',
          description: 'newly Progressing (was Healthy)',
        },
        {
          cluster: 'prod-west',
          area: 'network',
          change: 'added',
          subject: 'ServiceCIDR/kubernetes',
          description: 'Service range 172.20.0.0/16 added',
        },
      ],
      series: {
        fleet: seriesPoints(),
        clusters: { 'prod-east': seriesPoints(), 'prod-west': seriesPoints() },
      },
    },
    waivers: [
      {
        rule: 'QUOTA-MISSING',
        cluster: 'prod-*',
        resource: 'Namespace/sandbox',
        reason: 'sandbox is scratch space',
        owner: 'platform-team@example.com',
        expires: '2026-12-31',
        expired: false,
        matched: 1,
      },
      {
        rule: 'MTLS-NOT-STRICT',
        cluster: 'prod-east',
        reason: 'legacy clients until migration',
        owner: 'security@example.com',
        expires: '2026-11-01',
        expired: true,
        matched: 0,
      },
    ],
    evidence: [
      {
        cluster: 'prod-east',
        key: 'snapshots/cluster=prod-east/date=2026-11-25/2026-11-25T09-00-00.000Z.json.gz',
        sha256: '3f1c2a9d4b5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8',
        size: 18234,
        collectedAt: '2026-11-25T09:00:00.000Z',
      },
      {
        cluster: 'prod-west',
        key: 'snapshots/cluster=prod-west/date=2026-11-25/2026-11-25T09-05-00.000Z.json.gz',
        sha256: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d',
        size: 15120,
        collectedAt: '2026-11-25T09:05:00.000Z',
      },
    ],
    gaps: [],
  };
  return ReportDocumentSchema.parse(doc);
}

export const SCRIPT = '<script>alert(1)</script>';
export const IMG = '"><img src=x onerror=alert(1)>';
export const TEMPLATE = '{{constructor}}';
export const BLOCK = '{{#each}}';

/**
 * Markup naming the field it was planted in, short enough to leave the layout alone:
 * `"><i id=sync>`. Escaped it reads `&quot;&gt;&lt;i id&#x3D;sync&gt;`; rendered as markup it
 * would be an <i> element (and, in an attribute, break out of it).
 */
export const hostile = (field: string): string => `"><i id=${field}>`;

/** How hostile(field) reads in HTML once escaped. */
export const escapedHostile = (field: string): string => `&quot;&gt;&lt;i id&#x3D;${field}&gt;`;

/**
 * The fixture with hostile text (markup and Handlebars syntax) in every place a cluster, a
 * configuration file or the command line supplies text: names, labels, resources, violation and
 * Argo CD messages and states, waivers, collection problems, skipped namespaces, connected
 * groups, configuration paths, evidence keys, gaps. Program-made text (ids, rule ids, enums,
 * timestamps, numbers) is left as it is: test/report/hostileFixture.test.ts checks that every
 * other string carries hostile text.
 */
export function makeHostileReportDocument(): ReportDocument {
  const doc = makeReportDocument();
  const east = doc.clusters[0]!;
  const west = doc.clusters[1]!;
  const eastName = `east${SCRIPT}`;
  // Not hostile: a name of markup characters laid out where west's is sticks out of the network
  // map and the certificate timeline (htmlLayoutChromium.test.ts); east's name is hostile.
  const westName = 'prod-west';
  // Cluster names are renamed everywhere they appear, so the report still ties them together.
  const rename = (name: string) => (name === 'prod-east' ? eastName : name === 'prod-west' ? westName : name);
  east.name = eastName;
  west.name = westName;
  east.labels = { [`team${IMG}`]: `value${TEMPLATE}`, owner: BLOCK };
  west.labels = { [`env${hostile('label-key')}`]: `prod${hostile('label-value')}` };
  east.statusReason = `reason ${IMG}`;
  west.statusReason = `policies ${SCRIPT}`;
  for (const cluster of [east, west]) {
    cluster.snapshotKey = `snapshots/cluster=${cluster.name}/x.json.gz${hostile('snapshotKey')}`;
    const facts = cluster.facts!;
    if (cluster === west) facts.kubernetesVersion = `v1.33${hostile('kubernetesVersion')}`;
    for (const certificate of facts.certificates) {
      certificate.source = `${certificate.source}${hostile('certificate-source')}`;
      if (certificate.namespace !== null)
        certificate.namespace = `${certificate.namespace}${hostile('certificate-namespace')}`;
      certificate.fingerprint256 = `${certificate.fingerprint256}${hostile('fingerprint')}`;
      certificate.key = `tls.crt${hostile('certificate-key')}`;
    }
    for (const app of facts.applications) {
      app.namespace = `${app.namespace}${hostile('app-namespace')}`;
      app.sync = `${app.sync}${hostile('sync')}`;
      app.health = `${app.health}${hostile('health')}`;
    }
    facts.quotas = [
      {
        namespace: `payments${hostile('quota-namespace')}`,
        name: `compute${hostile('quota-name')}`,
        hard: { [`pods${hostile('quota-resource')}`]: `10${hostile('quota-hard')}` },
      },
    ];
    cluster.problems = [
      {
        section: `policies${hostile('problem-section')}`,
        state: `forbidden${hostile('problem-state')}`,
        summary: `cannot list constraints${hostile('problem-summary')}`,
        detail: `GET /apis: HTTP 403: ${hostile('problem-detail')}`,
      },
    ];
    cluster.skippedNamespaces = {
      rules: ['QUOTA-MISSING'],
      namespaces: [
        {
          namespace: `kube-x${hostile('skipped-namespace')}`,
          reason: 'platform',
          pattern: `kube-*${hostile('skipped-pattern')}`,
          addOn: `Add-on${hostile('skipped-addon')}`,
          source: 'rules.extraPlatformNamespaces',
        },
      ],
    };
    cluster.secretReads = {
      enabled: false,
      notEvaluated: [
        {
          rule: 'CERT-EXPIRING',
          subject: `Secret/a/b${hostile('secret-subject')}`,
          reason: `not read${hostile('secret-reason')}`,
        },
      ],
    };
  }
  // Ranges the network map cannot parse are left out of it; east keeps its valid ones to be drawn.
  west.facts!.podCIDRs = [...west.facts!.podCIDRs, `10.1.0.0/16${hostile('podCIDR')}`];
  west.facts!.serviceCIDRs = [...west.facts!.serviceCIDRs, `10.2.0.0/16${hostile('serviceCIDR')}`];
  east.facts!.applications[1]!.name = `checkout${IMG}`;
  east.facts!.applications[1]!.message = `argo says ${SCRIPT} ${TEMPLATE} ${BLOCK}`;
  west.facts!.applications[0]!.name = `billing${hostile('app-name')}`;
  west.facts!.applications[0]!.message = `waiting${hostile('app-message')}`;
  for (const certificate of [...east.facts!.certificates, ...west.facts!.certificates]) {
    certificate.name = `${certificate.name}${SCRIPT}`;
    certificate.subject = `CN=${IMG}`;
  }
  east.facts!.ipPools[0]!.name = `pool${TEMPLATE}`;
  east.facts!.ipPools[0]!.cidr = `10.244.0.0/16${hostile('pool-cidr')}`;
  east.facts!.ipPools[0]!.ipipMode = `Never${hostile('pool-ipip')}`;
  east.facts!.ipPools[0]!.vxlanMode = `CrossSubnet${hostile('pool-vxlan')}`;
  east.facts!.constraints[0]!.name = `constraint${IMG}`;
  east.facts!.constraints[0]!.kind = `K8sRequiredLabels${hostile('constraint-kind')}`;
  east.facts!.constraints[0]!.enforcementAction = `dryrun${hostile('constraint-action')}`;
  for (const finding of doc.findings) {
    finding.resource = `${finding.resource}${IMG}`;
    finding.message = `violation: ${SCRIPT} ${TEMPLATE} ${BLOCK}`;
    if (finding.cluster !== undefined) finding.cluster = rename(finding.cluster);
    if (finding.clusters) finding.clusters = finding.clusters.map(rename);
    if (finding.waiver) {
      finding.waiver = {
        ...finding.waiver,
        cluster: `prod-*${hostile('waiver-cluster')}`,
        resource: `Namespace/*${hostile('waiver-resource')}`,
        reason: `because ${SCRIPT}`,
        owner: `owner${IMG}`,
      };
    }
  }
  for (const change of doc.trend.changes) {
    change.cluster = rename(change.cluster!);
    change.description = `changed ${SCRIPT}`;
    change.subject = `Secret/${TEMPLATE}`;
  }
  doc.trend.resolvedFindings[0]!.resource = `Namespace/${IMG}`;
  doc.trend.resolvedFindings[0]!.cluster = rename(doc.trend.resolvedFindings[0]!.cluster!);
  doc.trend.series.clusters = Object.fromEntries(
    Object.entries(doc.trend.series.clusters).map(([name, points]) => [rename(name), points]),
  );
  doc.waivers[0]!.reason = `because ${SCRIPT}`;
  doc.waivers[0]!.owner = `owner${IMG}`;
  doc.waivers[0]!.cluster = `prod-*${hostile('waiver-cluster')}`;
  doc.waivers[0]!.resource = `Namespace/*${hostile('waiver-resource')}`;
  doc.waivers[1]!.reason = `legacy${hostile('waiver-reason')}`;
  doc.waivers[1]!.owner = `security${hostile('waiver-owner')}`;
  doc.waivers[1]!.cluster = rename(doc.waivers[1]!.cluster);
  for (const item of doc.evidence) {
    item.cluster = rename(item.cluster);
    item.key = `${item.key}${hostile('evidence-key')}`;
  }
  doc.store = `s3://audit-ledger/prod${hostile('store')}`;
  doc.gaps = [{ key: `snapshots/x.json.gz${hostile('gap-key')}`, error: `not gzip${hostile('gap-error')}` }];
  doc.connectivity = {
    groups: [
      {
        id: `mesh/corp${hostile('group-id')}`,
        kind: 'mesh',
        name: `corp${hostile('group-name')}`,
        comparedBy: ['CIDR-OVERLAP'],
        members: [
          {
            cluster: eastName,
            role: 'member',
            reasons: [
              {
                kind: 'declared',
                label: `mesh=corp${hostile('reason-label')}`,
                detail: `declared${hostile('reason-detail')}`,
              },
              {
                kind: 'discovered',
                source: 'istio-remote-secret',
                sourceCluster: westName,
                object: 'Secret istio-system/remote-east',
                target: eastName,
                server: 'https://east.example:6443',
                detail: 'an Istio remote secret of prod-west',
              },
            ],
          },
          {
            cluster: westName,
            role: 'member',
            reasons: [
              {
                kind: 'discovered',
                source: 'istio-remote-secret',
                sourceCluster: eastName,
                object: `Secret istio-system/remote${hostile('reason-object')}`,
                target: westName,
                server: `https://west.example:6443${hostile('reason-server')}`,
                detail: `an Istio remote secret${hostile('reason-detail-discovered')}`,
              },
            ],
          },
        ],
      },
    ],
    unconnected: [`lab${hostile('unconnected')}`],
    unreadSources: [{ cluster: eastName, sections: [`istioRemoteSecrets${hostile('unread-section')}`] }],
  };
  doc.configuration = {
    fleetFile: { path: `fleet.yaml${hostile('fleet-file')}`, sha256: 'a'.repeat(64) },
    waiversFile: { path: `waivers.yaml${hostile('waivers-file')}`, sha256: 'b'.repeat(64) },
    rules: {
      disabled: [`ARGO-AUTOSYNC-OFF${hostile('disabled-rule')}`],
      severityOverrides: [
        { rule: `MTLS-NOT-STRICT${hostile('override-rule')}`, severity: 'low', defaultSeverity: 'medium' },
      ],
      thresholds: { [`quotaNearLimit${hostile('threshold')}`]: { value: 0.8, default: 0.9 } },
    },
    excludedNamespaces: [
      {
        pattern: `sandbox-*${hostile('excluded-pattern')}`,
        reason: 'excluded',
        source: 'rules.excludeNamespaces',
        addOn: null,
      },
      {
        pattern: `team-*${hostile('platform-pattern')}`,
        reason: 'platform',
        source: 'rules.extraPlatformNamespaces',
        addOn: `Team${hostile('platform-addon')}`,
      },
    ],
    checkedPlatformNamespaces: [`default${hostile('checked-namespace')}`],
  };
  doc.supersedes = {
    folder: `reports/2026-W48/earlier/${hostile('supersedes-folder')}`,
    generatedAt: '2026-11-25T09:00:00.000Z',
    reportJsonSha256: 'c'.repeat(64),
    manifest: `manifests/m.json${hostile('supersedes-manifest')}`,
  };
  doc.reason = `rerun${hostile('reason')}`;
  return ReportDocumentSchema.parse(doc);
}

/** The hand-made report as a signed backfill run writes it: resting on a pinned ledger head. */
export function makePinnedReportDocument(): ReportDocument {
  const doc = makeReportDocument();
  return {
    ...doc,
    ledger: {
      head: {
        manifest: 'manifests/2026-11-25T06-00-00.000Z-0f3e089576c44e9d.json',
        sha256: '0f3e089576c44e9dc0f439f7c90425d83753ed93a1de1109a1c7d01c3ae4a442',
      },
      signingKey: 'sha256:a40becb49664ea8cac587fa3676d908c3c36ebe9ae615247784a254a8d7d0732',
      backfill: true,
      backfilledEvidence: doc.evidence.slice(0, 1).map((item) => item.key),
    },
  };
}
