/**
 * Comparing Kubernetes API server URLs written by different tools (fleet file, Argo CD cluster
 * secrets, KubeFed): lower-case scheme and host, default ports and trailing slashes dropped.
 */

/** The address a workload uses for the API server of its own cluster. */
export const IN_CLUSTER_SERVERS: readonly string[] = [
  'https://kubernetes.default.svc',
  'https://kubernetes.default.svc.cluster.local',
  'https://kubernetes.default',
  'https://kubernetes',
];

export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim();
  try {
    const parsed = new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`);
    // URL drops the port when it is the scheme's default (443 for https, 80 for http).
    const host = parsed.host.toLowerCase();
    const path = parsed.pathname.replace(/\/+$/, '');
    return `${parsed.protocol}//${host}${path}`;
  } catch {
    return trimmed.replace(/\/+$/, '').toLowerCase();
  }
}

export function isInClusterServer(url: string): boolean {
  const normalized = normalizeServerUrl(url);
  return IN_CLUSTER_SERVERS.some((server) => normalizeServerUrl(server) === normalized);
}
