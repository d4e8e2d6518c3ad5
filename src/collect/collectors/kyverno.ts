import { at, conditionOf, metadataOf, num, str } from '../fields.js';
import type { KubeReader } from '../kube.js';
import type { Collector, SnapshotDraft } from './collector.js';

type Reports = SnapshotDraft['policies']['kyverno']['reports'];

/** Report APIs, newest last: Kyverno 1.15+ may write openreports.io instead of wgpolicyk8s.io. */
const REPORT_APIS = [
  { groupVersion: 'wgpolicyk8s.io/v1alpha2', namespaced: 'policyreports', cluster: 'clusterpolicyreports' },
  { groupVersion: 'openreports.io/v1alpha1', namespaced: 'reports', cluster: 'clusterreports' },
] as const;
/** Report kinds as sources are named. */
const REPORT_KINDS: Readonly<Record<string, string>> = {
  policyreports: 'PolicyReports',
  clusterpolicyreports: 'ClusterPolicyReports',
  reports: 'Reports',
  clusterreports: 'ClusterReports',
};

/**
 * Kyverno ClusterPolicies and Policies, and the summaries of policy reports from either report
 * API. Absent when neither Kyverno nor a report API is served. Each list is a source of its own
 * (a report API's discovery with it): the policies stay when the reports cannot be read.
 */
export const kyvernoCollector: Collector = {
  section: 'kyverno',
  async collect({ reader, source }, draft) {
    const kyverno = draft.policies.kyverno;
    // Whether Kyverno is installed is the section's first fact: when that cannot be told, nothing can.
    const served = await reader.discover('kyverno.io/v1');
    if (served !== null) {
      kyverno.installed = true;
      for (const resource of ['clusterpolicies', 'policies'] as const) {
        if (!served.some((r) => r.name === resource)) continue;
        const path = `/apis/kyverno.io/v1/${resource}`;
        const kind = resource === 'clusterpolicies' ? ('ClusterPolicy' as const) : ('Policy' as const);
        const items = await source(
          { source: `Kyverno ${kind === 'Policy' ? 'Policies' : 'ClusterPolicies'}`, request: `GET ${path}` },
          () => reader.listAll(path),
        );
        kyverno.policies.push(
          ...(items ?? []).map((item) => {
            const { namespace, name } = metadataOf(item);
            return {
              kind,
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
      for (const resource of [api.namespaced, api.cluster]) {
        const clusterScoped = resource === api.cluster;
        const path = `/apis/${api.groupVersion}/${resource}`;
        const summaries = await source(
          { source: `${REPORT_KINDS[resource]} (${apiGroupOf(api)})`, request: `GET ${path}` },
          async () => {
            const resources = await reader.discover(api.groupVersion);
            if (resources === null) return null;
            reportsServed = true;
            if (!resources.some((r) => r.name === resource)) return null;
            return reportSummaries(reader, path, apiGroupOf(api), clusterScoped);
          },
        );
        kyverno.reports.push(...(summaries ?? []));
      }
    }
    return served !== null || reportsServed ? 'ok' : 'absent';
  },
};

function apiGroupOf(api: (typeof REPORT_APIS)[number]): string {
  return api.groupVersion.split('/')[0] ?? '';
}

function readiness(item: Record<string, unknown>): boolean | null {
  const ready = conditionOf(item, 'Ready');
  if (ready) return ready['status'] === 'True';
  const flag = at(item, 'status', 'ready');
  return typeof flag === 'boolean' ? flag : null;
}

function reportSummaries(reader: KubeReader, path: string, apiGroup: string, clusterScoped: boolean): Promise<Reports> {
  return reader.reduceList(
    path,
    {},
    () => [] as Reports,
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
