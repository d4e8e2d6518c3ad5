import type { CertManagerCertificate } from '../../snapshot/schema.js';
import { at, conditionOf, isoOrNull, metadataOf, str, strings } from '../fields.js';
import type { Collector } from './collector.js';

/** cert-manager Certificates: readiness, expiry and renewal time (absent when cert-manager is not installed). */
export const certManagerCollector: Collector = {
  section: 'certManager',
  async collect({ reader, source }, draft) {
    const resources = await reader.discover('cert-manager.io/v1');
    if (!resources?.some((r) => r.name === 'certificates')) return 'absent';
    const path = '/apis/cert-manager.io/v1/certificates';
    const items = await source({ source: 'cert-manager Certificates', request: `GET ${path}` }, () =>
      reader.listAll(path),
    );
    draft.certificates.certManager = (items ?? []).map((item): CertManagerCertificate => {
      const { namespace, name } = metadataOf(item);
      const ready = conditionOf(item, 'Ready');
      const issuerName = str(at(item, 'spec', 'issuerRef', 'name'));
      return {
        namespace: namespace ?? '',
        name,
        secretName: str(at(item, 'spec', 'secretName')),
        dnsNames: strings(at(item, 'spec', 'dnsNames')),
        issuerRef: issuerName ? { name: issuerName, kind: str(at(item, 'spec', 'issuerRef', 'kind')) } : null,
        ready: ready ? ready['status'] === 'True' : null,
        readyReason: ready ? str(ready['reason']) : null,
        readyMessage: ready ? str(ready['message']) : null,
        notAfter: isoOrNull(at(item, 'status', 'notAfter')),
        renewalTime: isoOrNull(at(item, 'status', 'renewalTime')),
      };
    });
    return 'ok';
  },
};
