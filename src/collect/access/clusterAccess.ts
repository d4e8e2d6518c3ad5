/**
 * How fleetledger reaches a cluster: each variant turns a fleet file entry into a KubeConfig
 * holding one context (endpoint, CA, credentials). Credentials stay inside the KubeConfig: they
 * are never logged, stored or put into a message.
 */
import type { KubeConfig } from '@kubernetes/client-node';

export interface ClusterAccess {
  /** A KubeConfig whose current context is the cluster. Throws ClusterAccessError when it cannot be built. */
  kubeConfig(): Promise<KubeConfig>;
}

/** The cluster cannot be reached with what the fleet file gives (it becomes an `unreachable` snapshot). */
export class ClusterAccessError extends Error {
  override readonly name = 'ClusterAccessError';
}
