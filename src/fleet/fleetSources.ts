/**
 * Which clusters a command works on: a fleet file, a kubeconfig named on the command line, or,
 * with neither, the kubeconfig kubectl would use: the files of KUBECONFIG (the platform's path
 * separator, the first file to name a context wins, as kubectl merges them), else ~/.kube/config.
 * Every context unless --context names some.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Fleet } from './fleetDocument.js';
import { fleetFromKubeconfig } from './kubeconfigFleet.js';

export interface FleetSourceFlags {
  fleet?: string;
  kubeconfig?: string;
  context?: string[];
}

/** The kubeconfig files kubectl would read: KUBECONFIG's (existing ones), else ~/.kube/config when it exists. */
export function defaultKubeconfigFiles(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const listed = (env['KUBECONFIG'] ?? '').split(delimiter).filter((path) => path.trim() !== '');
  if (listed.length > 0) return [...new Set(listed)].filter((path) => existsSync(path));
  const fallback = join(home, '.kube', 'config');
  return existsSync(fallback) ? [fallback] : [];
}

/**
 * The fleet the flags (or the environment) name; ConfigError naming the flag when they say nothing
 * usable. The fleet file's reader (with custom rules and CEL) is loaded only for a fleet file.
 */
export async function fleetFromSources(
  flags: FleetSourceFlags,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): Promise<Fleet> {
  if (flags.fleet && flags.kubeconfig) throw new ConfigError('give either --fleet or --kubeconfig, not both');
  if (flags.fleet) {
    if (flags.context?.length) throw new ConfigError('--context goes with --kubeconfig (or KUBECONFIG), not --fleet');
    const { loadFleetFile } = await import('./fleetFile.js');
    return loadFleetFile(flags.fleet);
  }
  if (flags.kubeconfig) return fleetFromKubeconfig(flags.kubeconfig, flags.context);
  const files = defaultKubeconfigFiles(env, home);
  if (files.length === 0) {
    throw new ConfigError(
      `expected --fleet FILE or --kubeconfig FILE: which clusters to use (KUBECONFIG ${env['KUBECONFIG'] ? 'names no existing file' : 'is not set'} and ${join(home, '.kube', 'config')} does not exist)`,
    );
  }
  return mergedKubeconfigFleet(files, flags.context);
}

/** The contexts of several kubeconfig files as one fleet: the first file to name a context wins. */
function mergedKubeconfigFleet(files: readonly string[], contexts: readonly string[] | undefined): Fleet {
  const fleets = files.map((file) => fleetFromKubeconfig(file));
  const clusters = new Map<string, Fleet['clusters'][number]>();
  for (const fleet of fleets) {
    for (const cluster of fleet.clusters) {
      const context = cluster.access.kind === 'kubeconfig' ? (cluster.access.context ?? '') : cluster.name;
      if (!clusters.has(context)) clusters.set(context, cluster);
    }
  }
  const wanted = contexts && contexts.length > 0 ? [...new Set(contexts)] : [...clusters.keys()];
  const unknown = wanted.filter((context) => !clusters.has(context));
  if (unknown.length > 0) {
    const problems = unknown.map(
      (context) =>
        `--context: "${context}" is not a context of ${files.join(', ')} (contexts: ${[...clusters.keys()].join(', ') || 'none'})`,
    );
    throw new ConfigError(problems[0] ?? '', problems);
  }
  // One file: its own checks apply as for --kubeconfig.
  if (files.length === 1) return fleetFromKubeconfig(files[0] as string, contexts);
  const chosen = wanted.flatMap((context) => clusters.get(context) ?? []);
  const shared = chosen.filter((cluster, i) => chosen.findIndex((other) => other.name === cluster.name) !== i);
  if (shared.length > 0) {
    throw new ConfigError(
      `KUBECONFIG: two contexts become cluster "${shared[0]?.name}"; name the contexts with --context, or use a fleet file`,
    );
  }
  return { ...(fleets[0] as Fleet), source: files.join(delimiter), clusters: chosen };
}
