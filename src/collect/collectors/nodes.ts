import { at, metadataOf, str, strings } from '../fields.js';
import type { Collector } from './collector.js';

/** Pod CIDRs per node (`spec.podCIDRs`, else `spec.podCIDR`; empty with cloud CNIs). */
export const nodesCollector: Collector = {
  section: 'nodes',
  async collect({ reader, source }, draft) {
    const nodes = await source({ source: 'Nodes', request: 'GET /api/v1/nodes' }, () =>
      reader.reduceList(
        '/api/v1/nodes',
        {},
        () => [] as { name: string; podCIDRs: string[] }[],
        (acc, item) => {
          const list = strings(at(item, 'spec', 'podCIDRs'));
          const single = str(at(item, 'spec', 'podCIDR'));
          acc.push({ name: metadataOf(item).name, podCIDRs: list.length > 0 ? list : single ? [single] : [] });
        },
      ),
    );
    draft.network.nodes = nodes ?? [];
    return 'ok';
  },
};
