/**
 * Kubernetes objects for the collector tests, written the way the real APIs serve them.
 * Marker strings (SECRET_MARKERS) sit in every place that holds secret material, so tests can
 * prove none of those bytes reach a snapshot, a log line or an error.
 */
import type { IssuedCertificate } from '../../src/simulator/certificates.js';

type Obj = Record<string, unknown>;

export const SECRET_MARKERS = {
  tlsKey: 'MARKER-TLS-PRIVATE-KEY-7f3a',
  password: 'MARKER-DB-PASSWORD-91c2',
  token: 'MARKER-SERVICE-TOKEN-4b8e',
  argoConfig: 'MARKER-ARGO-BEARER-TOKEN-c0d1',
  istioCaKey: 'MARKER-ISTIO-CA-KEY-5e6f',
  remoteKubeconfig: 'MARKER-REMOTE-KUBECONFIG-a9b8',
  remoteServerPassword: 'MARKER-REMOTE-SERVER-PASSWORD-3d4c',
  applicationSetRepoPassword: 'MARKER-APPSET-REPO-PASSWORD-7e8f',
  applicationSetBearer: 'MARKER-APPSET-BEARER-TOKEN-9a0b',
} as const;

/**
 * The kubeconfig `istioctl create-remote-secret` writes: the remote API server (here with a
 * password in its URL), its CA and a token. Only the server, without the password, may be kept.
 */
export function istioRemoteKubeconfig(cluster: string, server: string): string {
  const withPassword = server.replace('https://', `https://istio-reader:${SECRET_MARKERS.remoteServerPassword}@`);
  return `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster:
    certificate-authority-data: ${b64('FAKE-CA')}
    server: ${withPassword}
contexts:
- name: ${cluster}
  context: {cluster: ${cluster}, user: ${cluster}}
current-context: ${cluster}
users:
- name: ${cluster}
  user:
    token: ${SECRET_MARKERS.remoteKubeconfig}
`;
}

export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function namespace(name: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels }, status: { phase: 'Active' } };
}

export function crd(
  group: string,
  versions: string[],
  kind: string,
  plural: string,
  scope: 'Namespaced' | 'Cluster',
): Obj {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: versions.map((name, i) => ({ name, served: true, storage: i === 0 })),
    },
  };
}

export function tlsSecret(namespace: string, name: string, certPem: string, extra: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { namespace, name },
    data: {
      'tls.crt': b64(certPem),
      'tls.key': b64(`-----BEGIN PRIVATE KEY-----\n${SECRET_MARKERS.tlsKey}\n-----END PRIVATE KEY-----\n`),
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, b64(v)])),
    },
  };
}

export function opaqueSecrets(): Obj[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: 'payments', name: 'db-credentials' },
      data: { password: b64(SECRET_MARKERS.password), username: b64('payments') },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        namespace: 'payments',
        name: 'ci-token',
        annotations: { 'kubernetes.io/service-account.name': 'ci' },
      },
      data: { token: b64(SECRET_MARKERS.token) },
    },
  ];
}

/** Everything the collectors read, for a cluster that has it all (Gatekeeper v1, Istio v1, Calico CRDs). */
export function fullClusterObjects(certs: {
  leaf: IssuedCertificate;
  intermediate: IssuedCertificate;
  meshRoot: IssuedCertificate;
  meshIntermediate: IssuedCertificate;
}): Obj[] {
  return [
    namespace('payments', { team: 'payments' }),
    namespace('web'),
    namespace('kube-system'),
    namespace('istio-system'),
    namespace('argocd'),
    namespace('kube-federation-system'),
    namespace('kube-flannel'),
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { namespace: 'payments', name: 'default-quota' },
      spec: { hard: { 'requests.cpu': '2', 'requests.memory': '4Gi', pods: '20' } },
      status: {
        hard: { 'requests.cpu': '2', 'requests.memory': '4Gi', pods: '20' },
        used: { 'requests.cpu': '500m', 'requests.memory': '1536Mi', pods: '3' },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { namespace: 'web', name: 'fresh-quota' },
      spec: { hard: { 'limits.memory': '1G' } },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { namespace: 'payments', name: 'compute-limits' },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            max: { cpu: '2' },
          },
        ],
      },
    },
    crd('templates.gatekeeper.sh', ['v1', 'v1beta1'], 'ConstraintTemplate', 'constrainttemplates', 'Cluster'),
    crd('constraints.gatekeeper.sh', ['v1beta1'], 'K8sRequiredLabels', 'k8srequiredlabels', 'Cluster'),
    crd('constraints.gatekeeper.sh', ['v1beta1'], 'K8sDisallowHostPath', 'k8sdisallowhostpath', 'Cluster'),
    {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: 'k8srequiredlabels' },
      spec: { crd: { spec: { names: { kind: 'K8sRequiredLabels' } } } },
      status: {
        byPod: [{ id: 'gatekeeper-audit', errors: [{ code: 'ingest_error', message: 'rego parse error at line 3' }] }],
      },
    },
    {
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sRequiredLabels',
      metadata: { name: 'must-have-owner' },
      spec: { enforcementAction: 'dryrun' },
      status: {
        auditTimestamp: '2026-11-25T08:00:00Z',
        totalViolations: 42,
        violations: [
          {
            kind: 'Namespace',
            name: 'web',
            message: 'you must provide labels: {"owner"}',
            enforcementAction: 'dryrun',
          },
        ],
      },
    },
    {
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sDisallowHostPath',
      metadata: { name: 'deny-host-path' },
      spec: {},
    },
    crd('kyverno.io', ['v1'], 'ClusterPolicy', 'clusterpolicies', 'Cluster'),
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'require-requests' },
      spec: { validationFailureAction: 'Enforce' },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    },
    crd('wgpolicyk8s.io', ['v1alpha2'], 'PolicyReport', 'policyreports', 'Namespaced'),
    {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { namespace: 'payments', name: 'polr-payments' },
      summary: { pass: 10, fail: 2, warn: 1, error: 0, skip: 3 },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace: 'payments', name: 'default-deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace: 'web', name: 'allow-all' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace: 'kube-system', name: 'excluded-namespace-policy' },
      spec: { podSelector: {} },
    },
    crd('security.istio.io', ['v1', 'v1beta1'], 'PeerAuthentication', 'peerauthentications', 'Namespaced'),
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { namespace: 'istio-system', name: 'default' },
      spec: { mtls: { mode: 'PERMISSIVE' } },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { namespace: 'payments', name: 'strict' },
      spec: { mtls: { mode: 'STRICT' } },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { namespace: 'web', name: 'legacy-port' },
      spec: { selector: { matchLabels: { app: 'legacy' } }, mtls: { mode: 'DISABLE' } },
    },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
      spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24', 'fd00:10:244::/64'] },
    },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' }, spec: { podCIDR: '10.244.1.0/24' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-3' }, spec: {} },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'ServiceCIDR',
      metadata: { name: 'kubernetes' },
      spec: { cidrs: ['10.96.0.0/16'] },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'kube-system', name: 'kubeadm-config' },
      data: {
        ClusterConfiguration:
          'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/16\n',
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'kube-flannel', name: 'kube-flannel-cfg' },
      data: { 'net-conf.json': '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}' },
    },
    {
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPPool',
      metadata: { name: 'inter-cluster-pool' },
      spec: { cidr: '192.168.0.0/16', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
    },
    tlsSecret('payments', 'api-tls', `${certs.leaf.certPem}${certs.intermediate.certPem}`),
    tlsSecret('web', 'web-tls', certs.intermediate.certPem, { 'ca.crt': certs.meshRoot.certPem }),
    ...opaqueSecrets(),
    crd('cert-manager.io', ['v1'], 'Certificate', 'certificates', 'Namespaced'),
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { namespace: 'payments', name: 'api' },
      spec: {
        secretName: 'api-tls',
        dnsNames: ['api.payments.example'],
        issuerRef: { name: 'corp-issuer', kind: 'ClusterIssuer' },
      },
      status: {
        notAfter: '2026-11-30T00:00:00Z',
        renewalTime: '2026-11-20T00:00:00Z',
        conditions: [{ type: 'Ready', status: 'False', reason: 'Failed', message: 'issuer not ready' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'istio-system', name: 'istio-ca-root-cert' },
      data: { 'root-cert.pem': certs.meshRoot.certPem },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'payments', name: 'istio-ca-root-cert' },
      data: { 'root-cert.pem': certs.meshRoot.certPem },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: 'istio-system', name: 'cacerts' },
      data: {
        'ca-cert.pem': b64(certs.meshIntermediate.certPem),
        'ca-key.pem': b64(
          `-----BEGIN EC PRIVATE KEY-----\n${SECRET_MARKERS.istioCaKey}\n-----END EC PRIVATE KEY-----\n`,
        ),
        'root-cert.pem': b64(certs.meshRoot.certPem),
        'cert-chain.pem': b64(`${certs.meshIntermediate.certPem}${certs.meshRoot.certPem}`),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        namespace: 'istio-system',
        name: 'istio-remote-secret-cluster-b',
        labels: { 'istio/multiCluster': 'true' },
      },
      data: { 'cluster-b': b64(istioRemoteKubeconfig('cluster-b', 'https://cluster-b.example:6443')) },
    },
    crd('argoproj.io', ['v1alpha1'], 'Application', 'applications', 'Namespaced'),
    crd('argoproj.io', ['v1alpha1'], 'ApplicationSet', 'applicationsets', 'Namespaced'),
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { namespace: 'argocd', name: 'ledger-api' },
      spec: {
        project: 'payments',
        destination: { server: 'https://cluster-b.example:6443', namespace: 'payments' },
        syncPolicy: { automated: { prune: true, selfHeal: false } },
      },
      status: {
        sync: { status: 'OutOfSync', revision: '4f2a9c1' },
        health: { status: 'Degraded' },
        operationState: { phase: 'Failed', message: 'one or more objects failed to apply' },
        reconciledAt: '2026-11-25T08:55:00Z',
        resources: [
          { group: 'apps', kind: 'Deployment', namespace: 'payments', name: 'ledger-api', status: 'OutOfSync' },
          { kind: 'Service', namespace: 'payments', name: 'ledger-api', status: 'Synced' },
        ],
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { namespace: 'argocd', name: 'web-apps' },
      status: {
        conditions: [
          {
            type: 'ErrorOccurred',
            status: 'True',
            reason: 'ApplicationGenerationFromParamsError',
            // What the git generator writes when the repository refuses it: the URL and header it used.
            message: `error generating params from git: https://ci:${SECRET_MARKERS.applicationSetRepoPassword}@git.example/corp/tenants.git: authentication required (Authorization: Bearer ${SECRET_MARKERS.applicationSetBearer})`,
          },
          {
            type: 'ResourcesUpToDate',
            status: 'True',
            reason: 'ApplicationSetUpToDate',
            message: 'All applications have been generated successfully',
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: 'argocd', name: 'cluster-b', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      data: {
        name: b64('cluster-b'),
        server: b64('https://cluster-b.example:6443'),
        config: b64(`{"bearerToken":"${SECRET_MARKERS.argoConfig}","tlsClientConfig":{"insecure":false}}`),
      },
    },
    crd('core.kubefed.io', ['v1beta1'], 'KubeFedCluster', 'kubefedclusters', 'Namespaced'),
    {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { namespace: 'kube-federation-system', name: 'cluster-b' },
      spec: { apiEndpoint: 'https://cluster-b.example:6443' },
      status: {
        conditions: [
          { type: 'Ready', status: 'False', message: 'cluster is not reachable' },
          { type: 'Offline', status: 'True' },
        ],
      },
    },
  ];
}
