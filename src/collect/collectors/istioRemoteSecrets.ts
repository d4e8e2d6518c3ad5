import { parseDocument } from 'yaml';
import type { IstioRemote } from '../../snapshot/schema.js';
import { at, isRecord, metadataOf, records, str } from '../fields.js';
import { decodeBase64 } from '../x509.js';
import type { Collector } from './collector.js';
import { ISTIO_ROOT_NAMESPACE } from './istio.js';

export const ISTIO_REMOTE_SECRET_SELECTOR = 'istio/multiCluster=true';

/**
 * The API servers a remote secret's kubeconfig names: `clusters[].cluster.server` (a user name and
 * password in it are redacted with the rest of the snapshot), and nothing else of it (it holds the
 * token Istio reads the remote with).
 * Unreadable text gives none, and no parse error is kept: it could quote the token.
 */
function kubeconfigServers(text: string): string[] {
  // silent: the parser would otherwise log warnings that quote the text.
  const document = parseDocument(text, { logLevel: 'silent', prettyErrors: false });
  if (document.errors.length > 0) return [];
  let kubeconfig: unknown;
  try {
    kubeconfig = document.toJS();
  } catch {
    return []; // too many aliases (the parser's guard against expansion attacks)
  }
  const servers = records(at(kubeconfig, 'clusters'))
    .map((entry) => str(at(entry, 'cluster', 'server')))
    .filter((server): server is string => server !== null && server !== '');
  return [...new Set(servers)];
}

/**
 * Istio remote clusters: the istio/multiCluster Secrets in istio-system, one data key per remote
 * cluster (its name) holding a kubeconfig with credentials. Kept: the names, and for each the API
 * server the kubeconfig names (connectivity matches it against the fleet's), never the rest.
 */
export const istioRemoteSecretsCollector: Collector = {
  section: 'istioRemoteSecrets',
  async collect({ reader, source }, draft) {
    const path = `/api/v1/namespaces/${ISTIO_ROOT_NAMESPACE}/secrets`;
    const remotes = await source(
      {
        source: `Istio remote Secrets (${ISTIO_ROOT_NAMESPACE})`,
        request: `GET ${path}?labelSelector=${ISTIO_REMOTE_SECRET_SELECTOR}`,
        secret: true,
      },
      () =>
        reader.reduceList(
          path,
          { labelSelector: ISTIO_REMOTE_SECRET_SELECTOR },
          () => [] as IstioRemote[],
          (acc, secret) => {
            const data = at(secret, 'data');
            if (!isRecord(data)) return;
            for (const [name, value] of Object.entries(data)) {
              const servers = kubeconfigServers(decodeBase64(value));
              const secretName = metadataOf(secret).name;
              if (servers.length === 0) acc.push({ secret: secretName, name, server: null });
              for (const server of servers) acc.push({ secret: secretName, name, server });
            }
          },
        ),
    );
    const order = (r: IstioRemote) => `${r.name}\u0000${r.secret}\u0000${r.server ?? ''}`;
    draft.federation.istioRemotes = (remotes ?? []).sort((a, b) => order(a).localeCompare(order(b)));
    draft.federation.istioRemoteClusters = [...new Set(draft.federation.istioRemotes.map((r) => r.name))].sort();
    return 'ok';
  },
};
