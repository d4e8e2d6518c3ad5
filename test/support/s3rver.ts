/**
 * A real S3-protocol server (s3rver) on a free port with a temporary directory and a bucket.
 *
 * s3rver runs in a child process (see s3rverProcess.cjs). It accepts the access key S3RVER (any other gives InvalidAccessKeyId) and does not decode
 * aws-chunked uploads, so the test client sets requestChecksumCalculation: 'WHEN_REQUIRED'
 * (production keeps the SDK defaults).
 *
 * @example
 * const s3 = await startS3rver();
 * const store = s3.store('ledger');
 * ...
 * await s3.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { createS3Client, S3LedgerStore } from '../../src/ledger/s3Store.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./s3rverProcess.cjs', import.meta.url));

/** Starts the server process (see s3rverProcess.cjs for why it is a separate process) and reads its port. */
async function spawnServer(directory: string, bucket: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', SERVER_SCRIPT, directory, bucket], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`s3rver exited with status ${code} before listening`);
  });
  const listening = once(lines, 'line').then(([line]) => (JSON.parse(String(line)) as { port: number }).port);
  const port = await Promise.race([listening, exited]);
  exited.catch(() => undefined);
  lines.close();
  return { child, port };
}

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface RunningS3rver {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  bucket: string;
  region: string;
  /** Settings for an S3Client that talks to this server. */
  clientConfig: S3ClientConfig;
  /** A ledger store on the bucket, under the optional prefix. */
  store(prefix?: string): S3LedgerStore;
  /** Environment for code that reads the standard AWS configuration (CLI tests). */
  environment: Record<string, string>;
  /** Uploads a text object into the bucket, as an operator uploads a fleet or rules file. */
  putText(key: string, body: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3rver(options: { bucket?: string } = {}): Promise<RunningS3rver> {
  const bucket = options.bucket ?? 'fleetledger-test';
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const { child, port } = await spawnServer(directory, bucket);
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const clientConfig: S3ClientConfig = {
    endpoint,
    forcePathStyle: true,
    region,
    credentials: { ...S3RVER_CREDENTIALS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  };
  return {
    endpoint,
    bucket,
    region,
    clientConfig,
    store: (prefix = '') => new S3LedgerStore(createS3Client({ config: clientConfig }), { bucket, prefix }),
    environment: {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: region,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    },
    putText: async (key, body) => {
      const client = new S3Client(clientConfig);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      } finally {
        client.destroy();
      }
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
