/**
 * How the deployed functions authenticate: EKS tokens presigned for the STS of the cluster's own
 * partition, and bearer tokens read from Secrets Manager at run time (mocked at the SDK boundary,
 * the cluster a real simulated API server over HTTPS), never written anywhere.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { DateTime } from 'luxon';
import { ClusterAccessError } from '../../src/collect/access/clusterAccess.js';
import { clusterAccessFor } from '../../src/collect/access/clusterAccessFor.js';
import { createEksToken, EKS_TOKEN_PREFIX, stsHostname } from '../../src/collect/access/eksToken.js';
import { SecretsManagerReader } from '../../src/collect/access/secretTokens.js';
import { collectClusterSnapshot } from '../../src/collect/collectClusterSnapshot.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { parseFleetFile } from '../../src/fleet/fleetFile.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from './fixtures.js';

const secretsManager = mockClient(SecretsManagerClient);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:fleetledger/lab-AbCdEf';

afterAll(() => secretsManager.restore());
beforeEach(() => secretsManager.reset());

describe('STS hostnames of EKS tokens', () => {
  it.each([
    ['eu-west-1', 'sts.eu-west-1.amazonaws.com'],
    ['us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
    ['us-iso-east-1', 'sts.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', 'sts.us-isob-east-1.sc2s.sgov.gov'],
    ['eu-isoe-west-1', 'sts.eu-isoe-west-1.cloud.adc-e.uk'],
    ['us-isof-south-1', 'sts.us-isof-south-1.csp.hci.ic.gov'],
    ['eusc-de-east-1', 'sts.eusc-de-east-1.amazonaws.eu'],
  ])('are the regional STS endpoint of the partition of %s: %s', (region, host) => {
    expect(stsHostname(region)).toBe(host);
  });

  it('sign the token for that host, in the region of the cluster', async () => {
    const token = await createEksToken({
      clusterName: 'isolated',
      region: 'us-iso-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      signingDate: new Date('2026-11-25T09:00:00Z'),
    });

    const url = new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    expect(url.host).toBe('sts.us-iso-east-1.c2s.ic.gov');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261125/us-iso-east-1/sts/aws4_request');
  });
});

describe('bearer tokens in Secrets Manager', () => {
  let fleet: RunningFleet;
  beforeAll(async () => {
    const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
    fleet = await startSimulatedFleet([{ name: 'lab', objects: [namespace('payments')] }]);
  });
  afterAll(() => fleet?.stop());

  function labTarget(tokenSecret: string) {
    const lab = fleet.clusters[0]!;
    const text = [
      'clusters:',
      `  - name: lab`,
      `    token: { server: "${lab.server}", caData: ${Buffer.from(lab.caPem).toString('base64')}, tokenSecret: "${tokenSecret}" }`,
    ].join('\n');
    return parseFleetFile(text, '/fleet/fleet.yaml').clusters[0]!;
  }

  it('reads the token of tokenSecret at run time, in the region of the secret ARN, and snapshots the cluster with it', async () => {
    // Prepare
    const lab = fleet.clusters[0]!;
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: `${lab.token}\n` });
    const regions: (string | undefined)[] = [];
    const secrets = new SecretsManagerReader((region) => {
      regions.push(region);
      return new SecretsManagerClient({ region: region ?? 'us-east-1' });
    });
    const logger = createMemoryLogger();

    // Act
    const snapshot = await collectClusterSnapshot(labTarget(SECRET_ARN), {
      clock: () => DateTime.utc(),
      logger,
      requestTimeoutMs: 5_000,
      excludeNamespaces: [],
      access: clusterAccessFor(labTarget(SECRET_ARN), undefined, secrets),
    });

    // Assess
    expect(snapshot.meta.status).toBe('ok');
    expect(snapshot.namespaces.map((n) => n.name)).toContain('payments');
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET_ARN },
    ]);
    expect(regions).toEqual(['eu-central-1']);
    expect(JSON.stringify(snapshot)).not.toContain(lab.token);
    expect(logger.lines.join('\n')).not.toContain(lab.token);
  });

  it('records the cluster as unreachable, naming the secret and the refusal, when the secret cannot be read', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/x is not authorized'), {
        name: 'AccessDeniedException',
      }),
    );

    const snapshot = await collectClusterSnapshot(labTarget('fleetledger/lab'), {
      clock: () => DateTime.utc(),
      logger: createMemoryLogger(),
      requestTimeoutMs: 5_000,
      excludeNamespaces: [],
    });

    expect(snapshot.meta.status).toBe('unreachable');
    expect(snapshot.meta.unreachableReason).toBe(
      'cannot read the token secret fleetledger/lab (AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/x is not authorized)',
    );
  });

  it('refuses an empty secret without echoing anything it holds', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '  \n' });

    await expect(new SecretsManagerReader().readSecret('fleetledger/lab')).rejects.toThrow(
      new ClusterAccessError('the token secret fleetledger/lab holds no token (an empty or binary secret)'),
    );
  });

  it('is one of the three token sources of a fleet file entry, named by ARN or name', () => {
    const entry = (token: string) =>
      `clusters:\n  - { name: lab, token: { server: "https://10.0.0.1:6443", ${token} } }\n`;

    expect(parseFleetFile(entry(`tokenSecret: "${SECRET_ARN}"`), '/f.yaml').clusters[0]!.access).toMatchObject({
      kind: 'token',
      tokenSecret: SECRET_ARN,
      tokenEnv: null,
      tokenFile: null,
    });
    expect(() => parseFleetFile(entry('tokenSecret: "lab token!", tokenFile: ./t'), '/f.yaml')).toThrow(
      expect.objectContaining({
        problems: [
          '/f.yaml: clusters[0].token.tokenSecret: expected a Secrets Manager secret ARN or name (e.g. arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleetledger/lab-AbCdEf)',
          '/f.yaml: clusters[0].token: expected exactly one of tokenEnv, tokenFile or tokenSecret',
        ],
      }),
    );
    expect(() => parseFleetFile(entry('tokenSecret: fleetledger/lab, tokenEnv: LAB'), '/f.yaml')).toThrow(
      '/f.yaml: clusters[0].token: expected exactly one of tokenEnv, tokenFile or tokenSecret',
    );
  });
});
