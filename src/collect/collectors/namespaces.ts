import { at, metadataOf, str, stringMap } from '../fields.js';
import type { Collector } from './collector.js';

/** Every Namespace: name, labels, phase. */
export const namespacesCollector: Collector = {
  section: 'namespaces',
  async collect(context, draft) {
    const items = await context.source({ source: 'Namespaces', request: 'GET /api/v1/namespaces' }, () =>
      context.namespaces(),
    );
    draft.namespaces = (items ?? []).map((item) => ({
      name: metadataOf(item).name,
      labels: stringMap(at(item, 'metadata', 'labels')),
      phase: str(at(item, 'status', 'phase')),
    }));
    return 'ok';
  },
};
