/**
 * Kubeconfig files as the Kubernetes client's KubeConfig, built from the entries
 * kubeconfigDocuments.ts reads and checks (that module does not load the client).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeconfigDocuments, type ReadBytes, readKubeconfigEntries } from './kubeconfigDocuments.js';
import { kubeconfigProblem } from './kubeconfigProblem.js';

export { KubeconfigLoadError, type ReadBytes } from './kubeconfigDocuments.js';
export { kubeconfigProblem };

/**
 * Loads a kubeconfig file (read as readKubeconfigEntries reads it: syntax errors without the
 * source lines that hold credentials).
 *
 * @example
 * const config = loadKubeconfigFile('/home/audit/.kube/config'); // throws KubeconfigLoadError
 */
export function loadKubeconfigFile(path: string, read?: ReadBytes): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions(readKubeconfigEntries(path, read));
  return config;
}

/**
 * The kubeconfig files of one run, each read and parsed once (KubeconfigDocuments), with a
 * KubeConfig of its own for each cluster.
 *
 * @example
 * const files = new KubeconfigFiles();
 * const config = files.forContext('/home/audit/.kube/config', 'prod-east'); // throws KubeconfigLoadError
 */
export class KubeconfigFiles extends KubeconfigDocuments {
  /**
   * A KubeConfig of its own for one cluster: `context` (the file's current context when null) with
   * its cluster and user, and nothing else of the file (none of it when the context is not there).
   * Throws the file's KubeconfigLoadError.
   */
  forContext(path: string, context: string | null): KubeConfig {
    const file = this.document(path);
    const name = context ?? file.entries.currentContext;
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
