import { runCliInProcess } from '../support/cli.js';

describe('fleetledger rules ID', () => {
  it('describes the named rules in full: rationale, remediation and controls', async () => {
    const { status, stdout } = await runCliInProcess(['rules', 'CERT-EXPIRING', 'CIDR-OVERLAP']);

    expect(status).toBe(0);
    expect(stdout.match(/^### .+$/gm)).toEqual(['### CERT-EXPIRING', '### CIDR-OVERLAP']);
    expect(stdout).toContain(
      '- Fix: Renew the certificate before it expires, or check why automatic renewal (cert-manager renewalTime, Istio CA rotation) has not happened.',
    );
    expect(stdout).toContain('- SOC 2: CC6.7, A1.2');
  });

  it('refuses an unknown rule id with exit 2, naming it', async () => {
    const { status, stdout, stderr } = await runCliInProcess(['rules', 'NOPE']);

    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith('error: unknown rule id "NOPE": expected one of CLUSTER-UNREACHABLE, ')).toBe(true);
  });
});
