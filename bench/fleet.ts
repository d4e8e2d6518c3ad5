/**
 * Fleet-scale benchmark (`npm run bench`): prints figures, asserts nothing.
 *
 * Two scenarios against the simulated API servers, over real HTTPS with the real client:
 *  1. breadth: 200 small clusters snapshotted in one run;
 *  2. depth: one cluster holding 20,000 Secrets (10,000 of them TLS), to show that memory stays
 *     bounded by what the snapshot keeps, not by what the cluster holds;
 * and largeReport (bench/largeReport.ts): the report of one cluster with 20,000 namespaces.
 * Options: BENCH_CLUSTERS (default 200), BENCH_SECRETS (default 20000), BENCH_NAMESPACES (default 20000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotFleet } from '../src/collect/snapshotFleet.js';
import { resolveNow } from '../src/core/clock.js';
import { createLogger } from '../src/core/logger.js';
import { fleetFromKubeconfig } from '../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../src/ledger/directoryStore.js';
import { createCertificate } from '../src/simulator/certificates.js';
import { type SimulatedClusterDefinition, startSimulatedFleet } from '../src/simulator/fleet.js';
import { largeReport } from './largeReport.js';

const CLUSTERS = Number(process.env['BENCH_CLUSTERS'] ?? 200);
const SECRETS = Number(process.env['BENCH_SECRETS'] ?? 20_000);
const NAMESPACES = Number(process.env['BENCH_NAMESPACES'] ?? 20_000);

function object(
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  rest: Record<string, unknown> = {},
) {
  return { apiVersion, kind, metadata: namespace ? { name, namespace } : { name }, ...rest };
}

function smallCluster(i: number): SimulatedClusterDefinition {
  const objects: Record<string, unknown>[] = [];
  for (const ns of ['default', 'kube-system', 'payments', 'web', 'ledger']) objects.push(object('v1', 'Namespace', ns));
  objects.push(
    object('v1', 'Node', `node-${i}`, undefined, {
      spec: { podCIDR: `10.${i % 250}.0.0/24`, podCIDRs: [`10.${i % 250}.0.0/24`] },
    }),
    object('v1', 'ResourceQuota', 'default-quota', 'payments', {
      spec: { hard: { pods: '20' } },
      status: { hard: { pods: '20' }, used: { pods: '3' } },
    }),
    object('v1', 'Service', 'kubernetes', 'default', { spec: { clusterIP: '10.96.0.1' } }),
  );
  return { name: `bench-${String(i).padStart(3, '0')}`, objects };
}

async function deepCluster(): Promise<SimulatedClusterDefinition> {
  const now = Date.now();
  const ca = await createCertificate({
    subject: 'CN=Bench CA',
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 365 * 86_400_000),
    isCA: true,
  });
  const leaf = await createCertificate({
    subject: 'CN=bench.example',
    dnsNames: ['bench.example'],
    issuer: ca,
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 90 * 86_400_000),
  });
  const tlsData = {
    'tls.crt': Buffer.from(leaf.certPem + ca.certPem).toString('base64'),
    'tls.key': Buffer.from(leaf.keyPem).toString('base64'),
  };
  const objects: Record<string, unknown>[] = [
    object('v1', 'Namespace', 'default'),
    object('v1', 'Namespace', 'secrets'),
  ];
  for (let i = 0; i < SECRETS; i++) {
    const tls = i % 2 === 0;
    objects.push(
      object('v1', 'Secret', `secret-${i}`, 'secrets', {
        type: tls ? 'kubernetes.io/tls' : 'Opaque',
        data: tls ? tlsData : { password: Buffer.from(`not-a-real-password-${i}`.repeat(8)).toString('base64') },
      }),
    );
  }
  return { name: 'deep', objects };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function scenario(name: string, clusters: SimulatedClusterDefinition[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetledger-bench-'));
  const fleet = await startSimulatedFleet(clusters, { kubeconfigPath: join(dir, 'kubeconfig') });
  try {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    const result = await snapshotFleet(fleetFromKubeconfig(fleet.kubeconfigPath), {
      store: new DirectoryLedgerStore(join(dir, 'ledger')),
      now: resolveNow(),
      logger: createLogger({ level: 'warn' }),
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    global.gc?.();
    const retained = process.memoryUsage();
    const stored = result.clusters.reduce((sum, c) => sum + (c.written?.size ?? 0), 0);
    console.log(`${name}:`);
    console.log(
      `  clusters            ${result.clusters.length} (ok ${result.counts.ok}, partial ${result.counts.partial}, unreachable ${result.counts.unreachable})`,
    );
    console.log(`  objects read        ${result.objectsRead}`);
    console.log(
      `  wall time           ${seconds.toFixed(2)} s (${(result.objectsRead / seconds).toFixed(0)} objects/s)`,
    );
    console.log(`  stored (gzip)       ${mib(stored)}`);
    console.log(
      `  RSS before / peak   ${mib(baseline)} / ${mib(peak)} (+${mib(peak - baseline)}, simulator in the same process)`,
    );
    console.log(`  after GC            RSS ${mib(retained.rss)}, heap used ${mib(retained.heapUsed)}`);
  } finally {
    await fleet.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await scenario(
  `breadth: ${CLUSTERS} clusters`,
  Array.from({ length: CLUSTERS }, (_, i) => smallCluster(i)),
);
await scenario(`depth: one cluster with ${SECRETS} Secrets`, [await deepCluster()]);
await largeReport(NAMESPACES);
