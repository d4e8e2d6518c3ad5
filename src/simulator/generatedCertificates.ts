/**
 * The `certificates:` section of simulator.yaml: real X.509 certificates generated at start-up with
 * dates relative to "now", so a demo fleet shows a certificate expiring in 5 days whenever it runs.
 *
 * ```yaml
 * certificates:
 *   authorities:            # CAs, in order; self-signed unless `issuer` names an earlier authority
 *     - { id: corp-root, subject: "CN=Example Corp Root CA, O=Example", validDays: 3650 }
 *     - { id: corp-intermediate, subject: "CN=Example Issuing CA, O=Example", issuer: corp-root, validDays: 1825 }
 *   secrets:                # kubernetes.io/tls Secrets: tls.crt = leaf + intermediates, tls.key, ca.crt = root
 *     - { namespace: payments, name: api-tls, subject: "CN=api.payments.example", dnsNames: [api.payments.example],
 *         issuer: corp-intermediate, notBeforeDays: -85, notAfterDays: 5 }
 *   configMaps:             # ConfigMap data[key] = PEMs of the listed authorities
 *     - { namespace: istio-system, name: istio-ca-root-cert, key: root-cert.pem, authorities: [mesh-root] }
 *   istioCacerts: { authority: mesh-intermediate, root: mesh-root }   # Secret istio-system/cacerts
 * ```
 * Defaults: authorities valid from now-1d for `validDays` (3650); secrets from `notBeforeDays` (-30)
 * to `notAfterDays` (90). Unknown issuer ids are configuration errors.
 */
import { ConfigError } from '../core/errors.js';
import { createCertificate, type IssuedCertificate } from './certificates.js';
import type { GeneratedCertificatesConfig } from './simulatorConfig.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Authority {
  issued: IssuedCertificate;
  /** Certificates from this authority up to its root, this one first. */
  chain: string[];
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/** Kubernetes objects (Secrets, ConfigMaps) holding freshly issued certificates. `where` names the config in errors. */
export async function generateCertificateObjects(
  config: GeneratedCertificatesConfig,
  now: Date,
  where: string,
): Promise<Record<string, unknown>[]> {
  const authorities = new Map<string, Authority>();
  const authority = (id: string, key: string): Authority => {
    const found = authorities.get(id);
    if (!found)
      throw new ConfigError(
        `${where}: ${key}: unknown authority "${id}" (define it earlier under certificates.authorities)`,
      );
    return found;
  };

  for (const [index, definition] of (config.authorities ?? []).entries()) {
    const issuer =
      definition.issuer === undefined
        ? undefined
        : authority(definition.issuer, `certificates.authorities.${index}.issuer`);
    const issued = await createCertificate({
      subject: definition.subject,
      isCA: true,
      notBefore: daysFrom(now, definition.notBeforeDays ?? -1),
      notAfter: daysFrom(now, definition.validDays ?? 3650),
      ...(issuer ? { issuer: issuer.issued } : {}),
    });
    authorities.set(definition.id, { issued, chain: [issued.certPem, ...(issuer?.chain ?? [])] });
  }

  const objects: Record<string, unknown>[] = [];
  for (const [index, definition] of (config.secrets ?? []).entries()) {
    const issuer =
      definition.issuer === undefined
        ? undefined
        : authority(definition.issuer, `certificates.secrets.${index}.issuer`);
    const leaf = await createCertificate({
      subject: definition.subject,
      ...(definition.dnsNames ? { dnsNames: definition.dnsNames } : {}),
      ...(definition.ipAddresses ? { ipAddresses: definition.ipAddresses } : {}),
      notBefore: daysFrom(now, definition.notBeforeDays ?? -30),
      notAfter: daysFrom(now, definition.notAfterDays ?? 90),
      ...(issuer ? { issuer: issuer.issued } : {}),
    });
    const chain = issuer?.chain ?? [];
    const root = chain.at(-1) ?? leaf.certPem;
    // As cert-manager writes it: the served chain stops below the root, which goes to ca.crt.
    const intermediates = chain.slice(0, -1);
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        namespace: definition.namespace,
        name: definition.name,
        ...(definition.labels ? { labels: definition.labels } : {}),
        ...(definition.annotations ? { annotations: definition.annotations } : {}),
      },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': base64([leaf.certPem, ...intermediates].join('')),
        'tls.key': base64(leaf.keyPem),
        'ca.crt': base64(root),
      },
    });
  }

  for (const [index, definition] of (config.configMaps ?? []).entries()) {
    const pems = definition.authorities.map(
      (id, i) => authority(id, `certificates.configMaps.${index}.authorities.${i}`).issued.certPem,
    );
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: definition.namespace, name: definition.name },
      data: { [definition.key]: pems.join('') },
    });
  }

  if (config.istioCacerts) {
    const { authority: id, root: rootId, namespace = 'istio-system', name = 'cacerts' } = config.istioCacerts;
    const intermediate = authority(id, 'certificates.istioCacerts.authority');
    const root = authority(rootId, 'certificates.istioCacerts.root');
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace, name },
      type: 'Opaque',
      data: {
        'ca-cert.pem': base64(intermediate.issued.certPem),
        'ca-key.pem': base64(intermediate.issued.keyPem),
        'root-cert.pem': base64(root.issued.certPem),
        'cert-chain.pem': base64(intermediate.chain.join('')),
      },
    });
  }
  return objects;
}
