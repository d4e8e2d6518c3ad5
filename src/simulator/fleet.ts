import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { createServingIdentity, type ServingIdentity, SimulatedApiServer } from './apiServer.js';
import { loadFleetDirectory as loadFleetFiles, sourceOf } from './fleetFiles.js';
import { generateCertificateObjects } from './generatedCertificates.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ObjectIndex } from './objectIndex.js';
import {
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_SERVING_CERT_VALID_DAYS,
  type SimulatorConfig,
  simulatorConfigProblems,
} from './simulatorConfig.js';

/**
 * A fleet of simulated Kubernetes API servers in one process: the programmatic face of
 * `fleetledger simulate`, used by tests, the benchmark and the demo.
 *
 * @example
 * const fleet = await startSimulatedFleet([{ name: 'a', objects: [namespace('payments')] }]);
 * // ... KubeConfig.loadFromFile(fleet.kubeconfigPath), or fleet.clusters[0].server/caPem/token
 * await fleet.stop();
 */
export type {
  GeneratedAuthority,
  GeneratedCaConfigMap,
  GeneratedCertificatesConfig,
  GeneratedIstioCacerts,
  GeneratedTlsSecret,
  SimulatorConfig,
} from './simulatorConfig.js';

export interface SimulatedClusterDefinition {
  /** Cluster name: also the kubeconfig context, cluster and user name. */
  name: string;
  objects: Record<string, unknown>[];
  config?: SimulatorConfig;
}

export interface RunningCluster {
  name: string;
  /** https://127.0.0.1:port */
  server: string;
  /** The CA that signed the serving certificate (what the kubeconfig trusts). */
  caPem: string;
  /** Bearer token this cluster accepts. */
  token: string;
  servingCertPem: string;
  /** Every authenticated request the cluster's API server answered, in order (method and URL). */
  requestLog: readonly string[];
}

export interface RunningFleet {
  kubeconfigPath: string;
  clusters: RunningCluster[];
  stop(): Promise<void>;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Starts one HTTPS API server per cluster (ports picked free) and writes a kubeconfig with one
 * context per cluster, to `options.kubeconfigPath` or a new file in the system temp directory.
 * Throws ConfigError for invalid definitions (bad objects, config, duplicate names).
 */
export interface StartFleetOptions {
  kubeconfigPath?: string;
  /** The fleet's clock: `!now` is resolved by loadFleetDirectory; this dates generated certificates. */
  now?: Date;
  /**
   * Serving identities by cluster name, shared between starts: a cluster found here keeps its CA
   * and serving certificate, one missing gets new ones, added here. The demo passes the same map
   * to last week's and this week's fleet, so the API servers do not seem to rotate certificates.
   */
  servingIdentities?: Map<string, ServingIdentity>;
}

export async function startSimulatedFleet(
  clusters: SimulatedClusterDefinition[],
  options: StartFleetOptions = {},
): Promise<RunningFleet> {
  const now = options.now ?? new Date();
  checkDefinitions(clusters);
  const indexes: ObjectIndex[] = [];
  for (const cluster of clusters) {
    const generated = cluster.config?.certificates
      ? await generateCertificateObjects(cluster.config.certificates, now, `cluster ${cluster.name}: simulator config`)
      : [];
    const objects = [...cluster.objects, ...generated];
    indexes.push(
      new ObjectIndex(cluster.name, objects, {
        now,
        kubernetesVersion: cluster.config?.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
        describe: (index) => {
          const object = objects[index];
          return (object && sourceOf(object)) ?? `object ${index + 1}`;
        },
      }),
    );
  }

  const servers: SimulatedApiServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (const [i, cluster] of clusters.entries()) {
      const config = cluster.config ?? {};
      const index = indexes[i];
      if (!index) continue;
      const servingCertValidDays = config.servingCertValidDays ?? DEFAULT_SERVING_CERT_VALID_DAYS;
      let identity = options.servingIdentities?.get(cluster.name);
      if (!identity && options.servingIdentities) {
        identity = await createServingIdentity({ name: cluster.name, now, servingCertValidDays });
        options.servingIdentities.set(cluster.name, identity);
      }
      servers.push(
        await SimulatedApiServer.start(
          {
            name: cluster.name,
            kubernetesVersion: config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
            servingCertValidDays,
            forbidden: config.forbidden ?? [],
            unreachable: config.faults?.unreachable ?? false,
            port: config.port ?? 0,
            latencyMs: config.faults?.latencyMs ?? 0,
            tooManyRequestsEvery: config.faults?.tooManyRequestsEvery ?? 0,
            serverErrorEvery: config.faults?.serverErrorEvery ?? 0,
            now,
            ...(identity ? { identity } : {}),
          },
          index,
        ),
      );
    }
    const running = clusters.map((cluster, i) => {
      const server = servers[i] as SimulatedApiServer;
      return {
        name: cluster.name,
        server: server.server,
        caPem: server.caPem,
        token: server.token,
        servingCertPem: server.servingCertPem,
        requestLog: server.requestLog,
      };
    });
    const kubeconfigPath =
      options.kubeconfigPath ?? join(await mkdtemp(join(tmpdir(), 'fleetledger-sim-')), 'kubeconfig');
    await writeKubeconfig(kubeconfigPath, running);
    return { kubeconfigPath, clusters: running, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function checkDefinitions(clusters: readonly SimulatedClusterDefinition[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (!CLUSTER_NAME.test(cluster.name)) {
      problems.push(`cluster "${cluster.name}": expected a name of lower-case letters, digits, '-' and '.'`);
    }
    if (seen.has(cluster.name)) problems.push(`cluster "${cluster.name}": defined twice`);
    seen.add(cluster.name);
    for (const problem of simulatorConfigProblems(cluster.config))
      problems.push(`cluster ${cluster.name}: simulator config: ${problem}`);
  }
  if (problems.length > 0) throw new ConfigError(problems[0] ?? 'invalid fleet', problems);
}

/** Reads a fleet directory (see fleetFiles.ts); `now` resolves `!now` timestamps. */
export async function loadFleetDirectory(
  dir: string,
  options: { now?: Date } = {},
): Promise<SimulatedClusterDefinition[]> {
  return loadFleetFiles(dir, options);
}
