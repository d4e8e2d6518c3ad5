import { MtlsMode, type NamespaceMtls } from '../../snapshot/schema.js';
import { at, isRecord, metadataOf, str } from '../fields.js';
import { type Collector, namespaceNames } from './collector.js';

const PEER_AUTHENTICATION_VERSIONS = ['security.istio.io/v1', 'security.istio.io/v1beta1'];
/** Istio's root namespace: a selector-less PeerAuthentication there is mesh-wide. */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

type Mode = (typeof MtlsMode.options)[number];

/**
 * Istio PeerAuthentications (v1, else v1beta1) and the effective mTLS mode per namespace
 * (excluded namespaces left out): the namespace's selector-less policy, else the mesh-wide one
 * in the root namespace, else PERMISSIVE (Istio's default). UNSET inherits from the next level.
 * Without the PeerAuthentication list nothing is known (the section fails); without the Namespace
 * list only the namespaces that have a policy get a mode (the section is partial).
 */
export const istioCollector: Collector = {
  section: 'istio',
  async collect(context, draft) {
    const version = await context.reader.firstServing(PEER_AUTHENTICATION_VERSIONS, 'peerauthentications');
    if (version === null) return 'absent';
    const istio = draft.policies.istio;
    istio.installed = true;
    istio.apiVersion = version;
    const path = `/apis/${version}/peerauthentications`;
    const items = await context.source({ source: 'PeerAuthentications', request: `GET ${path}`, required: true }, () =>
      context.reader.listAll(path),
    );
    istio.peerAuthentications = (items ?? []).map((item) => {
      const { namespace, name } = metadataOf(item);
      const labels = at(item, 'spec', 'selector', 'matchLabels');
      return {
        namespace: namespace ?? '',
        name,
        mode: modeOf(at(item, 'spec', 'mtls', 'mode')),
        hasSelector: isRecord(labels) && Object.keys(labels).length > 0,
      };
    });
    const namespaceWide = new Map<string, Mode>();
    for (const policy of istio.peerAuthentications) {
      if (!policy.hasSelector && policy.mode !== 'UNSET') namespaceWide.set(policy.namespace, policy.mode);
    }
    const meshMode = namespaceWide.get(ISTIO_ROOT_NAMESPACE);
    const names = (await namespaceNames(context)) ?? [...new Set(istio.peerAuthentications.map((p) => p.namespace))];
    istio.mtls = names
      .filter((namespace) => !context.isExcluded(namespace))
      .sort()
      .map((namespace): NamespaceMtls => {
        const own = namespaceWide.get(namespace);
        if (own && namespace !== ISTIO_ROOT_NAMESPACE) return { namespace, mode: own, source: 'namespace' };
        if (meshMode) return { namespace, mode: meshMode, source: 'mesh' };
        return { namespace, mode: 'PERMISSIVE', source: 'default' };
      });
    return 'ok';
  },
};

function modeOf(value: unknown): Mode {
  const parsed = MtlsMode.safeParse(str(value) ?? 'UNSET');
  return parsed.success ? parsed.data : 'UNSET';
}
