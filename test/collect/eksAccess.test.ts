import { createHash, createHmac } from 'node:crypto';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { ClusterAccessError } from '../../src/collect/access/clusterAccess.js';
import { EksClusterAccess } from '../../src/collect/access/EksClusterAccess.js';
import { createEksToken, EKS_TOKEN_PREFIX } from '../../src/collect/access/eksToken.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signingDate = new Date('2026-11-25T09:00:00Z');

function decodeToken(token: string): URL {
  expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
}

/** SigV4 computed independently of the SDK, from the AWS documentation's recipe. */
function expectedSignature(url: URL, clusterName: string): string {
  const query = [...url.searchParams.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encodeURIComponent(name), encodeURIComponent(value)])
    .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    query,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const scope = '20261125/eu-west-1/sts/aws4_request';
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    '20261125T090000Z',
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  let key = hmac(`AWS4${credentials.secretAccessKey}`, '20261125');
  key = hmac(key, 'eu-west-1');
  key = hmac(key, 'sts');
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('EKS token', () => {
  it('is a presigned regional STS GetCallerIdentity URL signed with the cluster id header, valid 60 s', async () => {
    // Act
    const token = await createEksToken({ clusterName: 'prod-west', region: 'eu-west-1', credentials, signingDate });

    // Assess
    const url = decodeToken(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const params = Object.fromEntries(url.searchParams.entries());
    expect(params).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261125/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20261125T090000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(params['X-Amz-Signature']).toBe(expectedSignature(url, 'prod-west'));
  });

  it('carries the session token of temporary credentials', async () => {
    const token = await createEksToken({
      clusterName: 'prod-west',
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'session-token-value' },
      signingDate,
    });
    expect(decodeToken(token).searchParams.get('X-Amz-Security-Token')).toBe('session-token-value');
  });
});

describe('EKS cluster access', () => {
  const eks = mockClient(EKSClient);
  afterEach(() => eks.reset());

  it('takes endpoint and CA from DescribeCluster and authenticates with a signed token', async () => {
    // Prepare
    eks.on(DescribeClusterCommand, { name: 'prod-west' }).resolves({
      cluster: {
        name: 'prod-west',
        endpoint: 'https://ABC123.gr7.eu-west-1.eks.amazonaws.com',
        certificateAuthority: { data: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' },
      },
    });
    const access = new EksClusterAccess({
      clusterName: 'west',
      eksCluster: 'prod-west',
      region: 'eu-west-1',
      roleArn: null,
      credentials,
      eksClient: new EKSClient({ region: 'eu-west-1', credentials }),
      now: () => signingDate,
    });

    // Act
    const config = await access.kubeConfig();

    // Assess
    expect(config.getCurrentCluster()).toMatchObject({
      name: 'west',
      server: 'https://ABC123.gr7.eu-west-1.eks.amazonaws.com',
      caData: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
      skipTLSVerify: false,
    });
    const token = config.getCurrentUser()?.token ?? '';
    expect(decodeToken(token).host).toBe('sts.eu-west-1.amazonaws.com');
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it('reports a failed DescribeCluster as an access error naming the cluster and region', async () => {
    eks.on(DescribeClusterCommand).rejects(new Error('No cluster found for name: prod-west.'));
    const access = new EksClusterAccess({
      clusterName: 'west',
      eksCluster: 'prod-west',
      region: 'eu-west-1',
      roleArn: null,
      credentials,
      eksClient: new EKSClient({ region: 'eu-west-1', credentials }),
    });
    await expect(access.kubeConfig()).rejects.toThrow(
      new ClusterAccessError(
        'eks:DescribeCluster prod-west in eu-west-1 failed: No cluster found for name: prod-west.',
      ),
    );
  });
});
