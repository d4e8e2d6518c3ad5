import { at, isRecord } from '../fields.js';
import type { Collector } from './collector.js';
import { ISTIO_ROOT_NAMESPACE } from './istio.js';

export const ISTIO_REMOTE_SECRET_SELECTOR = 'istio/multiCluster=true';

/**
 * Istio remote clusters: the data keys of the istio/multiCluster Secrets in istio-system are the
 * cluster names. Their values are kubeconfigs with credentials: only the keys are looked at.
 */
export const istioRemoteSecretsCollector: Collector = {
  section: 'istioRemoteSecrets',
  async collect({ reader, source }, draft) {
    const path = `/api/v1/namespaces/${ISTIO_ROOT_NAMESPACE}/secrets`;
    const names = await source(
      {
        source: `Istio remote Secrets (${ISTIO_ROOT_NAMESPACE})`,
        request: `GET ${path}?labelSelector=${ISTIO_REMOTE_SECRET_SELECTOR}`,
        secret: true,
      },
      () =>
        reader.reduceList(
          path,
          { labelSelector: ISTIO_REMOTE_SECRET_SELECTOR },
          () => new Set<string>(),
          (acc, secret) => {
            const data = at(secret, 'data');
            if (isRecord(data)) for (const key of Object.keys(data)) acc.add(key);
          },
        ),
    );
    draft.federation.istioRemoteClusters = [...(names ?? [])].sort();
    return 'ok';
  },
};
