import type { ClusterTarget } from '../../fleet/fleetFile.js';
import type { ClusterAccess } from './clusterAccess.js';
import { EksClusterAccess } from './EksClusterAccess.js';
import { KubeconfigClusterAccess } from './KubeconfigClusterAccess.js';
import { KubeconfigFiles } from './loadKubeconfig.js';
import type { SecretReader } from './secretTokens.js';
import { TokenClusterAccess } from './TokenClusterAccess.js';

/**
 * The access strategy a fleet file entry asks for. `kubeconfigs`: the run's kubeconfig files, so
 * that a file many clusters name is read once (default: a set of its own). `secrets`: where
 * `tokenSecret` tokens are read (default: Secrets Manager).
 */
export function clusterAccessFor(
  target: ClusterTarget,
  kubeconfigs = new KubeconfigFiles(),
  secrets?: SecretReader,
): ClusterAccess {
  const { access } = target;
  switch (access.kind) {
    case 'kubeconfig':
      return new KubeconfigClusterAccess(access.path, access.context, kubeconfigs);
    case 'token':
      return new TokenClusterAccess({ clusterName: target.name, ...access, ...(secrets ? { secrets } : {}) });
    case 'eks':
      return new EksClusterAccess({
        clusterName: target.name,
        eksCluster: access.cluster,
        region: access.region,
        roleArn: access.roleArn,
      });
  }
}
