import { withoutCredentialsInUrls, withoutUrlCredentials } from '../../core/urls.js';
import type { KubeFedCluster } from '../../snapshot/schema.js';
import { at, conditionOf, metadataOf, str } from '../fields.js';
import type { Collector } from './collector.js';

/** KubeFedClusters (core.kubefed.io/v1beta1): API endpoint (without user-info) and the Ready / Offline conditions. */
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
      const apiEndpoint = str(at(item, 'spec', 'apiEndpoint'));
      const message = str(ready?.['message']) ?? str(offline?.['message']);
      return {
        namespace: namespace ?? '',
        name,
        apiEndpoint: apiEndpoint === null ? null : withoutUrlCredentials(apiEndpoint),
        ready: readyStatus === 'True' || readyStatus === 'False' ? readyStatus : 'Unknown',
        offline: offline?.['status'] === 'True',
        message: message === null ? null : withoutCredentialsInUrls(message),
      };
    });
    return 'ok';
  },
};
