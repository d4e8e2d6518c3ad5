/**
 * Locations and keys a user gives (`--store s3://...`, `share --key`, the Lambda's LEDGER and
 * FLEET_FILE) are refused when a path segment could climb out of the bucket or prefix: on
 * path-style endpoints `s3://bucket/../other` would otherwise write into another bucket.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readConfigLocation } from '../../lambda/configFiles.js';
import { readHandlerEnvironment } from '../../lambda/handlerEnvironment.js';
import { main } from '../../src/cli/main.js';
import { ConfigError } from '../../src/core/errors.js';
import { openStore } from '../../src/ledger/open.js';
import { parseS3Location } from '../../src/ledger/s3Location.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { captureOutput } from './storeFixtures.js';

let s3: RunningS3rver;
let raw: S3Client;
const savedEnv = { ...process.env };
beforeAll(async () => {
  s3 = await startS3rver();
  raw = new S3Client(s3.clientConfig);
  Object.assign(process.env, s3.environment);
});
afterAll(async () => {
  process.env = savedEnv;
  raw.destroy();
  await s3.stop();
});

const everyKeyInTheBucket = async () =>
  ((await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key);

describe('S3 locations', () => {
  const BUCKET_RULE =
    '3 to 255 letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit';
  it.each([
    ['s3://bucket/../other', 'the prefix of %s must not contain . or .. segments'],
    ['s3://bucket/ledger/./x', 'the prefix of %s must not contain . or .. segments'],
    ['s3://bucket/a/..', 'the prefix of %s must not contain . or .. segments'],
    ['s3://bucket/a//b', 'the prefix of %s must not contain empty path segments'],
    ['s3://bucket/a//', 'the prefix of %s must not contain empty path segments'],
    ['s3://bucket/a\\b', 'the prefix of %s must not contain a backslash'],
    // Quoted as JSON: the control character does not reach the terminal.
    ['s3://bucket/a\u0007b', 'the prefix of "s3://bucket/a\\u0007b" must not contain control characters'],
    ['s3://../other', `".." in %s is not a bucket name (${BUCKET_RULE})`],
    ['s3://./x', `"." in %s is not a bucket name (${BUCKET_RULE})`],
    ['s3://bucket\\x/p', `"bucket\\\\x" in %s is not a bucket name (${BUCKET_RULE})`],
  ])('refuses %j, naming the option and the problem', async (location, problem) => {
    const expected = new ConfigError(`--store: ${problem.replace('%s', JSON.stringify(location))}`);

    expect(() => parseS3Location(location, '--store')).toThrow(expected);
    await expect(openStore(location)).rejects.toThrow(expected);
  });

  it('normalises one trailing slash away and keeps everything else as written', () => {
    expect(parseS3Location('s3://audit-ledger/prod/ledger/', '--store')).toEqual({
      bucket: 'audit-ledger',
      prefix: 'prod/ledger',
    });
    expect(parseS3Location('s3://Legacy_Bucket.1', '--store')).toEqual({ bucket: 'Legacy_Bucket.1', prefix: '' });
  });

  it('exits 2 with one line and writes nothing when --store climbs out of the bucket', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'locations-'));
    try {
      await writeFile(
        join(dir, 'kubeconfig'),
        'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\n' +
          'users: [{name: u, user: {token: t}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\ncurrent-context: a\n',
      );
      const location = `s3://other-bucket/../${s3.bucket}`;

      for (const command of [
        ['snapshot', '--kubeconfig', join(dir, 'kubeconfig'), '--store', location],
        ['verify', '--store', location],
        ['report', '--store', location, '--period', '2026-W48'],
      ]) {
        const cli = await captureOutput(() => main([...command, '--s3-endpoint', s3.endpoint]));

        expect({ command: command[0], ...cli }).toEqual({
          command: command[0],
          result: 2,
          stdout: '',
          stderr: `error: --store: the prefix of "${location}" must not contain . or .. segments\n`,
        });
      }
      expect(await everyKeyInTheBucket()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('share --key', () => {
  it.each([
    ['../reports/x.json', 'must not contain . or .. segments'],
    ['reports/./x.json', 'must not contain . or .. segments'],
    ['reports//x.json', 'must not contain empty path segments'],
    ['reports\\x.json', 'must not contain a backslash'],
    ['/reports/x.json', 'must be relative (no leading /)'],
    ['reports/', 'must not end with /'],
    ['', 'must not be empty'],
  ])('refuses the key %j with exit 2 and one line (%s)', async (key, problem) => {
    const cli = await captureOutput(() =>
      main(['share', '--store', `s3://${s3.bucket}/ledger`, '--key', key, '--s3-endpoint', s3.endpoint]),
    );

    expect(cli).toEqual({
      result: 2,
      stdout: '',
      stderr: `error: --key: ${JSON.stringify(key)} is not a ledger key: ${problem}\n`,
    });
  });
});

describe('the Lambda handlers’ locations', () => {
  it('refuses a LEDGER that climbs out of its bucket, with the other problems', () => {
    const read = () =>
      readHandlerEnvironment({ LEDGER: 's3://audit-ledger/../other', FLEET_FILE: 's3://audit-ledger/a//fleet.yaml' });

    expect(read).toThrow(
      new ConfigError('LEDGER: the prefix of "s3://audit-ledger/../other" must not contain . or .. segments'),
    );
  });

  it('refuses a FLEET_FILE key with . or .. segments before reading anything', async () => {
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'fleet.yaml', Body: 'clusters: []\n' }));
    try {
      await expect(readConfigLocation('FLEET_FILE', `s3://${s3.bucket}/config/../fleet.yaml`, raw)).rejects.toThrow(
        new ConfigError(
          `FLEET_FILE: the key of "s3://${s3.bucket}/config/../fleet.yaml" must not contain . or .. segments`,
        ),
      );
    } finally {
      await raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'fleet.yaml' }));
    }
  });
});
