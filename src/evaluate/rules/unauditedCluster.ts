import type { SectionName, Snapshot } from '../../snapshot/schema.js';
import { isInClusterServer, normalizeServerUrl } from '../endpoints.js';
import { type Check, type FleetRule, failed, passed } from '../rule.js';
import { isCollected, isOk, notCollectedCheck } from '../sections.js';

interface Target {
  name: string | null;
  server: string | null;
  referencedBy: string[];
}

/** Argo CD's default name for the cluster it runs in. */
const IN_CLUSTER_NAME = 'in-cluster';
const SOURCES: readonly SectionName[] = ['argocdClusters', 'argocdApplications', 'kubefed'];

/** Every cluster a snapshot's Argo CD or KubeFed manages or deploys to, the cluster itself excluded. */
function referencedClusters(snapshot: Snapshot): Target[] {
  const own = normalizeServerUrl(snapshot.meta.endpoint);
  const targets = new Map<string, Target>();
  const argoServers = new Map<string, string>();
  const add = (name: string | null, server: string | null, referencedBy: string): void => {
    if (server !== null && (isInClusterServer(server) || normalizeServerUrl(server) === own)) return;
    if (server === null && (name === null || name === IN_CLUSTER_NAME || name === snapshot.meta.cluster)) return;
    const key = server !== null ? normalizeServerUrl(server) : `name:${name}`;
    const target = targets.get(key) ?? { name, server, referencedBy: [] };
    target.name ??= name;
    target.referencedBy.push(referencedBy);
    targets.set(key, target);
  };
  if (isOk(snapshot, 'argocdClusters')) {
    for (const cluster of snapshot.gitops.clusters) {
      argoServers.set(cluster.name, cluster.server);
      add(cluster.name, cluster.server, `Argo CD cluster secret ${cluster.name}`);
    }
  }
  if (isOk(snapshot, 'argocdApplications')) {
    for (const app of snapshot.gitops.applications) {
      const { server, name } = app.destination;
      const resolved = server ?? (name !== null ? (argoServers.get(name) ?? null) : null);
      add(name, resolved, `Application ${app.namespace}/${app.name}`);
    }
  }
  if (isOk(snapshot, 'kubefed')) {
    for (const member of snapshot.federation.kubefedClusters) {
      add(member.name, member.apiEndpoint, `KubeFedCluster ${member.namespace}/${member.name}`);
    }
  }
  return [...targets.values()];
}

/**
 * One check per distinct cluster referenced by a cluster's Argo CD (cluster secrets, Application
 * destinations) or KubeFed, counted in the referencing cluster's score: passed when the target is
 * in the fleet, by name or by API server URL (normalised: case, default port, trailing slash).
 * In-cluster references (https://kubernetes.default.svc, "in-cluster") are the cluster itself.
 * One not-evaluated check per source section that was not collected.
 */
export const unauditedCluster: FleetRule = {
  id: 'UNAUDITED-CLUSTER',
  title: 'Managed cluster outside the audited fleet',
  scope: 'fleet',
  area: 'gitops',
  defaultSeverity: 'high',
  sections: ['argocdClusters', 'argocdApplications', 'kubefed'],
  rationale:
    'A cluster that receives deployments from the fleet but is not audited is a blind spot: its controls are never checked.',
  remediation: 'Add the cluster to the fleet file (with its API endpoint), or remove the stale cluster registration.',
  controls: { cis: null, nsa: null, soc2: ['CC6.1', 'CC4.1'] },
  evaluate({ snapshots, clusters }) {
    const names = new Set(clusters.map((cluster) => cluster.name));
    const servers = new Set(snapshots.map((snapshot) => normalizeServerUrl(snapshot.meta.endpoint)));
    const checks: Check[] = [];
    for (const snapshot of snapshots) {
      const cluster = snapshot.meta.cluster;
      if (snapshot.meta.status === 'unreachable') continue;
      for (const section of SOURCES) {
        if (isCollected(snapshot, section)) continue;
        checks.push({ ...notCollectedCheck(`Section/${section}`, 'not collected', snapshot, [section]), cluster });
      }
      for (const target of referencedClusters(snapshot)) {
        const label = target.name ?? target.server ?? 'unknown';
        const subject = `Cluster/${label}`;
        const known =
          (target.name !== null && names.has(target.name)) ||
          (target.server !== null && servers.has(normalizeServerUrl(target.server)));
        if (known) {
          checks.push({ ...passed(subject), cluster });
          continue;
        }
        const described = target.name && target.server ? `"${target.name}" (${target.server})` : `"${label}"`;
        checks.push({
          ...failed(subject, {
            resource: subject,
            message: `${cluster} manages or deploys to cluster ${described}, which is not in the fleet: referenced by ${target.referencedBy.join(', ')}`,
            evidence: { name: target.name, server: target.server, referencedBy: target.referencedBy },
          }),
          cluster,
        });
      }
    }
    return checks;
  },
};
