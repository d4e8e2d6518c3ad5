import { X509Certificate } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { loadFleetDirectory, type RunningFleet, startSimulatedFleet } from '../../src/simulator/fleet.js';
import { kubeConfigFor } from './fixtures.js';

const NOW = new Date('2026-11-25T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
let fleet: RunningFleet;

beforeAll(async () => {
  fleet = await startSimulatedFleet(await loadFleetDirectory('examples/fleet', { now: NOW }), { now: NOW });
});

afterAll(async () => {
  await fleet.stop();
});

function apis(name: string) {
  const cluster = fleet.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  const kc = kubeConfigFor(cluster);
  return { core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

function firstCertificate(base64Pem: string | undefined): X509Certificate {
  return new X509Certificate(
    Buffer.from(base64Pem ?? '', 'base64')
      .toString('utf8')
      .split(/(?<=-----END CERTIFICATE-----)/)[0] ?? '',
  );
}

describe('the demo fleet (examples/fleet)', () => {
  it('has the host and two members', () => {
    expect(fleet.clusters.map((c) => c.name)).toEqual(['cluster-a', 'cluster-b', 'host']);
  });

  it('declares the same inter-cluster-pool 192.168.0.0/16 with IPIP Always in both members', async () => {
    for (const member of ['cluster-a', 'cluster-b']) {
      const pool = await apis(member).custom.getClusterCustomObject({
        group: 'crd.projectcalico.org',
        version: 'v1',
        plural: 'ippools',
        name: 'inter-cluster-pool',
      });
      expect(pool.spec).toMatchObject({ cidr: '192.168.0.0/16', ipipMode: 'Always' });
    }
  });

  it('gives each member its own Istio root CA', async () => {
    const roots = await Promise.all(
      ['cluster-a', 'cluster-b'].map(async (member) => {
        const configMap = await apis(member).core.readNamespacedConfigMap({
          namespace: 'istio-system',
          name: 'istio-ca-root-cert',
        });
        return new X509Certificate(configMap.data?.['root-cert.pem'] ?? '').fingerprint256;
      }),
    );
    expect(roots[0]).not.toBe(roots[1]);
  });

  it('has TLS certificates expiring 5 and 20 days after now, and one expired 3 days before', async () => {
    const a = apis('cluster-a').core;
    const soon = await a.readNamespacedSecret({ namespace: 'payments', name: 'payments-api-tls' });
    const later = await a.readNamespacedSecret({ namespace: 'web', name: 'web-frontend-tls' });
    const expired = await apis('cluster-b').core.readNamespacedSecret({ namespace: 'reporting', name: 'reports-tls' });
    expect(Date.parse(firstCertificate(soon.data?.['tls.crt']).validTo)).toBe(NOW.getTime() + 5 * DAY);
    expect(Date.parse(firstCertificate(later.data?.['tls.crt']).validTo)).toBe(NOW.getTime() + 20 * DAY);
    expect(Date.parse(firstCertificate(expired.data?.['tls.crt']).validTo)).toBe(NOW.getTime() - 3 * DAY);
  });

  it('has a Gatekeeper constraint audited an hour before now with violations', async () => {
    const constraint = await apis('cluster-a').custom.getClusterCustomObject({
      group: 'constraints.gatekeeper.sh',
      version: 'v1beta1',
      plural: 'k8sdisallowhostpath',
      name: 'disallow-host-path',
    });
    expect(constraint.status.auditTimestamp).toBe('2026-11-25T08:00:00Z');
    expect(constraint.status.totalViolations).toBe(3);
  });

  it('registers both members with Argo CD through cluster Secrets that carry a config key', async () => {
    const secrets = await apis('host').core.listNamespacedSecret({
      namespace: 'argocd',
      labelSelector: 'argocd.argoproj.io/secret-type=cluster',
    });
    expect(secrets.items.map((s) => [s.metadata?.name, Object.keys(s.data ?? {}).sort()])).toEqual([
      ['cluster-a-cluster-secret', ['config', 'name', 'server']],
      ['cluster-b-cluster-secret', ['config', 'name', 'server']],
    ]);
  });
});
