/**
 * Cluster configuration kept in kube-system: the kubeadm-config ConfigMap and the flags of the
 * control plane's static pods. Shared by the service range and CNI collectors.
 */
import { parse } from 'yaml';
import { at, isRecord, records, str, strings } from '../fields.js';
import { KubeReadError, type KubeReader } from '../kube.js';
import type { SourceSpec } from '../sources.js';

/** The kubeadm-config ConfigMap, as a source of the network sections. */
export const KUBEADM_CONFIG_SOURCE: SourceSpec = {
  source: 'ConfigMap kube-system/kubeadm-config',
  request: 'GET /api/v1/namespaces/kube-system/configmaps/kubeadm-config',
};

/** A ConfigMap as a source. */
export function configMapSource(namespace: string, name: string): SourceSpec {
  return {
    source: `ConfigMap ${namespace}/${name}`,
    request: `GET /api/v1/namespaces/${namespace}/configmaps/${name}`,
  };
}

/**
 * A control plane flag as a source: a last resort (the static pods are only visible on
 * self-managed control planes, and the example reader role does not grant `pods`).
 */
export function controlPlaneFlagSource(component: string, flag: string): SourceSpec {
  return {
    source: `${component} flag --${flag}`,
    request: `GET /api/v1/namespaces/kube-system/pods?labelSelector=component=${component}`,
    bestEffort: true,
  };
}

/** A ConfigMap's data, or null when it does not exist (404). */
export async function readConfigMapData(
  reader: KubeReader,
  namespace: string,
  name: string,
): Promise<Record<string, string> | null> {
  try {
    const document = await reader.getJson(`/api/v1/namespaces/${namespace}/configmaps/${name}`);
    const data = at(document, 'data');
    const out: Record<string, string> = {};
    if (isRecord(data)) for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch (error) {
    if (error instanceof KubeReadError && error.httpStatus === 404) return null;
    throw error;
  }
}

/** `networking` of kubeadm's ClusterConfiguration (kube-system/kubeadm-config), or null. */
export async function readKubeadmNetworking(
  reader: KubeReader,
): Promise<{ podSubnet: string | null; serviceSubnet: string | null } | null> {
  const data = await readConfigMapData(reader, 'kube-system', 'kubeadm-config');
  const text = data?.['ClusterConfiguration'];
  if (!text) return null;
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    return null;
  }
  return {
    podSubnet: str(at(parsed, 'networking', 'podSubnet')),
    serviceSubnet: str(at(parsed, 'networking', 'serviceSubnet')),
  };
}

/** Values of `--flag=value` in the command and args of a control plane static pod (label component=<component>). */
export async function readControlPlaneFlag(reader: KubeReader, component: string, flag: string): Promise<string[]> {
  const pods = await reader.listAll('/api/v1/namespaces/kube-system/pods', { labelSelector: `component=${component}` });
  const prefix = `--${flag}=`;
  return pods.flatMap((pod) =>
    records(at(pod, 'spec', 'containers')).flatMap((container) =>
      [...strings(container['command']), ...strings(container['args'])]
        .filter((arg) => arg.startsWith(prefix))
        .map((arg) => arg.slice(prefix.length)),
    ),
  );
}

/** `10.0.0.0/16,fd00::/108` -> both ranges. */
export function splitRanges(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
