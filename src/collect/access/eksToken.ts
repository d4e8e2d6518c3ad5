/**
 * The bearer token EKS accepts (what `aws eks get-token` prints): a presigned STS
 * GetCallerIdentity URL, signed with the header `x-k8s-aws-id: <cluster>`, expiring after 60 s
 * of signing validity (EKS accepts the token for about 15 minutes), base64url without padding,
 * prefixed with `k8s-aws-v1.`.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { partition } from '@aws-sdk/core/client';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
export const EKS_CLUSTER_ID_HEADER = 'x-k8s-aws-id';

export interface EksTokenRequest {
  /** EKS cluster name (the x-k8s-aws-id header). */
  readonly clusterName: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Injected clock, for reproducible tests. */
  readonly signingDate?: Date;
}

/**
 * The regional STS endpoint host, from the SDK's own partition table: sts.eu-west-1.amazonaws.com,
 * sts.cn-north-1.amazonaws.com.cn, sts.us-iso-east-1.c2s.ic.gov, sts.eusc-de-east-1.amazonaws.eu ...
 * (EKS checks the token's host against its own partition's STS).
 */
export function stsHostname(region: string): string {
  return `sts.${region}.${partition(region).dnsSuffix}`;
}

/**
 * @example
 * const token = await createEksToken({ clusterName: 'prod-west', region: 'eu-west-1', credentials });
 * kubeConfig.loadFromClusterAndUser(cluster, { name: 'eks', token });
 */
export async function createEksToken(request: EksTokenRequest): Promise<string> {
  const hostname = stsHostname(request.region);
  const signer = new SignatureV4({
    credentials: request.credentials,
    region: request.region,
    service: 'sts',
    sha256: Sha256,
  });
  const unsigned = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, [EKS_CLUSTER_ID_HEADER]: request.clusterName },
  });
  const presigned = await signer.presign(unsigned, {
    expiresIn: 60,
    ...(request.signingDate ? { signingDate: request.signingDate } : {}),
  });
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([name, value]): [string, string][] =>
      Array.isArray(value) ? value.map((v): [string, string] => [name, String(v)]) : [[name, value ?? '']],
    )
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}
