import type { KubeFedCluster } from '../../snapshot/schema.js';
import { at, conditionOf, metadataOf, str } from '../fields.js';
import type { Collector } from './collector.js';

/**
 * KubeFedClusters (core.kubefed.io/v1beta1): API endpoint and the Ready / Offline conditions
 * (credentials in them are redacted with the rest of the snapshot, see redactSnapshot.ts).
 */
export const kubefedCollector: Collector = {
  section: 'kubefed',
  async collect({ reader, source }, draft) {
    const resources = await reader.discover('core.kubefed.io/v1beta1');
    if (!resources?.some((r) => r.name === 'kubefedclusters')) return 'absent';
    draft.federation.kubefedInstalled = true;
    const path = '/apis/core.kubefed.io/v1beta1/kubefedclusters';
    const items = await source({ source: 'KubeFedClusters', request: `GET ${path}` }, () => reader.listAll(path));
    draft.federation.kubefedClusters = (items ?? []).map((item): KubeFedCluster => {
      const { namespace, name } = metadataOf(item);
      const ready = conditionOf(item, 'Ready');
      const offline = conditionOf(item, 'Offline');
      const readyStatus = ready?.['status'];
      const message = str(ready?.['message']) ?? str(offline?.['message']);
      return {
        namespace: namespace ?? '',
        name,
        apiEndpoint: str(at(item, 'spec', 'apiEndpoint')),
        ready: readyStatus === 'True' || readyStatus === 'False' ? readyStatus : 'Unknown',
        offline: offline?.['status'] === 'True',
        message,
      };
    });
    return 'ok';
  },
};
