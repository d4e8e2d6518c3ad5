import type { IpPool } from '../../snapshot/schema.js';
import { at, bool, int, metadataOf, str } from '../fields.js';
import type { Collector } from './collector.js';

const POOL_APIS = [
  // The aggregated Calico API server serves the same pools as the CRDs: prefer it when both exist.
  { groupVersion: 'projectcalico.org/v3', apiGroup: 'projectcalico.org' },
  { groupVersion: 'crd.projectcalico.org/v1', apiGroup: 'crd.projectcalico.org' },
] as const;

/**
 * Calico IPPools from either API group (absent when neither is served). Each API is a source: the
 * aggregated API server being down leaves the pools read from the CRDs.
 */
export const ipPoolsCollector: Collector = {
  section: 'ipPools',
  async collect({ reader, source }, draft) {
    let served = false;
    const pools = new Map<string, IpPool>();
    for (const api of POOL_APIS) {
      const path = `/apis/${api.groupVersion}/ippools`;
      const items = await source({ source: `IPPools (${api.apiGroup})`, request: `GET ${path}` }, async () => {
        const resources = await reader.discover(api.groupVersion);
        if (!resources?.some((r) => r.name === 'ippools')) return null;
        served = true;
        return reader.listAll(path);
      });
      for (const item of items ?? []) {
        const name = metadataOf(item).name;
        if (pools.has(name)) continue;
        pools.set(name, {
          name,
          apiGroup: api.apiGroup,
          cidr: str(at(item, 'spec', 'cidr')) ?? '',
          ipipMode: str(at(item, 'spec', 'ipipMode')),
          vxlanMode: str(at(item, 'spec', 'vxlanMode')),
          natOutgoing: bool(at(item, 'spec', 'natOutgoing')) ?? false,
          disabled: bool(at(item, 'spec', 'disabled')) ?? false,
          blockSize: int(at(item, 'spec', 'blockSize')),
        });
      }
    }
    draft.network.ipPools = [...pools.values()].sort((a, b) => a.name.localeCompare(b.name));
    return served ? 'ok' : 'absent';
  },
};
