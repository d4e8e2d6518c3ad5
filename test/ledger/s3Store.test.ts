/**
 * What only the S3 store does: object metadata, server-verified checksums, conditional writes,
 * prefixes, and one clear line for the failures a user must fix.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { main } from '../../src/cli/main.js';
import { OperationalError } from '../../src/core/errors.js';
import { FLEETLEDGER_VERSION } from '../../src/core/version.js';
import { writeJson } from '../../src/ledger/objects.js';
import { openStore } from '../../src/ledger/open.js';
import { parseS3Location } from '../../src/ledger/s3Location.js';
import { createS3Client, S3LedgerStore } from '../../src/ledger/s3Store.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { ObjectExistsError } from '../../src/ledger/store.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { makeSnapshot } from '../support/snapshotFixture.js';
import { captureOutput } from './storeFixtures.js';

let s3: RunningS3rver;
let raw: S3Client;
beforeAll(async () => {
  s3 = await startS3rver();
  raw = new S3Client(s3.clientConfig);
});
afterAll(async () => {
  raw.destroy();
  await s3.stop();
});

describe('parseS3Location', () => {
  it.each([
    ['s3://bucket', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/a/b/', { bucket: 'bucket', prefix: 'a/b' }],
    ['./ledger', null],
  ])('reads %j as %j', (text, expected) => {
    expect(parseS3Location(text)).toEqual(expected);
  });
});

describe('S3LedgerStore', () => {
  it('stores Content-Type, Content-Encoding and the fleetledger and schema versions with a snapshot', async () => {
    const store = s3.store('meta');

    const written = await writeSnapshot(store, makeSnapshot());

    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `meta/${written.key}` }));
    expect(head.ContentType).toBe('application/json');
    expect(head.ContentEncoding).toBe('gzip');
    expect(head.Metadata).toEqual({ 'fleetledger-version': FLEETLEDGER_VERSION, 'schema-version': '1' });
  });

  it('sends the SHA-256 of the body for the server to verify, and If-None-Match: * so it never overwrites', async () => {
    const client = createS3Client({ config: s3.clientConfig });
    const sent: Record<string, string>[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { method?: string; headers?: Record<string, string> };
        if (request.method === 'PUT') sent.push({ ...request.headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordPutHeaders' },
    );
    const store = new S3LedgerStore(client, { bucket: s3.bucket, prefix: 'headers' });
    const body = new TextEncoder().encode('{"evidence":true}');

    await store.put('reports/2026-W48/x/report.json', body, { contentType: 'application/json' });

    expect(sent).toHaveLength(1);
    expect(sent[0]!['x-amz-checksum-sha256']).toBe(createHash('sha256').update(body).digest('base64'));
    expect(sent[0]!['if-none-match']).toBe('*');
  });

  it('keeps keys of stores under different prefixes of one bucket apart', async () => {
    const first = s3.store('tenant-a/ledger');
    const second = s3.store('tenant-b');
    await writeJson(first, 'manifests/a.json', { a: 1 });
    await writeJson(second, 'manifests/b.json', { b: 1 });

    expect((await first.list('')).map((o) => o.key)).toEqual(['manifests/a.json']);
    expect((await second.list('manifests/')).map((o) => o.key)).toEqual(['manifests/b.json']);
    expect(first.location).toBe(`s3://${s3.bucket}/tenant-a/ledger`);
  });

  describe('when another writer wins the race between the existence check and the write', () => {
    // s3rver ignores If-None-Match on PUT, so this small server plays S3's conditional-write answer:
    // the key looked absent, but the PUT is refused with 412 because another writer stored it first.
    const existing = new TextEncoder().encode('{"winner":true}');
    let server: Server;
    let store: S3LedgerStore;
    beforeAll(async () => {
      server = createServer((request, response) => {
        const isObject = request.url?.startsWith('/bucket/race.json');
        if (request.method === 'HEAD' && isObject) {
          response.writeHead(404).end();
        } else if (request.method === 'PUT' && request.headers['if-none-match'] === '*') {
          request.resume();
          response.writeHead(412, { 'content-type': 'application/xml' });
          response.end(
            '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
          );
        } else if (request.method === 'GET' && isObject) {
          response.writeHead(200, { 'content-type': 'application/json' }).end(existing);
        } else {
          response.writeHead(200, { 'content-type': 'application/xml' });
          response.end(
            '<ListBucketResult><Name>bucket</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
          );
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      store = new S3LedgerStore(createS3Client({ config: { ...s3.clientConfig, endpoint } }), {
        bucket: 'bucket',
        prefix: '',
      });
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('reports unchanged when the winner stored the same bytes', async () => {
      expect(await store.put('race.json', existing, { contentType: 'application/json' })).toBe('unchanged');
    });

    it('refuses with ObjectExistsError when the winner stored other bytes', async () => {
      await expect(
        store.put('race.json', new TextEncoder().encode('{"winner":false}'), { contentType: 'application/json' }),
      ).rejects.toThrow(new ObjectExistsError('race.json'));
    });
  });

  describe('failures the user must fix are one OperationalError line', () => {
    it('names a missing bucket, whatever the operation', async () => {
      const store = new S3LedgerStore(createS3Client({ config: s3.clientConfig }), {
        bucket: 'no-such-bucket',
        prefix: '',
      });
      const put = store.put('a.json', new Uint8Array([1]), { contentType: 'application/json' });

      await expect(store.list('')).rejects.toThrow(
        new OperationalError('s3://no-such-bucket: listing all keys failed: bucket "no-such-bucket" does not exist'),
      );
      await expect(put).rejects.toThrow(
        new OperationalError('s3://no-such-bucket: reading a.json failed: bucket "no-such-bucket" does not exist'),
      );
      await expect(store.get('a.json')).rejects.toThrow(
        new OperationalError('s3://no-such-bucket: reading a.json failed: bucket "no-such-bucket" does not exist'),
      );
    });

    it('says the credentials were rejected when the server answers InvalidAccessKeyId', async () => {
      const config = { ...s3.clientConfig, credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'wrong' } };
      const store = new S3LedgerStore(createS3Client({ config }), { bucket: s3.bucket, prefix: '' });
      const expected =
        'the credentials were rejected (InvalidAccessKeyId): The AWS Access Key Id you provided does not exist in our records.';

      await expect(store.list('')).rejects.toThrow(
        new OperationalError(`s3://${s3.bucket}: listing all keys failed: ${expected}`),
      );
      // HEAD answers a bare 403 without a body: the store finds out why.
      await expect(store.head('a.json')).rejects.toThrow(
        new OperationalError(`s3://${s3.bucket}: reading a.json failed: ${expected}`),
      );
    });

    it('says the endpoint cannot be reached when nothing listens', async () => {
      const config = { ...s3.clientConfig, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 };
      const store = new S3LedgerStore(createS3Client({ config }), { bucket: s3.bucket, prefix: '' });

      await expect(store.list('')).rejects.toThrow(
        new OperationalError(
          `s3://${s3.bucket}: listing all keys failed: cannot reach the S3 endpoint (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9)`,
        ),
      );
    });

    it('prints the line and exits 1 from the CLI, without a stack trace', async () => {
      const saved = { ...process.env };
      Object.assign(process.env, s3.environment);
      try {
        const { result, stdout, stderr } = await captureOutput(() =>
          main(['verify', '--store', 's3://missing-bucket/ledger', '--s3-endpoint', s3.endpoint]),
        );

        expect(result).toBe(1);
        expect(stdout).toBe('');
        expect(stderr).toBe(
          'error: s3://missing-bucket/ledger: listing manifests/ failed: bucket "missing-bucket" does not exist\n',
        );
      } finally {
        process.env = saved;
      }
    });
  });
});

describe('openStore', () => {
  it('opens s3:// locations as S3 stores and anything else as a directory', async () => {
    expect(await openStore('s3://bucket/prefix', { s3Endpoint: 'http://127.0.0.1:1' })).toBeInstanceOf(S3LedgerStore);
    expect((await openStore('./ledger')).location).toBe('./ledger');
  });

  it('rejects a malformed s3 location as a configuration error', async () => {
    await expect(openStore('s3:/bucket')).rejects.toThrow(
      '--store: expected s3://bucket[/prefix] or a directory, got "s3:/bucket"',
    );
  });
});
