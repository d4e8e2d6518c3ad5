import { CoreV1Api } from '@kubernetes/client-node';
import { startSimulatedFleet } from '../../src/simulator/fleet.js';
import { kubeConfigFor, namespace, secret } from './fixtures.js';

/** The benchmark's shapes: one cluster with 20,000 Secrets, and 200 clusters in one process. */
describe('at benchmark scale', () => {
  it('pages 20,000 Secrets in order, each exactly once, and filters them by type', async () => {
    const objects = [namespace('big')];
    for (let i = 0; i < 20_000; i += 1) {
      const name = `secret-${String(i).padStart(5, '0')}`;
      objects.push(
        secret(`ns-${String(i % 50).padStart(2, '0')}`, name, { type: i % 10 === 0 ? 'kubernetes.io/tls' : 'Opaque' }),
      );
    }
    const fleet = await startSimulatedFleet([{ name: 'big', objects }]);
    try {
      const core = kubeConfigFor(fleet.clusters[0]!).makeApiClient(CoreV1Api);
      const keys: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await core.listSecretForAllNamespaces({ limit: 500, _continue: token });
        keys.push(...page.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
        token = page.metadata?._continue;
        pages += 1;
      } while (token);
      expect(pages).toBe(40);
      expect(keys).toHaveLength(20_000);
      expect(new Set(keys).size).toBe(20_000);
      expect(keys).toEqual([...keys].sort());
      const tls = await core.listSecretForAllNamespaces({ fieldSelector: 'type=kubernetes.io/tls' });
      expect(tls.items).toHaveLength(2_000);
    } finally {
      await fleet.stop();
    }
  });

  it('runs 200 clusters in one process, each answering with its own CA and token', async () => {
    const fleet = await startSimulatedFleet(
      Array.from({ length: 200 }, (_, i) => ({ name: `cluster-${i}`, objects: [namespace(`only-in-${i}`)] })),
    );
    try {
      expect(new Set(fleet.clusters.map((c) => c.server)).size).toBe(200);
      const names = await Promise.all(
        fleet.clusters.map(async (cluster) => {
          const list = await kubeConfigFor(cluster).makeApiClient(CoreV1Api).listNamespace();
          return list.items.map((n) => n.metadata?.name).join(',');
        }),
      );
      expect(names).toEqual(Array.from({ length: 200 }, (_, i) => `only-in-${i}`));
    } finally {
      await fleet.stop();
    }
  });
});
