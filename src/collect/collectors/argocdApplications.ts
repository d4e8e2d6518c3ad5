import type { ArgoApplication } from '../../snapshot/schema.js';
import { at, bool, isoOrNull, isRecord, metadataOf, records, str } from '../fields.js';
import { argocdControllers } from './argocdControllers.js';
import type { Collector } from './collector.js';

/**
 * Argo CD Applications in any namespace: sync, health, last operation and the out-of-sync resources,
 * and the settings of the controllers that reconcile them (argocdControllers.ts).
 * Credentials written into URLs (the destination server, repository URLs quoted in operation
 * messages) are redacted with the rest of the snapshot (redactSnapshot.ts).
 */
export const argocdApplicationsCollector: Collector = {
  section: 'argocdApplications',
  async collect(context, draft) {
    const { reader, source } = context;
    const resources = await reader.discover('argoproj.io/v1alpha1');
    if (!resources?.some((r) => r.name === 'applications')) return 'absent';
    draft.gitops.installed = true;
    const path = '/apis/argoproj.io/v1alpha1/applications';
    const items = await source({ source: 'Argo CD Applications', request: `GET ${path}` }, () => reader.listAll(path));
    draft.gitops.applications = (items ?? []).map(applicationOf);
    // The settings serve the Applications: without them read, the section stays a failed read.
    if (items === null) return 'ok';
    const controllers = await argocdControllers(context);
    if (controllers !== null) draft.gitops.controllers = controllers;
    return 'ok';
  },
};

function applicationOf(item: Record<string, unknown>): ArgoApplication {
  const { namespace, name } = metadataOf(item);
  const automated = at(item, 'spec', 'syncPolicy', 'automated');
  const operation = at(item, 'status', 'operationState');
  return {
    namespace: namespace ?? '',
    name,
    project: str(at(item, 'spec', 'project')),
    destination: {
      server: str(at(item, 'spec', 'destination', 'server')),
      name: str(at(item, 'spec', 'destination', 'name')),
      namespace: str(at(item, 'spec', 'destination', 'namespace')),
    },
    syncStatus: str(at(item, 'status', 'sync', 'status')),
    revision: str(at(item, 'status', 'sync', 'revision')),
    health: str(at(item, 'status', 'health', 'status')),
    operation: isRecord(operation) ? { phase: str(operation['phase']), message: str(operation['message']) } : null,
    reconciledAt: isoOrNull(at(item, 'status', 'reconciledAt')),
    automated: {
      // Argo CD 3.x can switch automation off with `enabled: false` while keeping the block.
      enabled: isRecord(automated) && bool(automated['enabled']) !== false,
      prune: isRecord(automated) && bool(automated['prune']) === true,
      selfHeal: isRecord(automated) && bool(automated['selfHeal']) === true,
    },
    outOfSyncResources: records(at(item, 'status', 'resources'))
      .filter((r) => r['status'] === 'OutOfSync')
      .map((r) => ({
        group: str(r['group']) || null,
        kind: str(r['kind']) ?? '',
        namespace: str(r['namespace']) || null,
        name: str(r['name']) ?? '',
        status: str(r['status']) ?? '',
      })),
  };
}
