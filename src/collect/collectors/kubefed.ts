import type { KubeFedCluster } from '../../snapshot/schema.js';
import { at, conditionOf, metadataOf, str } from '../fields.js';
import type { Collector } from './collector.js';

/** KubeFedClusters (core.kubefed.io/v1beta1): API endpoint and the Ready / Offline conditions. */
export const kubefedCollector: Collector = {
  section: 'kubefed',
  async collect({ reader }, draft) {
    const resources = await reader.discover('core.kubefed.io/v1beta1');
    if (!resources?.some((r) => r.name === 'kubefedclusters')) return 'absent';
    draft.federation.kubefedInstalled = true;
    const items = await reader.listAll('/apis/core.kubefed.io/v1beta1/kubefedclusters');
    draft.federation.kubefedClusters = items.map((item): KubeFedCluster => {
      const { namespace, name } = metadataOf(item);
      const ready = conditionOf(item, 'Ready');
      const offline = conditionOf(item, 'Offline');
      const readyStatus = ready?.['status'];
      return {
        namespace: namespace ?? '',
        name,
        apiEndpoint: str(at(item, 'spec', 'apiEndpoint')),
        ready: readyStatus === 'True' || readyStatus === 'False' ? readyStatus : 'Unknown',
        offline: offline?.['status'] === 'True',
        message: str(ready?.['message']) ?? str(offline?.['message']),
      };
    });
    return 'ok';
  },
};
