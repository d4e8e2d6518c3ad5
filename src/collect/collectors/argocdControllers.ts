import type { ArgoController } from '../../snapshot/schema.js';
import { at, metadataOf, str } from '../fields.js';
import { parseGoDurationSeconds } from '../goDuration.js';
import { configMapSource, readConfigMapData } from './clusterConfig.js';
import type { CollectorContext } from './collector.js';

/** Argo CD's reconciliation period when `timeout.reconciliation` is unset or does not parse. */
export const DEFAULT_RECONCILIATION_SECONDS = 180;

/**
 * The settings of each Argo CD controller: every `argocd-cm` ConfigMap (one per Argo CD instance,
 * listed by name across namespaces) and the `argocd-cmd-params-cm` beside it. Both are sources of
 * the Applications section that only ARGO-RECONCILE-STALE needs: a failure is recorded (the rule
 * then says it could not be evaluated) but does not make the Applications read partial. Only the
 * keys named here are kept: argocd-cm also holds SSO and repository settings.
 *
 * Null when the argocd-cm list could not be read.
 */
export async function argocdControllers({ reader, source }: CollectorContext): Promise<ArgoController[] | null> {
  const configMaps = await source(
    {
      source: 'ConfigMaps argocd-cm (every namespace)',
      request: 'GET /api/v1/configmaps?fieldSelector=metadata.name=argocd-cm',
      bestEffort: true,
    },
    () => reader.listAll('/api/v1/configmaps', { fieldSelector: 'metadata.name=argocd-cm' }),
  );
  if (configMaps === null) return null;
  const controllers: ArgoController[] = [];
  for (const configMap of configMaps) {
    const namespace = metadataOf(configMap).namespace ?? '';
    const timeout = str(at(configMap, 'data', 'timeout.reconciliation'));
    const parsed = timeout === null ? null : parseGoDurationSeconds(timeout);
    const params = await source({ ...configMapSource(namespace, 'argocd-cmd-params-cm'), bestEffort: true }, () =>
      readConfigMapData(reader, namespace, 'argocd-cmd-params-cm'),
    );
    controllers.push({
      namespace,
      reconciliationTimeout: timeout,
      // Argo CD falls back to its default for a value it cannot parse (or a negative one).
      reconciliationSeconds: parsed === null || parsed < 0 ? DEFAULT_RECONCILIATION_SECONDS : parsed,
      statusProcessors: count(params?.['controller.status.processors']),
      operationProcessors: count(params?.['controller.operation.processors']),
    });
  }
  return controllers.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
}

function count(text: string | undefined): number | null {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
