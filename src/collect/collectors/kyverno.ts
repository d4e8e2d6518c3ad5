import { at, conditionOf, metadataOf, num, str } from '../fields.js';
import type { KubeReader } from '../kube.js';
import type { Collector, SnapshotDraft } from './collector.js';

type Reports = SnapshotDraft['policies']['kyverno']['reports'];

/** Report APIs, newest last: Kyverno 1.15+ may write openreports.io instead of wgpolicyk8s.io. */
const REPORT_APIS = [
  { groupVersion: 'wgpolicyk8s.io/v1alpha2', namespaced: 'policyreports', cluster: 'clusterpolicyreports' },
  { groupVersion: 'openreports.io/v1alpha1', namespaced: 'reports', cluster: 'clusterreports' },
] as const;

/**
 * Kyverno ClusterPolicies and Policies, and the summaries of policy reports from either report
 * API. Absent when neither Kyverno nor a report API is served.
 */
export const kyvernoCollector: Collector = {
  section: 'kyverno',
  async collect({ reader }, draft) {
    const kyverno = draft.policies.kyverno;
    const served = await reader.discover('kyverno.io/v1');
    if (served !== null) {
      kyverno.installed = true;
      for (const resource of ['clusterpolicies', 'policies'] as const) {
        if (!served.some((r) => r.name === resource)) continue;
        const items = await reader.listAll(`/apis/kyverno.io/v1/${resource}`);
        kyverno.policies.push(
          ...items.map((item) => {
            const { namespace, name } = metadataOf(item);
            return {
              kind: resource === 'clusterpolicies' ? ('ClusterPolicy' as const) : ('Policy' as const),
              ...(resource === 'policies' && namespace ? { namespace } : {}),
              name,
              validationFailureAction: str(at(item, 'spec', 'validationFailureAction')),
              ready: readiness(item),
            };
          }),
        );
      }
    }
    let reportsServed = false;
    for (const api of REPORT_APIS) {
      if (await collectReports(reader, api, kyverno.reports)) reportsServed = true;
    }
    return served !== null || reportsServed ? 'ok' : 'absent';
  },
};

function readiness(item: Record<string, unknown>): boolean | null {
  const ready = conditionOf(item, 'Ready');
  if (ready) return ready['status'] === 'True';
  const flag = at(item, 'status', 'ready');
  return typeof flag === 'boolean' ? flag : null;
}

async function collectReports(reader: KubeReader, api: (typeof REPORT_APIS)[number], out: Reports): Promise<boolean> {
  const served = await reader.discover(api.groupVersion);
  if (served === null) return false;
  const apiGroup = api.groupVersion.split('/')[0] ?? '';
  for (const resource of [api.namespaced, api.cluster]) {
    if (!served.some((r) => r.name === resource)) continue;
    const clusterScoped = resource === api.cluster;
    await reader.reduceList(
      `/apis/${api.groupVersion}/${resource}`,
      {},
      () => out,
      (acc, item) => {
        const { namespace, name } = metadataOf(item);
        const count = (key: string) => num(at(item, 'summary', key)) ?? 0;
        acc.push({
          apiGroup,
          kind: clusterScoped ? 'ClusterPolicyReport' : 'PolicyReport',
          ...(!clusterScoped && namespace ? { namespace } : {}),
          name,
          summary: {
            pass: count('pass'),
            fail: count('fail'),
            warn: count('warn'),
            error: count('error'),
            skip: count('skip'),
          },
        });
      },
    );
  }
  return true;
}
