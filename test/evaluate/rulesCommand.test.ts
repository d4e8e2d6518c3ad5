import { runCliInProcess } from '../support/cli.js';

describe('fleetledger rules ID', () => {
  it('describes the named rules in full as plain text: rationale, remediation and controls', async () => {
    const { status, stdout } = await runCliInProcess(['rules', 'CERT-EXPIRING', 'CIDR-OVERLAP']);

    expect(status).toBe(0);
    expect(stdout.match(/^\S.+$/gm)).toEqual([
      'CERT-EXPIRING: Certificate expiring soon',
      'CIDR-OVERLAP: Overlapping Pod, Service or IP pool ranges between connected clusters',
    ]);
    expect(stdout).toContain(
      '  fix: Renew the certificate before it expires, or check why automatic renewal (cert-manager renewalTime, Istio CA rotation) has not happened.\n',
    );
    expect(stdout).toContain('  SOC 2: CC6.7, A1.2\n');
    expect(stdout).not.toContain('###');
  });

  it('takes rule ids in any case, each rule once', async () => {
    const lower = await runCliInProcess(['rules', 'cert-expiring', 'Cidr-Overlap', 'CERT-expiring']);
    const upper = await runCliInProcess(['rules', 'CERT-EXPIRING', 'CIDR-OVERLAP']);

    expect(lower.status).toBe(0);
    expect(lower.stdout).toBe(upper.stdout);
  });

  it('prints the Markdown catalog only with --format markdown', async () => {
    const { status, stdout } = await runCliInProcess(['rules', 'CERT-EXPIRING', '--format', 'markdown']);

    expect(status).toBe(0);
    expect(stdout.match(/^### .+$/gm)).toEqual(['### CERT-EXPIRING']);
    expect(stdout).toContain('- SOC 2: CC6.7, A1.2');
  });

  it('refuses an unknown rule id with exit 2, naming it', async () => {
    const { status, stdout, stderr } = await runCliInProcess(['rules', 'NOPE']);

    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith('error: unknown rule id "NOPE": expected one of CLUSTER-UNREACHABLE, ')).toBe(true);
  });
});
