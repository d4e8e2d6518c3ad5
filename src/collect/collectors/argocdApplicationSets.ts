import { at, metadataOf, records, str } from '../fields.js';
import type { Collector } from './collector.js';

/** Argo CD ApplicationSets and their conditions (absent when the resource is not served). */
export const argocdApplicationSetsCollector: Collector = {
  section: 'argocdApplicationSets',
  async collect({ reader, source }, draft) {
    const resources = await reader.discover('argoproj.io/v1alpha1');
    if (!resources?.some((r) => r.name === 'applicationsets')) return 'absent';
    const path = '/apis/argoproj.io/v1alpha1/applicationsets';
    const items = await source({ source: 'Argo CD ApplicationSets', request: `GET ${path}` }, () =>
      reader.listAll(path),
    );
    draft.gitops.applicationSets = (items ?? []).map((item) => {
      const { namespace, name } = metadataOf(item);
      return {
        namespace: namespace ?? '',
        name,
        conditions: records(at(item, 'status', 'conditions')).map((c) => ({
          type: str(c['type']) ?? '',
          status: str(c['status']) ?? '',
          reason: str(c['reason']),
          // Generator errors quote repository URLs, credentials included: redacted with the rest of the snapshot.
          message: str(c['message']),
        })),
      };
    });
    return 'ok';
  },
};
