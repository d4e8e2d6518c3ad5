import { KubeConfig } from '@kubernetes/client-node';
import { errorMessage } from '../../core/errors.js';
import { type ClusterAccess, ClusterAccessError } from './clusterAccess.js';

/** A context of a kubeconfig file (the file's current context when none is named). */
export class KubeconfigClusterAccess implements ClusterAccess {
  constructor(
    private readonly path: string,
    private readonly context: string | null,
  ) {}

  async kubeConfig(): Promise<KubeConfig> {
    const config = new KubeConfig();
    try {
      config.loadFromFile(this.path);
    } catch (error) {
      throw new ClusterAccessError(`cannot load kubeconfig ${this.path}: ${errorMessage(error)}`);
    }
    if (this.context !== null) {
      if (!config.getContextObject(this.context)) {
        throw new ClusterAccessError(`kubeconfig ${this.path} has no context "${this.context}"`);
      }
      config.setCurrentContext(this.context);
    }
    if (!config.getCurrentCluster()) {
      throw new ClusterAccessError(`kubeconfig ${this.path}: the context names no cluster`);
    }
    return config;
  }
}
