import { request } from 'node:https';
import { ApisApi, CoreV1Api, CustomObjectsApi, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { type RunningFleet, startSimulatedFleet } from '../../src/simulator/fleet.js';
import { apiFailure, crd, kubeConfigFor, namespace, secret } from './fixtures.js';

const NOW = new Date('2026-11-25T09:00:00Z');

const objects: Record<string, unknown>[] = [
  namespace('payments', { team: 'payments', tier: 'gold' }),
  namespace('web', { team: 'web' }),
  namespace('monitoring'),
  secret('payments', 'api-tls', { type: 'kubernetes.io/tls', labels: { app: 'api' } }),
  secret('payments', 'db', { labels: { app: 'db' } }),
  secret('payments', 'cache', { labels: { app: 'cache', tier: 'gold' } }),
  secret('web', 'frontend-tls', { type: 'kubernetes.io/tls', labels: { app: 'frontend' } }),
  secret('web', 'session', {}),
  secret('monitoring', 'grafana', { labels: { app: 'grafana' } }),
  secret('monitoring', 'alertmanager-tls', { type: 'kubernetes.io/tls' }),
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'web', name: 'settings' }, data: { a: 'b' } },
  crd('argoproj.io', 'applications', 'Application', 'Namespaced', ['v1alpha1']),
  {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      namespace: 'argocd',
      name: 'payments-api',
      uid: 'fixed-uid',
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    status: { sync: { status: 'OutOfSync' } },
  },
  // No CRD for this one: the simulator infers a cluster-scoped resource from the objects.
  {
    apiVersion: 'crd.projectcalico.org/v1',
    kind: 'IPPool',
    metadata: { name: 'inter-cluster-pool' },
    spec: { cidr: '192.168.0.0/16' },
  },
];

let fleet: RunningFleet;
let core: CoreV1Api;
let custom: CustomObjectsApi;

beforeAll(async () => {
  fleet = await startSimulatedFleet(
    [{ name: 'alpha', objects, config: { kubernetesVersion: 'v1.33.2', forbidden: ['configmaps'] } }],
    { now: NOW },
  );
  const kc = kubeConfigFor(fleet.clusters[0]!);
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});

afterAll(async () => {
  await fleet.stop();
});

/** A raw HTTPS GET against one cluster, trusting its CA. */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ code: number; body: string; headers: Record<string, unknown> }> {
  const cluster = fleet.clusters[0]!;
  return new Promise((resolve, reject) => {
    const req = request(`${cluster.server}${path}`, { ca: cluster.caPem, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('discovery', () => {
  it('reports the configured Kubernetes version', async () => {
    const version = await kubeConfigFor(fleet.clusters[0]!).makeApiClient(VersionApi).getCode();
    expect({ gitVersion: version.gitVersion, major: version.major, minor: version.minor }).toEqual({
      gitVersion: 'v1.33.2',
      major: '1',
      minor: '33',
    });
  });

  it('lists built-in groups, CRD-defined groups and groups of loaded objects', async () => {
    const groups = await kubeConfigFor(fleet.clusters[0]!).makeApiClient(ApisApi).getAPIVersions();
    const names = groups.groups.map((g) => g.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'apps',
        'networking.k8s.io',
        'apiextensions.k8s.io',
        'argoproj.io',
        'crd.projectcalico.org',
      ]),
    );
    const argo = groups.groups.find((g) => g.name === 'argoproj.io');
    expect(argo?.preferredVersion).toEqual({ groupVersion: 'argoproj.io/v1alpha1', version: 'v1alpha1' });
  });

  it('describes the resources of a group version with scope, kind and verbs', async () => {
    const argo = await custom.getAPIResources({ group: 'argoproj.io', version: 'v1alpha1' });
    expect(argo.resources).toEqual([
      {
        name: 'applications',
        singularName: 'application',
        namespaced: true,
        kind: 'Application',
        verbs: ['get', 'list'],
      },
    ]);
    const calico = await custom.getAPIResources({ group: 'crd.projectcalico.org', version: 'v1' });
    expect(calico.resources.map((r) => [r.name, r.namespaced, r.kind])).toEqual([['ippools', false, 'IPPool']]);
    const coreResources = await core.getAPIResources();
    expect(coreResources.resources.find((r) => r.name === 'secrets')).toMatchObject({
      namespaced: true,
      kind: 'Secret',
    });
    expect(coreResources.resources.find((r) => r.name === 'namespaces')).toMatchObject({
      namespaced: false,
      shortNames: ['ns'],
    });
  });

  it('answers 404 for a group that is neither built in nor defined', async () => {
    const failure = await apiFailure(custom.getAPIResources({ group: 'kyverno.io', version: 'v1' }));
    expect(failure.code).toBe(404);
    const group = await rawGet('/apis/kyverno.io', { Authorization: `Bearer ${fleet.clusters[0]!.token}` });
    expect(group.code).toBe(404);
    expect(JSON.parse(group.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });

  it('answers 404 for the OpenAPI documents, which kubectl get does not need', async () => {
    const openapi = await rawGet('/openapi/v3', { Authorization: `Bearer ${fleet.clusters[0]!.token}` });
    expect(openapi.code).toBe(404);
  });
});

describe('lists and gets', () => {
  it('pages a cluster-wide list with limit and continue in namespace/name order', async () => {
    const first = await core.listSecretForAllNamespaces({ limit: 3 });
    expect(first.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`)).toEqual([
      'monitoring/alertmanager-tls',
      'monitoring/grafana',
      'payments/api-tls',
    ]);
    expect(first.metadata?.remainingItemCount).toBe(4);
    expect(first.metadata?._continue).toEqual(expect.any(String));
    const names: string[] = first.items.map((s) => s.metadata?.name ?? '');
    let token = first.metadata?._continue;
    while (token) {
      const page = await core.listSecretForAllNamespaces({ limit: 3, _continue: token });
      names.push(...page.items.map((s) => s.metadata?.name ?? ''));
      token = page.metadata?._continue;
    }
    expect(names).toEqual(['alertmanager-tls', 'grafana', 'api-tls', 'cache', 'db', 'frontend-tls', 'session']);
  });

  it('pages a namespaced list and ends without a continue token', async () => {
    const first = await core.listNamespacedSecret({ namespace: 'payments', limit: 2 });
    expect(first.items.map((s) => s.metadata?.name)).toEqual(['api-tls', 'cache']);
    const second = await core.listNamespacedSecret({
      namespace: 'payments',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map((s) => s.metadata?.name)).toEqual(['db']);
    expect(second.metadata?._continue).toBeUndefined();
    expect(second.metadata?.resourceVersion).toEqual(first.metadata?.resourceVersion);
  });

  it.each([['-1'], ['0']])(
    'lists everything for limit=%s, as the etcd3 store only pages a limit above 0',
    async (limit) => {
      const answer = await rawGet(`/api/v1/secrets?limit=${limit}`, {
        Authorization: `Bearer ${fleet.clusters[0]!.token}`,
      });

      expect(answer.code).toBe(200);
      const list = JSON.parse(answer.body) as { items: unknown[]; metadata: Record<string, unknown> };
      expect(list.items).toHaveLength(7);
      expect(list.metadata['continue']).toBeUndefined();
    },
  );

  it('answers 400 BadRequest for a limit that is not an integer', async () => {
    const answer = await rawGet('/api/v1/secrets?limit=2abc', { Authorization: `Bearer ${fleet.clusters[0]!.token}` });

    expect(answer.code).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ reason: 'BadRequest', message: 'invalid limit: 2abc' });
  });

  it('answers 410 Expired for a forged continue token', async () => {
    const failure = await apiFailure(
      core.listSecretForAllNamespaces({ limit: 2, _continue: 'eyJmb3JnZWQiOnRydWV9.bm90LXNpZ25lZA' }),
    );
    expect(failure.code).toBe(410);
    expect(failure.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
  });

  it('answers 410 Expired for a token issued for another list', async () => {
    const page = await core.listNamespacedSecret({ namespace: 'payments', limit: 1 });
    const failure = await apiFailure(
      core.listNamespacedSecret({ namespace: 'web', limit: 1, _continue: page.metadata?._continue }),
    );
    expect(failure.code).toBe(410);
  });

  it.each([
    ['app=db', ['db']],
    ['app==db', ['db']],
    ['app!=db', ['alertmanager-tls', 'grafana', 'api-tls', 'cache', 'frontend-tls', 'session']],
    ['app in (api, frontend)', ['api-tls', 'frontend-tls']],
    ['app notin (api,frontend,grafana)', ['alertmanager-tls', 'cache', 'db', 'session']],
    ['tier', ['cache']],
    ['!app', ['alertmanager-tls', 'session']],
    ['app,tier=gold', ['cache']],
  ])('filters by the label selector %s', async (labelSelector, expected) => {
    const list = await core.listSecretForAllNamespaces({ labelSelector });
    expect(list.items.map((s) => s.metadata?.name)).toEqual(expected);
  });

  it('answers 400 BadRequest for a label selector that does not parse', async () => {
    const failure = await apiFailure(core.listSecretForAllNamespaces({ labelSelector: 'app in (a' }));
    expect(failure.code).toBe(400);
    expect(failure.body).toMatchObject({ reason: 'BadRequest' });
  });

  it('filters Secrets by the field selectors type, metadata.name and metadata.namespace', async () => {
    const tls = await core.listSecretForAllNamespaces({ fieldSelector: 'type=kubernetes.io/tls' });
    expect(tls.items.map((s) => s.metadata?.name)).toEqual(['alertmanager-tls', 'api-tls', 'frontend-tls']);
    const notWeb = await core.listSecretForAllNamespaces({
      fieldSelector: 'type=kubernetes.io/tls,metadata.namespace!=web',
    });
    expect(notWeb.items.map((s) => s.metadata?.name)).toEqual(['alertmanager-tls', 'api-tls']);
    const byName = await core.listNamespacedSecret({ namespace: 'payments', fieldSelector: 'metadata.name=db' });
    expect(byName.items.map((s) => s.metadata?.name)).toEqual(['db']);
  });

  it('pages a filtered list, returning only matches on every page', async () => {
    const first = await core.listSecretForAllNamespaces({ fieldSelector: 'type=kubernetes.io/tls', limit: 2 });
    expect(first.items.map((s) => s.metadata?.name)).toEqual(['alertmanager-tls', 'api-tls']);
    const second = await core.listSecretForAllNamespaces({
      fieldSelector: 'type=kubernetes.io/tls',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map((s) => s.metadata?.name)).toEqual(['frontend-tls']);
    expect(second.metadata?._continue).toBeUndefined();
  });

  it('keeps loaded fields, status included, and fills in uid, resourceVersion and creationTimestamp', async () => {
    const ns = await core.readNamespace({ name: 'payments' });
    expect(ns.metadata?.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ns.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(ns.metadata?.creationTimestamp).toEqual(NOW);
    const app = await custom.getNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'argocd',
      plural: 'applications',
      name: 'payments-api',
    });
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { uid: 'fixed-uid', creationTimestamp: '2025-01-01T00:00:00Z' },
      status: { sync: { status: 'OutOfSync' } },
    });
  });

  it('creates the namespaces objects refer to but the files do not define', async () => {
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(['argocd', 'monitoring', 'payments', 'web']);
  });

  it('lists custom resources cluster-wide, per namespace and cluster-scoped', async () => {
    const all = await custom.listCustomObjectForAllNamespaces({
      group: 'argoproj.io',
      version: 'v1alpha1',
      resourcePlural: 'applications',
    });
    expect(all.items.map((a: { metadata: { name: string } }) => a.metadata.name)).toEqual(['payments-api']);
    expect(all).toMatchObject({ kind: 'ApplicationList', apiVersion: 'argoproj.io/v1alpha1' });
    const none = await custom.listNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'web',
      plural: 'applications',
    });
    expect(none.items).toEqual([]);
    const pools = await custom.listClusterCustomObject({
      group: 'crd.projectcalico.org',
      version: 'v1',
      plural: 'ippools',
    });
    expect(pools.items.map((p: { spec: { cidr: string } }) => p.spec.cidr)).toEqual(['192.168.0.0/16']);
  });

  it('answers 404 NotFound with details for a missing object', async () => {
    const failure = await apiFailure(core.readNamespacedSecret({ namespace: 'payments', name: 'nope' }));
    expect(failure.code).toBe(404);
    expect(failure.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'secrets' },
      code: 404,
    });
  });
});

describe('refusals', () => {
  it('answers 401 Unauthorized without a bearer token', async () => {
    const response = await rawGet('/api/v1/namespaces');
    expect(response.code).toBe(401);
    expect(JSON.parse(response.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('answers 401 Unauthorized to a wrong bearer token', async () => {
    const wrong = kubeConfigFor({ ...fleet.clusters[0]!, token: 'not-the-token' }).makeApiClient(CoreV1Api);
    const failure = await apiFailure(wrong.listNamespace());
    expect(failure.code).toBe(401);
  });

  it('answers 403 Forbidden for a forbidden resource, naming user, verb, resource and scope', async () => {
    const list = await apiFailure(core.listNamespacedConfigMap({ namespace: 'web' }));
    expect(list.code).toBe(403);
    expect(list.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'configmaps is forbidden: User "system:serviceaccount:fleetledger:fleetledger-reader" cannot list resource "configmaps" in API group "" in the namespace "web"',
      reason: 'Forbidden',
      details: { kind: 'configmaps' },
      code: 403,
    });
    const get = await apiFailure(core.readNamespacedConfigMap({ namespace: 'web', name: 'settings' }));
    expect(get.code).toBe(403);
    expect(get.body['details']).toEqual({ name: 'settings', kind: 'configmaps' });
  });
});

describe('the kubeconfig', () => {
  it('has one context per cluster that client-node loads and uses', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(fleet.kubeconfigPath);
    expect(kc.getContexts().map((c) => c.name)).toEqual(['alpha']);
    kc.setCurrentContext('alpha');
    const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items).toHaveLength(4);
  });
});
