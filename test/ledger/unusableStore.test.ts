/**
 * An S3 store that does not exist or refuses access is found out with one cheap request before any
 * cluster is contacted: one line naming the location, exit 1 (operational), nothing collected.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { main } from '../../src/cli/main.js';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createLogger } from '../../src/core/logger.js';
import { fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { ForwardingLedgerStore } from '../../src/ledger/forwardingStore.js';
import { createS3Client, S3LedgerStore } from '../../src/ledger/s3Store.js';
import type { PutOptions, PutResult, StoredObjectInfo } from '../../src/ledger/store.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { captureOutput } from './storeFixtures.js';

let s3: RunningS3rver;
let dir: string;
/** Stands in for every cluster's API server: counts the connections anyone opened to it. */
let apiServer: TcpServer;
let clusterConnections = 0;
/** An S3 endpoint that refuses everything, as S3 does for a bucket the credentials may not read. */
let refusing: Server;
let refused: string[] = [];
const savedEnv = { ...process.env };

const listening = (server: Server | TcpServer) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  s3 = await startS3rver();
  Object.assign(process.env, s3.environment);
  apiServer = createTcpServer((socket) => {
    clusterConnections += 1;
    socket.destroy();
  });
  const apiPort = await listening(apiServer);
  refusing = createHttpServer((request: IncomingMessage, response) => {
    refused.push(`${request.method} ${request.url}`);
    response.writeHead(403, { 'content-type': 'application/xml' });
    response.end(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId></Error>',
    );
  });
  await listening(refusing);
  dir = await mkdtemp(join(tmpdir(), 'unusable-store-'));
  await writeFile(
    join(dir, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${apiPort}", insecure-skip-tls-verify: true}}]\n` +
      'users: [{name: u, user: {token: t}}]\ncontexts: [{name: east, context: {cluster: c, user: u}}, {name: west, context: {cluster: c, user: u}}]\ncurrent-context: east\n',
  );
  await writeFile(
    join(dir, 'fleet.yaml'),
    'clusters:\n  - { name: east, kubeconfig: { path: ./kubeconfig, context: east } }\n  - { name: west, kubeconfig: { path: ./kubeconfig, context: west } }\n',
  );
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([
    s3.stop(),
    new Promise((resolve) => apiServer.close(resolve)),
    new Promise((resolve) => refusing.close(resolve)),
    rm(dir, { recursive: true, force: true }),
  ]);
});
beforeEach(() => {
  clusterConnections = 0;
  refused = [];
});

const refusingEndpoint = () => `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;

describe('an S3 store that cannot be used', () => {
  it.each([
    ['snapshot', '--kubeconfig', 'kubeconfig'],
    ['run', '--fleet', 'fleet.yaml'],
  ])('%s: a missing bucket is one line and exit 1, before any cluster is contacted', async (command, flag, file) => {
    const cli = await captureOutput(() =>
      main([command, flag, join(dir, file), '--store', 's3://missing-bucket/ledger', '--s3-endpoint', s3.endpoint]),
    );

    expect(cli).toEqual({
      result: 1,
      stdout: '',
      stderr: 'error: s3://missing-bucket/ledger: opening the ledger failed: bucket "missing-bucket" does not exist\n',
    });
    expect(clusterConnections).toBe(0);
  });

  it.each([
    ['snapshot', '--kubeconfig', 'kubeconfig'],
    ['run', '--fleet', 'fleet.yaml'],
  ])(
    '%s: a store refusing access (403 AccessDenied) is one request, one line and exit 1',
    async (command, flag, file) => {
      const cli = await captureOutput(() =>
        main([
          command,
          flag,
          join(dir, file),
          '--store',
          's3://audit-ledger/ledger',
          '--s3-endpoint',
          refusingEndpoint(),
        ]),
      );

      expect(cli).toEqual({
        result: 1,
        stdout: '',
        stderr: 'error: s3://audit-ledger/ledger: opening the ledger failed: access denied (AccessDenied)\n',
      });
      expect(refused).toEqual(['GET /audit-ledger/?list-type=2&max-keys=1&prefix=ledger%2F']);
      expect(clusterConnections).toBe(0);
    },
  );
});

describe('a store that fails during a run', () => {
  it('names its location once in the reason a snapshot was not stored', async () => {
    // A ledger that could be read when the run began (its chain, for the run's opening) and whose
    // bucket is gone by the time the snapshot is stored.
    const missing = new S3LedgerStore(createS3Client({ config: s3.clientConfig }), {
      bucket: 'gone-bucket',
      prefix: 'ledger',
    });
    const vanishing = new (class extends ForwardingLedgerStore {
      override get location(): string {
        return missing.location;
      }
      override put(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
        return key.startsWith('snapshots/') ? missing.put(key, body, options) : this.inner.put(key, body, options);
      }
      override head(key: string): Promise<StoredObjectInfo | null> {
        return key.startsWith('snapshots/') ? missing.head(key) : this.inner.head(key);
      }
    })(s3.store('vanishing'));

    const result = await snapshotFleet(fleetFromKubeconfig(join(dir, 'kubeconfig'), ['east']), {
      store: vanishing,
      now: DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' }),
      logger: createLogger({ level: 'error' }),
    });

    expect(result.clusters).toHaveLength(1);
    expect(result.clusters[0]!.notStoredReason).toMatch(
      /^s3:\/\/gone-bucket\/ledger: reading snapshots\/cluster=east\/\S+\.json\.gz failed: bucket "gone-bucket" does not exist$/,
    );
  });
});
