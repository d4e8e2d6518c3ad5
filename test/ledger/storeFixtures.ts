/**
 * The two ledger stores, each with a way to tamper with it behind the ledger's back (what an
 * attacker or a faulty tool would do), so one suite can run against both.
 */
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';

export interface StoreUnderTest {
  store: LedgerStore;
  /** The --store value for the CLI. */
  location: string;
  /** Extra CLI arguments (the S3 endpoint). */
  cliArgs: string[];
  /** Replaces an object's bytes directly, bypassing put-once. */
  overwrite(key: string, bytes: Uint8Array): Promise<void>;
  /** Deletes an object directly. */
  remove(key: string): Promise<void>;
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: string;
  /** A fresh, empty store. */
  create(): Promise<StoreUnderTest>;
}

export async function createDirectoryStore(): Promise<StoreUnderTest> {
  const root = await mkdtemp(join(tmpdir(), 'ledger-'));
  const path = (key: string) => join(root, ...key.split('/'));
  return {
    store: new DirectoryLedgerStore(root),
    location: root,
    cliArgs: [],
    overwrite: async (key, bytes) => {
      await mkdir(dirname(path(key)), { recursive: true });
      await writeFile(path(key), bytes);
    },
    remove: (key) => unlink(path(key)),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

let prefixCounter = 0;

/** Every S3 store gets its own prefix in one shared bucket of a server the caller started. */
export function createS3Store(s3: RunningS3rver): StoreUnderTest {
  prefixCounter += 1;
  const prefix = `ledger-${prefixCounter}`;
  const raw = new S3Client(s3.clientConfig);
  return {
    store: s3.store(prefix),
    location: `s3://${s3.bucket}/${prefix}`,
    cliArgs: ['--s3-endpoint', s3.endpoint],
    overwrite: async (key, bytes) => {
      await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${key}`, Body: bytes }));
    },
    remove: async (key) => {
      await raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${key}` }));
    },
    dispose: async () => raw.destroy(),
  };
}

/**
 * Both store kinds for describe.each. The S3 kind needs the server: call startSharedS3rver() in
 * beforeAll and stopSharedS3rver() in afterAll.
 */
let shared: RunningS3rver | null = null;

export async function startSharedS3rver(): Promise<RunningS3rver> {
  shared = await startS3rver();
  return shared;
}

export async function stopSharedS3rver(): Promise<void> {
  await shared?.stop();
  shared = null;
}

export const STORE_KINDS: StoreKind[] = [
  { name: 'DirectoryLedgerStore', create: createDirectoryStore },
  {
    name: 'S3LedgerStore',
    create: async () => {
      if (!shared) throw new Error('startSharedS3rver() first');
      return createS3Store(shared);
    },
  },
];

/** Runs fn with process.stdout/stderr captured; returns what was written. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const originalOut = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
  }
}
