import type { KubeConfig } from '@kubernetes/client-node';
import { type ClusterAccess, ClusterAccessError } from './clusterAccess.js';
import { KubeconfigFiles, kubeconfigProblem } from './loadKubeconfig.js';

/** A context of a kubeconfig file (the file's current context when none is named). */
export class KubeconfigClusterAccess implements ClusterAccess {
  constructor(
    private readonly path: string,
    private readonly context: string | null,
    /** The run's kubeconfig files, so a file many clusters name is parsed once. */
    private readonly files: KubeconfigFiles = new KubeconfigFiles(),
  ) {}

  async kubeConfig(): Promise<KubeConfig> {
    let config: KubeConfig;
    try {
      config = this.files.forContext(this.path, this.context);
    } catch (error) {
      // Never the whole message: YAML errors quote the file, tokens included.
      throw new ClusterAccessError(`cannot load kubeconfig ${this.path}: ${kubeconfigProblem(error)}`);
    }
    if (this.context !== null && !config.getContextObject(this.context)) {
      throw new ClusterAccessError(`kubeconfig ${this.path} has no context "${this.context}"`);
    }
    if (!config.getCurrentCluster()) {
      throw new ClusterAccessError(`kubeconfig ${this.path}: the context names no cluster`);
    }
    return config;
  }
}
