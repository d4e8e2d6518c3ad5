import type { CertificateBundle } from '../../snapshot/schema.js';
import { at, metadataOf, str } from '../fields.js';
import { decodeBase64, parseCertificateBundle } from '../x509.js';
import type { Collector } from './collector.js';
import { ISTIO_ROOT_NAMESPACE } from './istio.js';

/** Public keys of the Istio CA Secrets; `ca-key.pem` (the CA private key) is never decoded. */
const CA_SECRETS = [
  { name: 'cacerts', keys: ['ca-cert.pem', 'root-cert.pem', 'cert-chain.pem'] },
  { name: 'istio-ca-secret', keys: ['ca-cert.pem', 'root-cert.pem'] },
] as const;
const ROOTS_KEY = 'root-cert.pem';
const ROOTS_CONFIGMAP = 'istio-ca-root-cert';

/**
 * The Istio CA: the `istio-ca-root-cert` ConfigMaps (one copy per namespace: each distinct bundle
 * is kept once, the root namespace's copy first) and the CA Secrets in istio-system (public
 * certificates only). istioRootFingerprints collects every root seen, so clusters of one mesh
 * can be compared. The ConfigMaps and each Secret are separate sources: a reader that may not read
 * Secrets still gets the ConfigMap roots, which are the roots every workload trusts.
 */
export const istioCaCollector: Collector = {
  section: 'istioCa',
  async collect({ reader, source }, draft) {
    const roots = new Set<string>();
    const configMaps =
      (await source(
        {
          source: 'ConfigMaps istio-ca-root-cert (every namespace)',
          request: `GET /api/v1/configmaps?fieldSelector=metadata.name=${ROOTS_CONFIGMAP}`,
        },
        () => reader.listAll('/api/v1/configmaps', { fieldSelector: `metadata.name=${ROOTS_CONFIGMAP}` }),
      )) ?? [];
    configMaps.sort((a, b) => rootNamespaceFirst(metadataOf(a).namespace, metadataOf(b).namespace));
    const seenPem = new Set<string>();
    for (const configMap of configMaps) {
      const pem = str(at(configMap, 'data', ROOTS_KEY));
      if (!pem || seenPem.has(pem)) continue;
      seenPem.add(pem);
      const { chain } = parseCertificateBundle(pem);
      if (chain.length === 0) continue;
      const { namespace, name } = metadataOf(configMap);
      draft.certificates.bundles.push({ source: 'istio-root', namespace, name, key: ROOTS_KEY, chain });
      for (const certificate of chain) roots.add(certificate.fingerprint256);
    }
    for (const secret of CA_SECRETS) {
      const path = `/api/v1/namespaces/${ISTIO_ROOT_NAMESPACE}/secrets/${secret.name}`;
      const bundles = await source(
        { source: `Secret ${ISTIO_ROOT_NAMESPACE}/${secret.name}`, request: `GET ${path}`, secret: true },
        async () => caSecretBundles(await reader.getJson(path), secret.name, secret.keys),
      );
      for (const bundle of bundles ?? []) {
        draft.certificates.bundles.push(bundle);
        // A self-signed CA certificate is a root as well (istio-ca-secret has no root-cert.pem).
        for (const certificate of bundle.chain) {
          if (bundle.key === ROOTS_KEY || (certificate.isCA && certificate.subject === certificate.issuer)) {
            roots.add(certificate.fingerprint256);
          }
        }
      }
    }
    draft.certificates.istioRootFingerprints = [...roots].sort();
    return 'ok';
  },
};

function rootNamespaceFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === ISTIO_ROOT_NAMESPACE) return -1;
  if (b === ISTIO_ROOT_NAMESPACE) return 1;
  return (a ?? '').localeCompare(b ?? '');
}

function caSecretBundles(secret: unknown, name: string, keys: readonly string[]): CertificateBundle[] {
  const bundles: CertificateBundle[] = [];
  for (const key of keys) {
    const { chain } = parseCertificateBundle(decodeBase64(at(secret, 'data', key)));
    if (chain.length > 0) bundles.push({ source: 'istio-ca', namespace: ISTIO_ROOT_NAMESPACE, name, key, chain });
  }
  return bundles;
}
