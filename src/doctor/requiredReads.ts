/**
 * The reads fleetledger's collector makes, as RBAC sees them: one entry per (API group, resource),
 * each needing get and list. They are what examples/rbac/fleetledger-reader.yaml grants (a test
 * keeps the two equal). `api` names the optional API a read belongs to: when that API is not
 * installed, the read is never made and a denial does not matter.
 */
export interface RequiredRead {
  readonly group: string;
  readonly resource: string;
  /** The optional API the read belongs to (its display name), or null for a read every cluster needs. */
  readonly api: string | null;
}

/** Optional APIs, by the API group whose presence in discovery says they are installed. */
export const OPTIONAL_APIS: readonly { name: string; groups: readonly string[] }[] = [
  { name: 'gatekeeper', groups: ['templates.gatekeeper.sh', 'constraints.gatekeeper.sh', 'config.gatekeeper.sh'] },
  { name: 'kyverno', groups: ['kyverno.io'] },
  { name: 'policy-reports', groups: ['wgpolicyk8s.io'] },
  { name: 'openreports', groups: ['openreports.io'] },
  { name: 'istio', groups: ['security.istio.io'] },
  { name: 'calico', groups: ['crd.projectcalico.org', 'projectcalico.org'] },
  { name: 'cert-manager', groups: ['cert-manager.io'] },
  { name: 'argo-cd', groups: ['argoproj.io'] },
  { name: 'kubefed', groups: ['core.kubefed.io'] },
];

const apiOfGroup = (group: string): string | null =>
  OPTIONAL_APIS.find((api) => api.groups.includes(group))?.name ?? null;

const reads = (group: string, resources: readonly string[]): RequiredRead[] =>
  resources.map((resource) => ({ group, resource, api: apiOfGroup(group) }));

export const REQUIRED_READS: readonly RequiredRead[] = [
  ...reads('', ['namespaces', 'nodes', 'services', 'configmaps', 'secrets', 'resourcequotas', 'limitranges']),
  ...reads('networking.k8s.io', ['networkpolicies', 'servicecidrs']),
  ...reads('apiextensions.k8s.io', ['customresourcedefinitions']),
  // Gatekeeper's admission settings (GATEKEEPER-ADMISSION-RISK): its webhook, its audit Deployment.
  ...reads('admissionregistration.k8s.io', ['validatingwebhookconfigurations']),
  ...reads('apps', ['deployments']),
  ...reads('templates.gatekeeper.sh', ['*']),
  ...reads('constraints.gatekeeper.sh', ['*']),
  ...reads('config.gatekeeper.sh', ['configs']),
  ...['kyverno.io', 'wgpolicyk8s.io', 'openreports.io'].flatMap((group) =>
    reads(group, ['clusterpolicies', 'policies', 'policyreports', 'clusterpolicyreports', 'reports', 'clusterreports']),
  ),
  ...reads('security.istio.io', ['peerauthentications']),
  ...reads('crd.projectcalico.org', ['ippools']),
  ...reads('projectcalico.org', ['ippools']),
  ...reads('cert-manager.io', ['certificates']),
  ...reads('argoproj.io', ['applications', 'applicationsets']),
  ...reads('core.kubefed.io', ['kubefedclusters']),
];

/** `secrets` or `networkpolicies.networking.k8s.io`: how kubectl and the simulator name a resource. */
export function readName(read: Pick<RequiredRead, 'group' | 'resource'>): string {
  return read.group ? `${read.resource}.${read.group}` : read.resource;
}

/**
 * The ClusterRole that grants the denied reads, as YAML: a separate role (applying it does not
 * narrow an existing fleetledger-reader), to bind to the identity the fleet file uses.
 */
export function clusterRoleGranting(denied: readonly Pick<RequiredRead, 'group' | 'resource'>[]): string {
  const byGroup = new Map<string, string[]>();
  for (const read of denied) {
    const resources = byGroup.get(read.group) ?? [];
    if (!resources.includes(read.resource)) resources.push(read.resource);
    byGroup.set(read.group, resources);
  }
  const quoted = (text: string) => (text === '' || text === '*' ? `"${text}"` : text);
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata:',
    '  name: fleetledger-reader-additions',
    'rules:',
    ...[...byGroup].flatMap(([group, resources]) => [
      `  - apiGroups: [${quoted(group)}]`,
      `    resources: [${resources.map(quoted).join(', ')}]`,
      '    verbs: [get, list]',
    ]),
    '',
  ].join('\n');
}
