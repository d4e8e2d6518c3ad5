/**
 * Every certificate bundle of a snapshot, named as a resource, for the certificate rules: TLS
 * Secrets, cert-manager, Istio roots and CA, and the API server's serving certificate. When the
 * TLS Secrets could not be read (forbidden, or Secret reads off), the expiry of the Secrets that
 * cert-manager manages still comes from their Certificates' `status.notAfter`.
 */
import type { CertificateSource, SectionName, Snapshot, X509Info } from '../snapshot/schema.js';
import type { Check } from './rule.js';
import { isCollected, notCollectedCheck, partialSections } from './sections.js';

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

/**
 * A certificate whose Secret was not read, known from the cert-manager Certificate that manages
 * it: only its expiry. Named after the Secret, as a TLS Secret is, so a finding keeps its id
 * whichever way the expiry was learnt.
 */
export interface StatusExpiry {
  /** Secret/<namespace>/<secretName>. */
  resource: string;
  /** The Certificate, <namespace>/<name>. */
  certificate: string;
  notAfter: string;
}

export interface SnapshotCertificates {
  bundles: NamedBundle[];
  /** Expiries from cert-manager status, for the Secrets it manages, when the TLS Secrets were not read. */
  fromStatus: StatusExpiry[];
  /** One not-evaluated check per certificate section (or part of one) that was not read. */
  notEvaluated: Check[];
}

/**
 * The bundles of every certificate section that was collected (partial ones included), the
 * cert-manager expiries standing in for unread TLS Secrets, and one not-evaluated check for each
 * section, or part of a section, whose certificates are still unknown.
 */
export function certificateBundles(snapshot: Snapshot): SnapshotCertificates {
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
  const fromStatus = uncollected.includes('tlsSecrets') ? statusExpiries(snapshot, byResource) : [];
  const unknown = uncollected.map((section) => {
    const check = notCollectedCheck(`Section/${section}`, 'certificates not collected', snapshot, [section]);
    if (section !== 'tlsSecrets' || fromStatus.length === 0 || check.outcome.status !== 'not-evaluated') return check;
    // Only the TLS Secrets that cert-manager does not manage are still unknown.
    const reason = `${check.outcome.reason}; the ${fromStatus.length} Secret(s) cert-manager manages were judged from Certificate status.notAfter`;
    return { ...check, outcome: { ...check.outcome, reason } };
  });
  const partlyUnknown = partialSections(snapshot, CERTIFICATE_SECTIONS)
    .filter((section) => section !== 'istioCa' || runsIstio(snapshot))
    .map((section) => notCollectedCheck(`Section/${section}`, 'certificates partly collected', snapshot, [section]));
  return { bundles: [...byResource.values()], fromStatus, notEvaluated: [...unknown, ...partlyUnknown] };
}

/** The Certificates with an expiry and a Secret not already judged from its content. */
function statusExpiries(snapshot: Snapshot, judged: ReadonlyMap<string, NamedBundle>): StatusExpiry[] {
  if (!isCollected(snapshot, 'certManager')) return [];
  return snapshot.certificates.certManager.flatMap((certificate) => {
    if (certificate.notAfter === null || certificate.secretName === null) return [];
    const resource = `Secret/${certificate.namespace}/${certificate.secretName}`;
    if (judged.has(resource)) return [];
    return [{ resource, certificate: `${certificate.namespace}/${certificate.name}`, notAfter: certificate.notAfter }];
  });
}

/**
 * Whether the Istio CA Secrets that could not be read can matter: an Istio root was seen, or
 * Istio is installed (or could not be told). On a cluster without either there is no CA to judge.
 */
function runsIstio(snapshot: Snapshot): boolean {
  if (snapshot.certificates.bundles.some((bundle) => bundle.source === 'istio-root')) return true;
  return !isCollected(snapshot, 'istio') || snapshot.policies.istio.installed;
}

/** Where the expiry of a StatusExpiry comes from, for a finding message. */
export function describeStatusExpiry(expiry: StatusExpiry): string {
  return `according to cert-manager Certificate ${expiry.certificate} status.notAfter; the Secret itself was not read`;
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
