import { at, metadataOf, records, str, stringMap } from '../fields.js';
import type { Collector } from './collector.js';

/** Every LimitRange: per limit type its default, defaultRequest, min and max. */
export const limitRangesCollector: Collector = {
  section: 'limitRanges',
  async collect(context, draft) {
    const items = await context.source({ source: 'LimitRanges', request: 'GET /api/v1/limitranges' }, () =>
      context.reader.listAll('/api/v1/limitranges'),
    );
    draft.quotas.limitRanges = (items ?? []).map((item) => {
      const { namespace, name } = metadataOf(item);
      return {
        namespace: namespace ?? '',
        name,
        limits: records(at(item, 'spec', 'limits')).map((limit) => ({
          type: str(limit['type']) ?? '',
          default: stringMap(limit['default']),
          defaultRequest: stringMap(limit['defaultRequest']),
          min: stringMap(limit['min']),
          max: stringMap(limit['max']),
        })),
      };
    });
    return 'ok';
  },
};
