import { DateTime } from 'luxon';
import {
  certificateBundles,
  certificateEvidence,
  describeCertificate,
  describeStatusExpiry,
} from '../certificateBundles.js';
import { type Check, type ClusterRule, failed, passed } from '../rule.js';

/**
 * One check per certificate resource (every certificate of every data key is looked at),
 * measured at evaluation time `now`; one per Secret cert-manager manages when the TLS Secrets
 * were not read (from Certificate status.notAfter); one not-evaluated check per certificate
 * section, or part of one, not collected.
 */
export const certExpired: ClusterRule = {
  id: 'CERT-EXPIRED',
  title: 'Expired certificate',
  scope: 'cluster',
  area: 'certificates',
  defaultSeverity: 'critical',
  sections: ['tlsSecrets', 'certManager', 'istioCa'],
  gate: 'rule',
  rationale:
    'An expired certificate breaks TLS for its clients (or, in a CA bundle, every certificate it signs) and clients that skip verification to cope lose all protection.',
  remediation:
    'Renew the certificate (cert-manager: check the Certificate and its Issuer), or remove the stale bundle.',
  controls: { cis: null, nsa: 'Network separation and hardening: Encryption', soc2: ['CC6.7'] },
  evaluate({ snapshot, now }) {
    const { bundles, fromStatus, notEvaluated } = certificateBundles(snapshot);
    const checks: Check[] = bundles.map((bundle) => {
      const expired = bundle.certificates.filter(
        ({ certificate }) => DateTime.fromISO(certificate.notAfter, { zone: 'utc' }) <= now,
      );
      if (expired.length === 0) return passed(bundle.resource);
      const parts = expired.map((located) => `${describeCertificate(located)} expired ${located.certificate.notAfter}`);
      return failed(bundle.resource, {
        resource: bundle.resource,
        message: `${bundle.resource}: ${parts.join('; ')}`,
        evidence: { source: bundle.source, expired: expired.map(certificateEvidence) },
      });
    });
    const statusChecks: Check[] = fromStatus.map((expiry) => {
      if (DateTime.fromISO(expiry.notAfter, { zone: 'utc' }) > now) return passed(expiry.resource);
      return failed(expiry.resource, {
        resource: expiry.resource,
        message: `${expiry.resource}: certificate expired ${expiry.notAfter} (${describeStatusExpiry(expiry)})`,
        evidence: { source: 'cert-manager', certificate: expiry.certificate, notAfter: expiry.notAfter },
      });
    });
    return [...checks, ...statusChecks, ...notEvaluated];
  },
};
