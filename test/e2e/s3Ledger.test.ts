import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createCertificate } from '../../src/simulator/certificates.js';
import { type RunningFleet, startSimulatedFleet } from '../../src/simulator/fleet.js';
import { runFleetledger } from '../support/cli.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';

// issue 4, "Done when": snapshot into s3:// and verify it, through the CLI, exactly as with a directory.
// Each test snapshots into a ledger (prefix) of its own: none depends on another having run.
describe('fleetledger snapshot and verify on an S3 ledger (s3rver)', () => {
  let s3: RunningS3rver;
  let fleet: RunningFleet;
  let env: Record<string, string>;

  /** `fleetledger snapshot` of the fleet into s3://bucket/<prefix>. */
  const snapshotInto = (prefix: string) =>
    runFleetledger(
      [
        'snapshot',
        '--kubeconfig',
        fleet.kubeconfigPath,
        '--store',
        `s3://${s3.bucket}/${prefix}`,
        '--s3-endpoint',
        s3.endpoint,
        '--now',
        '2026-11-25T09:00:00Z',
      ],
      env,
    );
  const verify = (prefix: string) =>
    runFleetledger(['verify', '--store', `s3://${s3.bucket}/${prefix}`, '--s3-endpoint', s3.endpoint], env);

  beforeAll(async () => {
    s3 = await startS3rver({ bucket: 'audit-evidence' });
    const now = Date.now();
    const cert = await createCertificate({
      subject: 'CN=api.payments.example',
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 90 * 86_400_000),
    });
    fleet = await startSimulatedFleet([
      {
        name: 'prod-east',
        objects: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } },
          {
            apiVersion: 'v1',
            kind: 'Secret',
            type: 'kubernetes.io/tls',
            metadata: { name: 'api-tls', namespace: 'payments' },
            data: {
              'tls.crt': Buffer.from(cert.certPem).toString('base64'),
              'tls.key': Buffer.from(cert.keyPem).toString('base64'),
            },
          },
        ],
      },
      { name: 'prod-west', objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }] },
    ]);
    env = { ...s3.environment, AWS_ENDPOINT_URL_S3: s3.endpoint };
  });
  afterAll(async () => {
    await fleet?.stop();
    await s3?.stop();
  });

  it('stores every snapshot under the shared key layout and verifies the ledger with exit 0', async () => {
    const snapshot = await snapshotInto('ledger-layout');
    expect(snapshot.stderr).toBe('');
    expect(snapshot.code).toBe(0);
    const keys = (await s3.store('ledger-layout').list('')).map((o) => o.key);
    expect(keys.filter((k) => k.startsWith('snapshots/'))).toEqual([
      expect.stringMatching(/^snapshots\/cluster=prod-east\/date=2026-11-25\/2026-11-25T09-00-0\d\.\d{3}Z\.json\.gz$/),
      expect.stringMatching(/^snapshots\/cluster=prod-west\/date=2026-11-25\/2026-11-25T09-00-0\d\.\d{3}Z\.json\.gz$/),
    ]);
    expect(keys.filter((k) => k.startsWith('manifests/'))).toHaveLength(1);

    const verified = await verify('ledger-layout');
    expect(verified.code).toBe(0);
    // Two snapshots and the run's heads index.
    expect(verified.stdout).toContain('ledger verified: 1 manifest(s), 3 object(s) checked');
  });

  it('names a deleted snapshot and a planted object, and exits 1', async () => {
    // Prepare: a ledger of its own, then one snapshot deleted and an object planted
    expect((await snapshotInto('ledger-tampered')).code).toBe(0);
    const client = new S3Client(s3.clientConfig);
    const keys = (await s3.store('ledger-tampered').list('snapshots/')).map((o) => o.key);
    const deleted = keys[0] as string;
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `ledger-tampered/${deleted}` }));
    const planted = 'snapshots/cluster=prod-east/date=2026-11-25/2026-11-25T10-00-00.000Z.json.gz';
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: `ledger-tampered/${planted}`, Body: 'not evidence' }),
    );
    client.destroy();

    // Act
    const verified = await verify('ledger-tampered');

    // Assess
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`missing ${deleted}: recorded by manifests/`);
    expect(verified.stdout).toContain(`unexpected ${planted}: in the store but recorded by no manifest`);
  });
});
