import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { decodeUtf8, yamlValueOf } from '../../core/configFile.js';
import { kubeconfigProblem } from './kubeconfigProblem.js';

/** A kubeconfig file that could not be loaded; the message is safe to show and to store. */
export class KubeconfigLoadError extends Error {
  override readonly name = 'KubeconfigLoadError';
}

/** Reads a file's bytes (injected in tests to count the reads). */
export type ReadBytes = (path: string) => Uint8Array;

const readBytes: ReadBytes = (path) => readFileSync(path);

/**
 * Loads a kubeconfig file. The YAML parser's messages quote the offending source lines, which in
 * a kubeconfig are tokens and passwords: only the first line (the reason, its line and column) is
 * kept, so a syntax error never carries credentials into a snapshot, a report or a terminal.
 *
 * @example
 * const config = loadKubeconfigFile('/home/audit/.kube/config'); // throws KubeconfigLoadError
 */
export function loadKubeconfigFile(path: string, read: ReadBytes = readBytes): KubeConfig {
  const config = new KubeConfig();
  // Read as every configuration file is (src/core/configFile.ts: strict UTF-8, the YAML alias
  // limit, no __proto__ keys), then handed to the client as JSON, which has no aliases to expand.
  let parsed: ReturnType<typeof yamlValueOf>;
  try {
    parsed = yamlValueOf(decodeUtf8(read(path)));
  } catch (error) {
    throw new KubeconfigLoadError(kubeconfigProblem(error));
  }
  if ('problems' in parsed) throw new KubeconfigLoadError(kubeconfigProblem(parsed.problems[0]));
  try {
    config.loadFromString(JSON.stringify(parsed.value ?? {}));
    // As loadFromFile does: certificate and key files are relative to the kubeconfig's folder.
    config.makePathsAbsolute(dirname(path));
  } catch (error) {
    throw new KubeconfigLoadError(kubeconfigProblem(error));
  }
  return config;
}

export { kubeconfigProblem };

/** A parsed kubeconfig file with its entries by name (the first of a name wins, as in KubeConfig). */
interface ParsedKubeconfig {
  readonly config: KubeConfig;
  readonly contexts: ReadonlyMap<string, KubeConfig['contexts'][number]>;
  readonly clusters: ReadonlyMap<string, KubeConfig['clusters'][number]>;
  readonly users: ReadonlyMap<string, KubeConfig['users'][number]>;
}

function byName<T extends { name: string }>(entries: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const entry of entries) if (!map.has(entry.name)) map.set(entry.name, entry);
  return map;
}

/**
 * The kubeconfig files of one run (validating a fleet file, collecting a fleet), each read and
 * parsed once, however many clusters name it: 400,000 clusters of one kubeconfig took 108 s to
 * validate when the file was read again for each. Contexts are looked up by name, not searched.
 *
 * @example
 * const files = new KubeconfigFiles();
 * const config = files.forContext('/home/audit/.kube/config', 'prod-east'); // throws KubeconfigLoadError
 */
export class KubeconfigFiles {
  private readonly parsed = new Map<string, ParsedKubeconfig | KubeconfigLoadError>();
  private readonly existing = new Map<string, boolean>();

  constructor(private readonly read: ReadBytes = readBytes) {}

  /** Whether the file exists (asked once per path). */
  exists(path: string): boolean {
    let exists = this.existing.get(path);
    if (exists === undefined) {
      exists = existsSync(path);
      this.existing.set(path, exists);
    }
    return exists;
  }

  /** The file, parsed once. Throws the file's KubeconfigLoadError. */
  private file(path: string): ParsedKubeconfig {
    let parsed = this.parsed.get(path);
    if (parsed === undefined) {
      try {
        const config = loadKubeconfigFile(path, this.read);
        parsed = {
          config,
          contexts: byName(config.contexts),
          clusters: byName(config.clusters),
          users: byName(config.users),
        };
      } catch (error) {
        if (!(error instanceof KubeconfigLoadError)) throw error;
        parsed = error;
      }
      this.parsed.set(path, parsed);
    }
    if (parsed instanceof KubeconfigLoadError) throw parsed;
    return parsed;
  }

  /** Whether the file has the context. Throws the file's KubeconfigLoadError. */
  hasContext(path: string, context: string): boolean {
    return this.file(path).contexts.has(context);
  }

  /**
   * A KubeConfig of its own for one cluster: `context` (the file's current context when null) with
   * its cluster and user, and nothing else of the file (none of it when the context is not there).
   * Throws the file's KubeconfigLoadError.
   */
  forContext(path: string, context: string | null): KubeConfig {
    const file = this.file(path);
    const name = context ?? file.config.currentContext;
    const chosen = file.contexts.get(name);
    const cluster = chosen ? file.clusters.get(chosen.cluster) : undefined;
    const user = chosen ? file.users.get(chosen.user) : undefined;
    const config = new KubeConfig();
    config.loadFromOptions({
      contexts: chosen ? [chosen] : [],
      clusters: cluster ? [cluster] : [],
      users: user ? [user] : [],
      currentContext: name,
    });
    return config;
  }
}
