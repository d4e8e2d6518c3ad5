/**
 * The fleet file: which clusters to snapshot and how to reach each one.
 *
 * ```yaml
 * clusters:
 *   - name: prod-east                     # unique; [a-z0-9-]
 *     labels: { mesh: corp, env: prod }   # mesh, network: connected groups (src/evaluate/connectivity.ts)
 *     aliases: [https://prod-east.k8s.example.com:6443]   # how other clusters name its API server
 *     kubeconfig: { path: ./kubeconfig, context: prod-east }   # path relative to the fleet file
 *   - name: prod-west
 *     eks: { cluster: prod-west, region: eu-west-1, roleArn: arn:aws:iam::123456789012:role/audit }
 *   - name: lab
 *     token: { server: https://10.0.0.1:6443, caFile: ./lab-ca.pem, tokenEnv: LAB_TOKEN }  # or tokenFile, tokenSecret
 * defaults: { concurrency: 8, requestTimeoutSeconds: 20, excludeNamespaces: [kube-system, kube-public, kube-node-lease] }
 *   # readSecrets: false   # never read Secrets (for a reader role without `secrets`)
 *   # maxResponseMiB: 64   # the largest API answer read (default 64)
 * rules: { quotaNearLimit: 0.85 }
 * ```
 *
 * Every mistake is reported at once (`<file>: clusters[2].eks.region: expected ...`) as one
 * ConfigError, before anything is collected. Relative paths are resolved against the fleet file's
 * directory here, so the rest of the program only sees absolute paths.
 */
import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeconfigFiles, kubeconfigProblem, loadKubeconfigFile } from '../collect/access/loadKubeconfig.js';
import { type ConfigFile, readConfigFile } from '../core/configFile.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_EXCLUDED_NAMESPACES, type Fleet, type FleetFileOptions, parseFleetText } from './fleetDocument.js';

export * from './fleetDocument.js';

/** Parses and validates a fleet file's text (see fleetDocument.ts); kubeconfig files are checked with a fresh KubeconfigFiles unless given. */
export function parseFleetFile(text: string, file: string, options: FleetFileOptions = {}): Fleet {
  return parseFleetText(text, file, { ...options, kubeconfigs: options.kubeconfigs ?? new KubeconfigFiles() });
}

/**
 * Reads and validates a fleet file (see the module header), keeping the bytes it read: a report
 * records what produced it (src/report/configuration.ts).
 */
export function readFleetFile(file: string, options: FleetFileOptions = {}): { fleet: Fleet; source: ConfigFile } {
  const source = readConfigFile('--fleet', file);
  return { fleet: parseFleetFile(source.text, file, options), source };
}

/** Reads and validates a fleet file (see the module header). */
export function loadFleetFile(file: string, options: FleetFileOptions = {}): Fleet {
  return readFleetFile(file, options).fleet;
}

/**
 * A fleet made of the contexts of one kubeconfig file (every context unless some are named):
 * each context becomes a cluster named after it (lower-cased, other characters replaced by `-`).
 */
export function fleetFromKubeconfig(path: string, contexts?: readonly string[]): Fleet {
  let config: KubeConfig;
  try {
    config = loadKubeconfigFile(path);
  } catch (error) {
    throw new ConfigError(`--kubeconfig: cannot load ${path}: ${kubeconfigProblem(error)}`);
  }
  const available = config.getContexts().map((c) => c.name);
  const known = new Set(available);
  // A context named twice on the command line is one cluster, snapshotted once.
  const chosen = [...new Set(contexts && contexts.length > 0 ? contexts : available)];
  const problems = chosen
    .filter((name) => !known.has(name))
    .map((name) => `--context: "${name}" is not a context of ${path} (contexts: ${available.join(', ') || 'none'})`);
  if (chosen.length === 0) problems.push(`--kubeconfig: ${path} has no contexts`);
  problems.push(...sharedClusterNames(chosen, path));
  if (problems.length > 0) throw new ConfigError(problems[0] ?? '', problems);
  const absolute = resolve(path);
  return {
    source: path,
    clusters: chosen.map((context) => ({
      name: clusterNameFromContext(context),
      labels: {},
      aliases: [],
      access: { kind: 'kubeconfig', path: absolute, context },
    })),
    defaults: { concurrency: 8, requestTimeoutSeconds: 20, excludeNamespaces: [...DEFAULT_EXCLUDED_NAMESPACES] },
    rules: null,
  };
}

/** Two contexts whose names map to one cluster name (prod_east, prod-east) would write to one ledger slot. */
function sharedClusterNames(contexts: readonly string[], path: string): string[] {
  const byName = new Map<string, string[]>();
  for (const context of contexts) {
    const name = clusterNameFromContext(context);
    byName.set(name, [...(byName.get(name) ?? []), context]);
  }
  return [...byName]
    .filter(([, sharing]) => sharing.length > 1)
    .map(
      ([name, sharing]) =>
        `--kubeconfig: contexts ${sharing.map((c) => `"${c}"`).join(' and ')} of ${path} both become cluster "${name}"; name one of them with --context, or use a fleet file`,
    );
}

export function clusterNameFromContext(context: string): string {
  const name = context
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'cluster' : name;
}
