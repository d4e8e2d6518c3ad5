import { withoutUrlCredentials } from '../../core/urls.js';
import { at, metadataOf } from '../fields.js';
import { decodeBase64 } from '../x509.js';
import type { Collector } from './collector.js';

export const ARGOCD_CLUSTER_SECRET_SELECTOR = 'argocd.argoproj.io/secret-type=cluster';

/**
 * The clusters Argo CD manages, from its cluster Secrets: `name` and `server` only. The `config`
 * key holds the credentials Argo CD uses: it is never decoded or kept, and a user name or password
 * written into the server URL is removed.
 */
export const argocdClustersCollector: Collector = {
  section: 'argocdClusters',
  async collect({ reader }, draft) {
    draft.gitops.clusters = await reader.reduceList(
      '/api/v1/secrets',
      { labelSelector: ARGOCD_CLUSTER_SECRET_SELECTOR },
      () => [] as { name: string; server: string }[],
      (acc, secret) => {
        const server = withoutUrlCredentials(decodeBase64(at(secret, 'data', 'server')));
        const name = decodeBase64(at(secret, 'data', 'name')) || metadataOf(secret).name;
        if (server) acc.push({ name, server });
      },
    );
    return 'ok';
  },
};
