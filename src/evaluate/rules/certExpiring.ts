import { DateTime } from 'luxon';
import {
  certificateBundles,
  certificateEvidence,
  describeCertificate,
  describeStatusExpiry,
} from '../certificateBundles.js';
import { type Check, type ClusterRule, failed, passed } from '../rule.js';

/**
 * One check per certificate resource, like CERT-EXPIRED: fails when a certificate not yet expired
 * expires within `certExpiringHighDays` of `now`; critical when the soonest is within
 * `certExpiringCriticalDays`, high otherwise. The Secrets cert-manager manages are judged from
 * Certificate status.notAfter when the TLS Secrets were not read.
 */
export const certExpiring: ClusterRule = {
  id: 'CERT-EXPIRING',
  title: 'Certificate expiring soon',
  scope: 'cluster',
  area: 'certificates',
  defaultSeverity: 'high',
  sections: ['tlsSecrets', 'certManager', 'istioCa'],
  gate: 'rule',
  rationale:
    'Certificates that expire unnoticed cause outages; CA and root certificates (Istio, API server) take every workload they sign down with them.',
  remediation:
    'Renew the certificate before it expires, or check why automatic renewal (cert-manager renewalTime, Istio CA rotation) has not happened.',
  controls: { cis: null, nsa: 'Network separation and hardening: Encryption', soc2: ['CC6.7', 'A1.2'] },
  evaluate({ snapshot, now, thresholds }) {
    const { bundles, fromStatus, notEvaluated } = certificateBundles(snapshot);
    const horizon = now.plus({ days: thresholds.certExpiringHighDays });
    const daysLeft = (at: DateTime): number => at.diff(now, 'days').days;
    const checks: Check[] = bundles.map((bundle) => {
      const expiring = bundle.certificates
        .map((located) => ({ located, notAfter: DateTime.fromISO(located.certificate.notAfter, { zone: 'utc' }) }))
        .filter(({ notAfter }) => notAfter > now && notAfter <= horizon);
      if (expiring.length === 0) return passed(bundle.resource);
      const soonest = Math.min(...expiring.map(({ notAfter }) => daysLeft(notAfter)));
      const parts = expiring.map(
        ({ located, notAfter }) =>
          `${describeCertificate(located)} expires ${located.certificate.notAfter} (in ${Math.floor(daysLeft(notAfter))} days)`,
      );
      return failed(bundle.resource, {
        resource: bundle.resource,
        severity: soonest <= thresholds.certExpiringCriticalDays ? 'critical' : 'high',
        message: `${bundle.resource}: ${parts.join('; ')}`,
        evidence: { source: bundle.source, expiring: expiring.map(({ located }) => certificateEvidence(located)) },
      });
    });
    const statusChecks: Check[] = fromStatus.map((expiry) => {
      const notAfter = DateTime.fromISO(expiry.notAfter, { zone: 'utc' });
      if (notAfter <= now || notAfter > horizon) return passed(expiry.resource);
      const days = daysLeft(notAfter);
      return failed(expiry.resource, {
        resource: expiry.resource,
        severity: days <= thresholds.certExpiringCriticalDays ? 'critical' : 'high',
        message: `${expiry.resource}: certificate expires ${expiry.notAfter} (in ${Math.floor(days)} days, ${describeStatusExpiry(expiry)})`,
        evidence: { source: 'cert-manager', certificate: expiry.certificate, notAfter: expiry.notAfter },
      });
    });
    return [...checks, ...statusChecks, ...notEvaluated];
  },
};
