import { ApiException, KubeConfig } from '@kubernetes/client-node';
import type { RunningCluster } from '../../src/simulator/fleet.js';

/** Small builders for simulated-cluster objects. */
export function namespace(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function secret(
  ns: string,
  name: string,
  options: { type?: string; labels?: Record<string, string> } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace: ns, name, labels: options.labels ?? {} },
    type: options.type ?? 'Opaque',
    data: { password: Buffer.from(`FAKE-${name}`).toString('base64') },
  };
}

export function crd(group: string, plural: string, kind: string, scope: 'Namespaced' | 'Cluster', versions: string[]) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: versions.map((name, i) => ({ name, served: true, storage: i === 0 })),
    },
  };
}

/** A KubeConfig for one running cluster, built from endpoint + CA + token as fleetledger does. */
export function kubeConfigFor(cluster: RunningCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: cluster.name,
      server: cluster.server,
      caData: Buffer.from(cluster.caPem).toString('base64'),
      skipTLSVerify: false,
    },
    { name: cluster.name, token: cluster.token },
  );
  return kc;
}

/** The error a client-node call failed with, with its Status body parsed. */
export async function apiFailure(
  call: Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      const body =
        typeof error.body === 'string'
          ? (JSON.parse(error.body) as Record<string, unknown>)
          : (error.body as Record<string, unknown>);
      return { code: error.code, body, headers: error.headers };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}
