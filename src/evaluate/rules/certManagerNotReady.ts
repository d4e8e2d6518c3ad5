import { type ClusterRule, failed, passed } from '../rule.js';

/** One check per cert-manager Certificate; a Certificate without a Ready condition is not ready. */
export const certManagerNotReady: ClusterRule = {
  id: 'CERTMANAGER-NOT-READY',
  title: 'cert-manager Certificate not Ready',
  scope: 'cluster',
  area: 'certificates',
  defaultSeverity: 'high',
  sections: ['certManager'],
  rationale: 'A Certificate that is not Ready is not being issued or renewed: the Secret it manages will expire.',
  remediation:
    'Inspect the Certificate, its CertificateRequest and Issuer (kubectl describe), fix the issuer or the ACME challenge.',
  controls: { cis: null, nsa: 'Network separation and hardening: Encryption', soc2: ['CC6.7'] },
  evaluate({ snapshot }) {
    return snapshot.certificates.certManager.map((certificate) => {
      const subject = `Certificate/${certificate.namespace}/${certificate.name}`;
      if (certificate.ready === true) return passed(subject);
      const why =
        certificate.ready === null
          ? 'has no Ready condition'
          : `is not Ready (${certificate.readyReason ?? 'no reason'}: ${certificate.readyMessage ?? 'no message'})`;
      return failed(subject, {
        resource: subject,
        message: `cert-manager Certificate ${certificate.namespace}/${certificate.name} ${why}`,
        evidence: {
          ready: certificate.ready,
          readyReason: certificate.readyReason,
          readyMessage: certificate.readyMessage,
          secretName: certificate.secretName,
          notAfter: certificate.notAfter,
          issuerRef: certificate.issuerRef,
        },
      });
    });
  },
};
