import type { EKSClient } from '@aws-sdk/client-eks';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { KubeConfig } from '@kubernetes/client-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { errorMessage } from '../../core/errors.js';
import { type ClusterAccess, ClusterAccessError } from './clusterAccess.js';
import { createEksToken } from './eksToken.js';

export interface EksClusterAccessProps {
  /** Name in the fleet (the snapshot's cluster name). */
  readonly clusterName: string;
  /** EKS cluster name. */
  readonly eksCluster: string;
  readonly region: string;
  /** Role to assume first; @default the ambient credentials (Lambda role, profile, environment) */
  readonly roleArn: string | null;
  /** @default credentials from roleArn or the Node provider chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default a client for the region using `credentials` */
  readonly eksClient?: EKSClient;
  /** Injected clock for the token signature. @default the current time */
  readonly now?: () => Date;
}

/** An EKS cluster: endpoint and CA from eks:DescribeCluster, a bearer token signed for STS. */
export class EksClusterAccess implements ClusterAccess {
  private readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  private eks: Promise<EKSClient> | undefined;

  constructor(private readonly props: EksClusterAccessProps) {
    this.credentials =
      props.credentials ??
      (props.roleArn
        ? fromTemporaryCredentials({
            params: { RoleArn: props.roleArn, RoleSessionName: 'fleetledger' },
            clientConfig: { region: props.region },
          })
        : fromNodeProviderChain());
  }

  /**
   * The EKS client, its module loaded on first use (as SecretsManagerReader does): only fleets with
   * EKS clusters need it, so the snapshot function's cold start does not load it.
   */
  private eksClient(): Promise<EKSClient> {
    this.eks ??= this.props.eksClient
      ? Promise.resolve(this.props.eksClient)
      : import('./eksDescribeCluster.js').then(
          ({ EKSClient }) => new EKSClient({ region: this.props.region, credentials: this.credentials }),
        );
    return this.eks;
  }

  async kubeConfig(): Promise<KubeConfig> {
    const { clusterName, eksCluster, region } = this.props;
    let endpoint: string | undefined;
    let caData: string | undefined;
    const [{ DescribeClusterCommand }, eks] = await Promise.all([import('./eksDescribeCluster.js'), this.eksClient()]);
    try {
      const described = await eks.send(new DescribeClusterCommand({ name: eksCluster }));
      endpoint = described.cluster?.endpoint;
      caData = described.cluster?.certificateAuthority?.data;
    } catch (error) {
      throw new ClusterAccessError(`eks:DescribeCluster ${eksCluster} in ${region} failed: ${errorMessage(error)}`);
    }
    if (!endpoint || !caData) {
      throw new ClusterAccessError(
        `eks:DescribeCluster ${eksCluster} in ${region} returned no endpoint or CA (cluster not active?)`,
      );
    }
    let token: string;
    try {
      token = await createEksToken({
        clusterName: eksCluster,
        region,
        credentials: this.credentials,
        ...(this.props.now ? { signingDate: this.props.now() } : {}),
      });
    } catch (error) {
      throw new ClusterAccessError(`cannot sign an EKS token for ${eksCluster}: ${errorMessage(error)}`);
    }
    const config = new KubeConfig();
    config.loadFromClusterAndUser(
      { name: clusterName, server: endpoint, caData, skipTLSVerify: false },
      { name: `${clusterName}-eks`, token },
    );
    return config;
  }
}
