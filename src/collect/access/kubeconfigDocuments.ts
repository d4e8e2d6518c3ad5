/**
 * Kubeconfig files read and checked without the Kubernetes client's KubeConfig: the entries
 * (clusters, contexts, users, current context) each file holds, validated by the client's own
 * entry parsers (`@kubernetes/client-node/dist/config_types.js`, the functions
 * KubeConfig.loadFromString calls), with relative certificate and key paths made absolute as
 * loadFromFile does. A module of its own because KubeConfig's module loads undici and the HTTP
 * stack (1.2 MB of a Lambda bundle): the open-run function checks the kubeconfig files a fleet
 * names and contacts no cluster. loadKubeconfig.ts builds KubeConfigs from these entries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  type Cluster,
  type Context,
  newClusters,
  newContexts,
  newUsers,
  type User,
} from '@kubernetes/client-node/dist/config_types.js';
import { decodeUtf8, yamlValueOf } from '../../core/configFile.js';
import type { KubeconfigChecks } from '../../fleet/fleetDocument.js';
import { kubeconfigProblem } from './kubeconfigProblem.js';

/** A kubeconfig file that could not be loaded; the message is safe to show and to store. */
export class KubeconfigLoadError extends Error {
  override readonly name = 'KubeconfigLoadError';
}

/** Reads a file's bytes (injected in tests to count the reads). */
export type ReadBytes = (path: string) => Uint8Array;

const readBytes: ReadBytes = (path) => readFileSync(path);

/** What a kubeconfig file holds, as KubeConfig.loadFromOptions takes it. */
export interface KubeconfigEntries {
  readonly clusters: Cluster[];
  readonly contexts: Context[];
  readonly users: User[];
  readonly currentContext: string;
}

/** As the client's makePathsAbsolute: a relative path is relative to the kubeconfig's folder. */
const absoluteFrom = (root: string, file: string) => (!root || isAbsolute(file) ? file : join(root, file));

/**
 * Reads a kubeconfig file's entries. The YAML parser's messages quote the offending source lines,
 * which in a kubeconfig are tokens and passwords: only the first line (the reason, its line and
 * column) is kept, so a syntax error never carries credentials into a snapshot, a report or a
 * terminal.
 *
 * @example
 * const entries = readKubeconfigEntries('/home/audit/.kube/config'); // throws KubeconfigLoadError
 */
export function readKubeconfigEntries(path: string, read: ReadBytes = readBytes): KubeconfigEntries {
  // Read as every configuration file is (src/core/configFile.ts: strict UTF-8, the YAML alias
  // limit, no __proto__ keys), then as the client reads it: from JSON, which has no aliases to expand.
  let parsed: ReturnType<typeof yamlValueOf>;
  try {
    parsed = yamlValueOf(decodeUtf8(read(path)));
  } catch (error) {
    throw new KubeconfigLoadError(kubeconfigProblem(error));
  }
  if ('problems' in parsed) throw new KubeconfigLoadError(kubeconfigProblem(parsed.problems[0]));
  try {
    const document = JSON.parse(JSON.stringify(parsed.value ?? {})) as Record<string, unknown>;
    const entries = {
      clusters: newClusters(document['clusters']),
      contexts: newContexts(document['contexts']),
      users: newUsers(document['users']),
      currentContext: document['current-context'] as string,
    };
    const root = dirname(path);
    for (const cluster of entries.clusters) {
      if (cluster.caFile) (cluster as { caFile?: string }).caFile = absoluteFrom(root, cluster.caFile);
    }
    for (const user of entries.users) {
      if (user.certFile) (user as { certFile?: string }).certFile = absoluteFrom(root, user.certFile);
      if (user.keyFile) (user as { keyFile?: string }).keyFile = absoluteFrom(root, user.keyFile);
    }
    return entries;
  } catch (error) {
    throw new KubeconfigLoadError(kubeconfigProblem(error));
  }
}

/** A kubeconfig file's entries with its contexts, clusters and users by name (the first of a name wins, as in KubeConfig). */
export interface KubeconfigDocument {
  readonly entries: KubeconfigEntries;
  readonly contexts: ReadonlyMap<string, Context>;
  readonly clusters: ReadonlyMap<string, Cluster>;
  readonly users: ReadonlyMap<string, User>;
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
 * const files = new KubeconfigDocuments();
 * files.hasContext('/home/audit/.kube/config', 'prod-east'); // throws KubeconfigLoadError
 */
export class KubeconfigDocuments implements KubeconfigChecks {
  private readonly parsed = new Map<string, KubeconfigDocument | KubeconfigLoadError>();
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
  protected document(path: string): KubeconfigDocument {
    let parsed = this.parsed.get(path);
    if (parsed === undefined) {
      try {
        const entries = readKubeconfigEntries(path, this.read);
        parsed = {
          entries,
          contexts: byName(entries.contexts),
          clusters: byName(entries.clusters),
          users: byName(entries.users),
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
    return this.document(path).contexts.has(context);
  }
}
