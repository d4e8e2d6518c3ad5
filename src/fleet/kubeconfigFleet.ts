/**
 * A fleet made of the contexts of a kubeconfig file (`--kubeconfig`, KUBECONFIG, ~/.kube/config):
 * a module apart from the fleet file's reader, so that a command given a kubeconfig does not load
 * what only a fleet file needs (custom rules and the CEL library: about 0.13 s of a snapshot's
 * start).
 */
import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeconfigProblem, loadKubeconfigFile } from '../collect/access/loadKubeconfig.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_EXCLUDED_NAMESPACES, type Fleet } from './fleetDocument.js';

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
