import type { QuotaResource } from '../../snapshot/schema.js';
import { at, metadataOf, stringMap } from '../fields.js';
import { parseQuantity } from '../quantity.js';
import type { Collector } from './collector.js';

/**
 * Every ResourceQuota with its hard and used amounts, as written and parsed (cores, bytes,
 * counts). `status.hard` is what the controller enforces; `spec.hard` stands in until it reconciled.
 */
export const resourceQuotasCollector: Collector = {
  section: 'resourceQuotas',
  async collect(context, draft) {
    const items = await context.source({ source: 'ResourceQuotas', request: 'GET /api/v1/resourcequotas' }, () =>
      context.reader.listAll('/api/v1/resourcequotas'),
    );
    draft.quotas.resourceQuotas = (items ?? []).map((item) => {
      const { namespace, name } = metadataOf(item);
      const hard = { ...stringMap(at(item, 'spec', 'hard')), ...stringMap(at(item, 'status', 'hard')) };
      const used = stringMap(at(item, 'status', 'used'));
      const resources: QuotaResource[] = Object.keys(hard)
        .sort()
        .map((resource) => {
          const hardText = hard[resource] ?? '';
          const usedText = used[resource] ?? null;
          return {
            resource,
            hard: hardText,
            used: usedText,
            hardValue: parseQuantity(hardText),
            usedValue: usedText === null ? null : parseQuantity(usedText),
          };
        });
      return { namespace: namespace ?? '', name, resources };
    });
    return 'ok';
  },
};
