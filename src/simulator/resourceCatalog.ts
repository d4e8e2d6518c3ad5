/**
 * What a simulated API server serves: the built-in resources fleetledger (and kubectl) read, every
 * resource a CustomResourceDefinition in the cluster defines, and resources inferred from loaded
 * objects whose kind is neither (so a fixture can hold Calico IPPools without shipping the CRD).
 */

export interface ApiResource {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Built into kube-apiserver: typed lists omit kind/apiVersion on their items. */
  builtin?: boolean;
}

type BuiltinRow = [
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  shortNames?: string[],
];

const BUILTIN_ROWS: BuiltinRow[] = [
  ['', 'v1', 'namespaces', 'Namespace', false, ['ns']],
  ['', 'v1', 'nodes', 'Node', false, ['no']],
  ['', 'v1', 'secrets', 'Secret', true],
  ['', 'v1', 'configmaps', 'ConfigMap', true, ['cm']],
  ['', 'v1', 'services', 'Service', true, ['svc']],
  ['', 'v1', 'endpoints', 'Endpoints', true, ['ep']],
  ['', 'v1', 'pods', 'Pod', true, ['po']],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa']],
  ['', 'v1', 'resourcequotas', 'ResourceQuota', true, ['quota']],
  ['', 'v1', 'limitranges', 'LimitRange', true, ['limits']],
  ['', 'v1', 'persistentvolumes', 'PersistentVolume', false, ['pv']],
  ['', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']],
  ['', 'v1', 'events', 'Event', true, ['ev']],
  ['apps', 'v1', 'deployments', 'Deployment', true, ['deploy']],
  ['apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts']],
  ['apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds']],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs']],
  ['batch', 'v1', 'jobs', 'Job', true],
  ['batch', 'v1', 'cronjobs', 'CronJob', true, ['cj']],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing']],
  ['networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false],
  ['networking.k8s.io', 'v1', 'servicecidrs', 'ServiceCIDR', false],
  ['networking.k8s.io', 'v1', 'ipaddresses', 'IPAddress', false, ['ip']],
  ['policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, ['sc']],
  ['coordination.k8s.io', 'v1', 'leases', 'Lease', true],
  ['admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
  ['admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
  ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds']],
];

/**
 * Built-ins that depend on the Kubernetes minor version, by `group/plural`: the group version
 * serving them from a minor on, newest first. ServiceCIDR and IPAddress went GA in 1.33; as
 * v1beta1 (1.31, 1.32) they are served where the MultiCIDRServiceAllocator gate was turned on,
 * which the simulator assumes so the collector's beta path has a server to meet.
 */
const INTRODUCED_IN: Readonly<Record<string, ReadonlyArray<readonly [minor: number, version: string]>>> = {
  'networking.k8s.io/servicecidrs': [
    [33, 'v1'],
    [31, 'v1beta1'],
  ],
  'networking.k8s.io/ipaddresses': [
    [33, 'v1'],
    [31, 'v1beta1'],
  ],
};

/** The minor of `v1.33.2`; a version that does not parse counts as the newest. */
function minorOf(kubernetesVersion: string | undefined): number {
  const match = /^v1\.(\d+)/.exec(kubernetesVersion ?? '');
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/** The version a built-in row is served at by this Kubernetes version, or null when it is not served at all. */
function servedVersion(group: string, plural: string, rowVersion: string, minor: number): string | null {
  const steps = INTRODUCED_IN[`${group}/${plural}`];
  if (!steps) return rowVersion;
  return steps.find(([since]) => minor >= since)?.[1] ?? null;
}

/**
 * Built-in kinds this Kubernetes version does not serve at the given group version (an object
 * of such a kind could not have been created): a description, or undefined when it is served.
 */
export function unservedBuiltin(
  apiVersion: string,
  kind: string,
  kubernetesVersion: string | undefined,
): string | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const row = BUILTIN_ROWS.find(([g, , , k]) => g === group && k === kind);
  if (!row || !INTRODUCED_IN[`${group}/${row[2]}`]) return undefined;
  const served = servedVersion(group, row[2], row[1], minorOf(kubernetesVersion));
  if (served === version) return undefined;
  const where = kubernetesVersion ? `Kubernetes ${kubernetesVersion}` : 'this Kubernetes version';
  return served === null
    ? `${apiVersion} ${kind} is not served by ${where}`
    : `${apiVersion} ${kind} is not served by ${where}, which serves ${group}/${served}`;
}

/** The built-in resources kube-apiserver of this version serves (default: the newest the simulator knows). */
export function builtinResources(kubernetesVersion?: string): ApiResource[] {
  const minor = minorOf(kubernetesVersion);
  return BUILTIN_ROWS.flatMap(([group, rowVersion, plural, kind, namespaced, shortNames]) => {
    const version = servedVersion(group, plural, rowVersion, minor);
    return version === null ? [] : [{ group, version, plural, kind, namespaced, shortNames }];
  }).map(({ group, version, plural, kind, namespaced, shortNames }) => ({
    group,
    versions: [version],
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: shortNames ?? [],
    categories: [],
    builtin: true,
  }));
}

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` is the core group ''. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first (v1 > v1beta2 > v1beta1 > v1alpha1). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return [3, 0, 0];
    const stability = match[2] === undefined ? 0 : match[2] === 'beta' ? 1 : 2;
    return [stability, -Number(match[1]), -Number(match[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i += 1) {
    const diff = (ra[i] ?? 0) - (rb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.localeCompare(b);
}

/** The resource a CustomResourceDefinition object defines, or undefined when the object is not a usable CRD. */
export function resourceFromCrd(crd: Record<string, unknown>): ApiResource | undefined {
  const spec = asRecord(crd['spec']);
  const names = asRecord(spec['names']);
  const group = spec['group'];
  const plural = names['plural'];
  const kind = names['kind'];
  if (typeof group !== 'string' || typeof plural !== 'string' || typeof kind !== 'string') return undefined;
  const versions = (Array.isArray(spec['versions']) ? spec['versions'] : [])
    .map(asRecord)
    .filter((v) => v['served'] !== false && typeof v['name'] === 'string')
    .map((v) => v['name'] as string)
    .sort(compareKubeVersions);
  if (versions.length === 0) return undefined;
  return {
    group,
    versions,
    plural,
    singular: typeof names['singular'] === 'string' ? names['singular'] : kind.toLowerCase(),
    kind,
    namespaced: spec['scope'] !== 'Cluster',
    shortNames: stringArray(names['shortNames']),
    categories: stringArray(names['categories']),
  };
}

/** English plural the way Kubernetes code generators guess it (Policy -> policies, Ingress -> ingresses). */
export function guessPlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** All resources of one cluster, looked up by the URL parts of a request or by an object's apiVersion + kind. */
export class ResourceCatalog {
  private readonly byGroupPlural = new Map<string, ApiResource>();
  private readonly byGroupKind = new Map<string, ApiResource>();

  add(resource: ApiResource): void {
    const key = `${resource.group}/${resource.plural}`;
    const existing = this.byGroupPlural.get(key);
    if (existing) {
      // Two sources for one resource (e.g. a CRD and inferred objects): serve the union of versions.
      existing.versions = [...new Set([...existing.versions, ...resource.versions])].sort(compareKubeVersions);
      return;
    }
    const copy = { ...resource, versions: [...resource.versions] };
    this.byGroupPlural.set(key, copy);
    this.byGroupKind.set(`${resource.group}/${resource.kind}`, copy);
  }

  byKind(group: string, kind: string): ApiResource | undefined {
    return this.byGroupKind.get(`${group}/${kind}`);
  }

  /** The resource served at /apis/{group}/{version}/{plural}, if that version is served. */
  lookup(group: string, version: string, plural: string): ApiResource | undefined {
    const resource = this.byGroupPlural.get(`${group}/${plural}`);
    return resource?.versions.includes(version) ? resource : undefined;
  }

  resources(): ApiResource[] {
    return [...this.byGroupPlural.values()];
  }

  /** Groups (core '' excluded) with their served versions, preferred first; sorted like a real server (built-ins first). */
  groups(): Array<{ name: string; versions: string[] }> {
    const versionsByGroup = new Map<string, Set<string>>();
    for (const resource of this.byGroupPlural.values()) {
      if (resource.group === '') continue;
      const versions = versionsByGroup.get(resource.group) ?? new Set<string>();
      for (const version of resource.versions) versions.add(version);
      versionsByGroup.set(resource.group, versions);
    }
    return [...versionsByGroup.entries()].map(([name, versions]) => ({
      name,
      versions: [...versions].sort(compareKubeVersions),
    }));
  }

  resourcesIn(group: string, version: string): ApiResource[] {
    return this.resources()
      .filter((r) => r.group === group && r.versions.includes(version))
      .sort((a, b) => a.plural.localeCompare(b.plural));
  }
}
