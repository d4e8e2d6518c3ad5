/** The safety net between cluster data and the ledger: invalid sections are dropped, the rest kept. */
import { quarantineInvalidSections } from '../../src/collect/invalidSections.js';
import { Snapshot } from '../../src/snapshot/schema.js';
import { makeSnapshot } from '../support/snapshotFixture.js';

const pool = (name: string, blockSize: number | null) => ({
  name,
  apiGroup: 'crd.projectcalico.org' as const,
  cidr: '192.168.0.0/16',
  ipipMode: null,
  vxlanMode: null,
  natOutgoing: false,
  disabled: false,
  blockSize,
});

const constraint = (totalViolations: number | null) => ({
  kind: 'K8sRequiredLabels',
  name: 'must-have-owner',
  enforcementAction: 'deny',
  totalViolations,
  violations: [],
  auditTimestamp: null,
});

describe('quarantining invalid sections', () => {
  it('returns a valid snapshot unchanged', () => {
    const snapshot = makeSnapshot({ meta: { cluster: 'good' } });

    // The schema's own copy (so writing it needs no second check), equal to what was collected.
    expect(quarantineInvalidSections(snapshot)).toEqual(snapshot);
  });

  it('marks the sections of a fractional blockSize and totalViolations error, empties them and keeps the others', () => {
    // Prepare
    const snapshot = makeSnapshot({
      meta: { cluster: 'evil' },
      namespaces: [{ name: 'web', labels: {}, phase: 'Active' }],
    });
    snapshot.network.ipPools = [pool('a', 26), pool('b', 26.5)];
    snapshot.network.nodes = [{ name: 'node-1', podCIDRs: ['10.244.0.0/24'] }];
    snapshot.policies.gatekeeper = {
      installed: true,
      apiVersion: 'templates.gatekeeper.sh/v1',
      templates: [],
      constraints: [constraint(2.5)],
    };

    // Act
    const repaired = quarantineInvalidSections(snapshot);

    // Assess
    expect(Snapshot.safeParse(repaired).success).toBe(true);
    expect(repaired.meta.status).toBe('partial');
    expect(repaired.meta.sections.ipPools).toEqual({
      state: 'error',
      message:
        'invalid data from the cluster, section dropped: network.ipPools.1.blockSize: Invalid input: expected int, received number',
    });
    expect(repaired.meta.sections.gatekeeper).toEqual({
      state: 'error',
      message:
        'invalid data from the cluster, section dropped: policies.gatekeeper.constraints.0.totalViolations: Invalid input: expected int, received number',
    });
    expect(repaired.network.ipPools).toEqual([]);
    expect(repaired.policies.gatekeeper).toEqual({
      installed: false,
      apiVersion: null,
      templates: [],
      constraints: [],
    });
    expect(repaired.network.nodes).toEqual([{ name: 'node-1', podCIDRs: ['10.244.0.0/24'] }]);
    expect(repaired.namespaces).toEqual([{ name: 'web', labels: {}, phase: 'Active' }]);
    expect(
      Object.entries(repaired.meta.sections)
        .filter(([, s]) => s.state !== 'ok')
        .map(([n]) => n),
    ).toEqual(['gatekeeper', 'ipPools']);
    expect(snapshot.network.ipPools).toHaveLength(2); // the input is left as it was
  });

  it('drops only the certificate bundles of the section whose bundle is invalid', () => {
    const chain = (fingerprint256: string) => [
      {
        subject: 'CN=x',
        issuer: 'CN=x',
        sans: [],
        serialNumber: '01',
        notBefore: '2026-01-01T00:00:00.000Z',
        notAfter: '2027-01-01T00:00:00.000Z',
        fingerprint256,
        isCA: false,
      },
    ];
    const snapshot = makeSnapshot({ meta: { cluster: 'evil' } });
    snapshot.certificates.bundles = [
      {
        source: 'istio-root',
        namespace: 'istio-system',
        name: 'istio-ca-root-cert',
        key: 'root-cert.pem',
        chain: chain('a'.repeat(64)),
      },
      { source: 'tls-secret', namespace: 'web', name: 'web-tls', key: 'tls.crt', chain: chain('not hex') },
    ];

    const repaired = quarantineInvalidSections(snapshot);

    expect(repaired.meta.sections.tlsSecrets.state).toBe('error');
    expect(repaired.meta.sections.tlsSecrets.message).toMatch(
      /^invalid data from the cluster, section dropped: certificates\.bundles\.1\.chain\.0\.fingerprint256: /,
    );
    expect(repaired.meta.sections.istioCa.state).toBe('ok');
    expect(repaired.certificates.bundles.map((b) => b.source)).toEqual(['istio-root']);
  });

  it('leaves a snapshot whose meta is invalid to the ledger, which refuses it', () => {
    const snapshot = makeSnapshot({ meta: { cluster: 'evil', objectsRead: 1.5 } });

    // The schema's own copy (so writing it needs no second check), equal to what was collected.
    expect(quarantineInvalidSections(snapshot)).toEqual(snapshot);
  });
});
