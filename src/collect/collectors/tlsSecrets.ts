import type { CertificateBundle } from '../../snapshot/schema.js';
import { at, metadataOf } from '../fields.js';
import { decodeBase64, parseCertificateBundle } from '../x509.js';
import type { Collector } from './collector.js';

/** The public certificate keys of a kubernetes.io/tls Secret; tls.key is never decoded. */
const CERTIFICATE_KEYS = ['tls.crt', 'ca.crt'] as const;

/**
 * Every certificate of every kubernetes.io/tls Secret (field selector on the type), every
 * certificate of each bundle. Secrets are reduced to certificate metadata item by item as each
 * page arrives: nothing else of a Secret is kept, so memory is bounded by the page size.
 */
export const tlsSecretsCollector: Collector = {
  section: 'tlsSecrets',
  async collect({ reader, logger, source }, draft) {
    const bundles = await source(
      { source: 'TLS Secrets', request: 'GET /api/v1/secrets?fieldSelector=type=kubernetes.io/tls', secret: true },
      () =>
        reader.reduceList(
          '/api/v1/secrets',
          { fieldSelector: 'type=kubernetes.io/tls' },
          () => [] as CertificateBundle[],
          (acc, secret) => {
            const { namespace, name } = metadataOf(secret);
            for (const key of CERTIFICATE_KEYS) {
              const encoded = at(secret, 'data', key);
              if (encoded === undefined) continue;
              const { chain, unreadable } = parseCertificateBundle(decodeBase64(encoded));
              if (unreadable > 0 || chain.length === 0) {
                logger.warn('unreadable certificate in TLS Secret', { namespace, name, key });
              }
              if (chain.length > 0) acc.push({ source: 'tls-secret', namespace, name, key, chain });
            }
          },
        ),
    );
    draft.certificates.bundles.push(...(bundles ?? []));
    return 'ok';
  },
};
