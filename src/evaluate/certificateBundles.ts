/**
 * Every certificate bundle of a snapshot, named as a resource, for the certificate rules: TLS
 * Secrets, cert-manager, Istio roots and CA, and the API server's serving certificate.
 */
import type { CertificateSource, SectionName, Snapshot, X509Info } from '../snapshot/schema.js';
import { type Check, notEvaluated } from './rule.js';
import { describeUncollected, isCollected } from './sections.js';

/** One certificate of a bundle, located for a human: data key and position in the file. */
export interface LocatedCertificate {
  key: string;
  /** 0-based position in the PEM file of `key`. */
  index: number;
  /** How many certificates that file holds. */
  of: number;
  certificate: X509Info;
}

/**
 * The certificates of one resource (all its data keys: Istio's cacerts holds ca-cert.pem,
 * root-cert.pem and cert-chain.pem), each certificate once (by fingerprint).
 */
export interface NamedBundle {
  resource: string;
  source: CertificateSource;
  certificates: LocatedCertificate[];
}

const SECTION_OF_SOURCE: Record<CertificateSource, SectionName | null> = {
  'tls-secret': 'tlsSecrets',
  'cert-manager': 'certManager',
  'istio-root': 'istioCa',
  'istio-ca': 'istioCa',
  apiserver: null,
};
/** The data key the collector gives the API server's serving certificate. */
const SERVING_KEY = 'serving-certificate';
const CERTIFICATE_SECTIONS: readonly SectionName[] = ['tlsSecrets', 'certManager', 'istioCa'];

function resourceOf(source: CertificateSource, namespace: string | null, name: string): string {
  const path = namespace ? `${namespace}/${name}` : name;
  if (source === 'apiserver') return `APIServer/${name}`;
  // Istio publishes its root to every namespace as this ConfigMap; everything else is a Secret.
  if (name === 'istio-ca-root-cert') return `ConfigMap/${path}`;
  return `Secret/${path}`;
}

/** The bundles whose section was collected, plus one not-evaluated check per uncollected section. */
export function certificateBundles(snapshot: Snapshot): { bundles: NamedBundle[]; notEvaluated: Check[] } {
  const uncollected = CERTIFICATE_SECTIONS.filter((section) => !isCollected(snapshot, section));
  const byResource = new Map<string, NamedBundle>();
  const add = (resource: string, source: CertificateSource, key: string, chain: readonly X509Info[]): void => {
    // The same Secret can be seen as a TLS Secret and as a cert-manager target: judge it once.
    const bundle = byResource.get(resource) ?? { resource, source, certificates: [] };
    chain.forEach((certificate, index) => {
      if (bundle.certificates.some((seen) => seen.certificate.fingerprint256 === certificate.fingerprint256)) return;
      bundle.certificates.push({ key, index, of: chain.length, certificate });
    });
    byResource.set(resource, bundle);
  };
  for (const bundle of snapshot.certificates.bundles) {
    const section = SECTION_OF_SOURCE[bundle.source];
    if (section && uncollected.includes(section)) continue;
    add(resourceOf(bundle.source, bundle.namespace, bundle.name), bundle.source, bundle.key, bundle.chain);
  }
  const serving = snapshot.meta.servingCertificate;
  if (serving && !snapshot.certificates.bundles.some((bundle) => bundle.source === 'apiserver')) {
    add('APIServer/serving-certificate', 'apiserver', SERVING_KEY, [serving]);
  }
  return {
    bundles: [...byResource.values()],
    notEvaluated: uncollected.map((section) =>
      notEvaluated(`Section/${section}`, `certificates not collected: ${describeUncollected(snapshot, [section])}`),
    ),
  };
}

/** "tls.crt certificate 2 of 3 (CN=ca, serial 0a)", or "tls.crt certificate (CN=api, serial 01)" for a single one. */
export function describeCertificate({ key, index, of, certificate }: LocatedCertificate): string {
  const position = of > 1 ? ` ${index + 1} of ${of}` : '';
  const what = key === SERVING_KEY ? 'serving certificate' : `${key} certificate`;
  return `${what}${position} (${certificate.subject}, serial ${certificate.serialNumber})`;
}

/** The evidence kept for a certificate. */
export function certificateEvidence({ key, index, certificate }: LocatedCertificate): Record<string, unknown> {
  return {
    key,
    index,
    subject: certificate.subject,
    serialNumber: certificate.serialNumber,
    notAfter: certificate.notAfter,
    fingerprint256: certificate.fingerprint256,
  };
}
