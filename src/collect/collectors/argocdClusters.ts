import { at, metadataOf } from '../fields.js';
import { decodeBase64 } from '../x509.js';
import type { Collector } from './collector.js';

export const ARGOCD_CLUSTER_SECRET_SELECTOR = 'argocd.argoproj.io/secret-type=cluster';

/**
 * The clusters Argo CD manages, from its cluster Secrets: `name` and `server` only. The `config`
 * key holds the credentials Argo CD uses: it is never decoded or kept; credentials written into
 * the server URL (user-info, `?token=`) are redacted with the rest of the snapshot
 * (redactSnapshot.ts). Absent where Argo CD is not installed (its API is not served): no Secret is
 * read there.
 */
export const argocdClustersCollector: Collector = {
  section: 'argocdClusters',
  async collect({ reader, source }, draft) {
    const resources = await reader.discover('argoproj.io/v1alpha1');
    if (!resources?.some((r) => r.name === 'applications')) return 'absent';
    const clusters = await source(
      {
        source: 'Argo CD cluster Secrets',
        request: `GET /api/v1/secrets?labelSelector=${ARGOCD_CLUSTER_SECRET_SELECTOR}`,
        secret: true,
      },
      () =>
        reader.reduceList(
          '/api/v1/secrets',
          { labelSelector: ARGOCD_CLUSTER_SECRET_SELECTOR },
          () => [] as { name: string; server: string }[],
          (acc, secret) => {
            const server = decodeBase64(at(secret, 'data', 'server'));
            const name = decodeBase64(at(secret, 'data', 'name')) || metadataOf(secret).name;
            if (server) acc.push({ name, server });
          },
        ),
    );
    draft.gitops.clusters = clusters ?? [];
    return 'ok';
  },
};
