import type { ServingIdentity } from '../../src/simulator/apiServer.js';
import { startSimulatedFleet } from '../../src/simulator/fleet.js';

const cluster = {
  name: 'keeps-identity',
  objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }],
};

describe('serving identities shared between fleet starts', () => {
  it('serves the same CA and serving certificate after a restart with the same map, and new ones without it', async () => {
    const identities = new Map<string, ServingIdentity>();
    const first = await startSimulatedFleet([cluster], { servingIdentities: identities });
    await first.stop();
    const second = await startSimulatedFleet([cluster], { servingIdentities: identities });
    await second.stop();
    const fresh = await startSimulatedFleet([cluster]);
    await fresh.stop();

    expect([...identities.keys()]).toEqual(['keeps-identity']);
    expect(second.clusters[0]?.servingCertPem).toBe(first.clusters[0]?.servingCertPem);
    expect(second.clusters[0]?.caPem).toBe(first.clusters[0]?.caPem);
    expect(fresh.clusters[0]?.servingCertPem).not.toBe(first.clusters[0]?.servingCertPem);
  });
});
