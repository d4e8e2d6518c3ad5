/**
 * Auditor downloads: presigned URLs served by a real S3-protocol server, fetched with plain HTTP.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { main } from '../../src/cli/main.js';
import { reportKey } from '../../src/ledger/keys.js';
import { readManifests, recordRun } from '../../src/ledger/manifest.js';
import { writeJson } from '../../src/ledger/objects.js';
import { createS3Client, S3LedgerStore } from '../../src/ledger/s3Store.js';
import { parseExpiry, shareObjects } from '../../src/ledger/share.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { makeSnapshot } from '../support/snapshotFixture.js';
import { captureOutput } from './storeFixtures.js';

let s3: RunningS3rver;
const savedEnv = { ...process.env };
beforeAll(async () => {
  s3 = await startS3rver();
  Object.assign(process.env, s3.environment);
});
afterAll(async () => {
  process.env = savedEnv;
  await s3.stop();
});

/** The raw bytes of a GET, without the content decoding fetch applies to Content-Encoding: gzip. */
function rawGet(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

const generatedAt = DateTime.fromISO('2026-11-30T07:00:00.000Z', { zone: 'utc' });
const REPORT = reportKey('2026-W48', generatedAt, 'report.json');

async function seed(prefix: string) {
  const store = s3.store(prefix);
  const snapshot = await writeSnapshot(
    store,
    makeSnapshot({ meta: { cluster: 'prod-east', collectionStart: '2026-11-24T06:00:00.000Z' } }),
  );
  await writeSnapshot(
    store,
    makeSnapshot({ meta: { cluster: 'prod-east', collectionStart: '2026-12-01T06:00:00.000Z' } }),
  );
  const report = await writeJson(store, REPORT, { score: 91 });
  const manifest = await recordRun(store, { runAt: generatedAt, written: [report], kind: 'report' });
  return { store, snapshot, manifest };
}

const share = (...args: string[]) => captureOutput(() => main(['share', ...args, '--s3-endpoint', s3.endpoint]));

describe('fleetledger share', () => {
  it('prints a URL with its expiry that a plain HTTP client downloads the exact bytes from', async () => {
    const { store } = await seed('share-key');
    const now = DateTime.utc().startOf('second');

    const cli = await share('--store', store.location, '--key', REPORT, '--expires', '2h', '--now', now.toISO()!);

    expect(cli.result).toBe(0);
    const [key, expiry, url] = cli.stdout.trimEnd().split('\t');
    expect(key).toBe(REPORT);
    expect(expiry).toBe(`expires ${now.plus({ hours: 2 }).toUTC().toISO()}`);
    expect(url).toContain('X-Amz-Expires=7200');
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(await store.get(REPORT)));
  });

  it('shares the stored gzip bytes of a snapshot unchanged', async () => {
    const { store, snapshot } = await seed('share-gzip');

    const [link] = await shareObjects(store, { key: snapshot.key, expiresInSeconds: 600, now: DateTime.utc() });
    const response = await rawGet(link!.url);

    expect(response.status).toBe(200);
    expect(response.body).toEqual(Buffer.from(await store.get(snapshot.key)));
  });

  it('serves a snapshot so that a plain fetch gets the bytes whose SHA-256 the manifest records', async () => {
    const store = s3.store('share-fetch-hash');
    const snapshot = await writeSnapshot(
      store,
      makeSnapshot({ meta: { cluster: 'prod-east', collectionStart: '2026-11-24T06:00:00.000Z' } }),
    );
    await recordRun(store, {
      runAt: DateTime.fromISO('2026-11-24T06:05:00.000Z'),
      written: [snapshot],
      kind: 'snapshot',
    });
    const [recorded] = (await readManifests(store)).manifests.flatMap((m) => m.manifest.objects);

    const [link] = await shareObjects(store, { key: snapshot.key, expiresInSeconds: 600, now: DateTime.utc() });
    // fetch sends Accept-Encoding: gzip and decodes whatever Content-Encoding it is told.
    const response = await fetch(link!.url);
    const body = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('content-encoding')).toBe('identity');
    expect(recorded).toEqual({ key: snapshot.key, size: snapshot.size, sha256: snapshot.sha256 });
    expect(createHash('sha256').update(body).digest('hex')).toBe(recorded!.sha256);
  });

  it('serves a snapshot so that curl --compressed saves the bytes whose SHA-256 the manifest records', async () => {
    const store = s3.store('share-curl-hash');
    const snapshot = await writeSnapshot(
      store,
      makeSnapshot({ meta: { cluster: 'lab', collectionStart: '2026-11-24T06:00:00.000Z' } }),
    );

    const [link] = await shareObjects(store, { key: snapshot.key, expiresInSeconds: 600, now: DateTime.utc() });
    const { stdout } = await promisify(execFile)('curl', ['--silent', '--fail', '--compressed', link!.url], {
      encoding: 'buffer',
    });

    expect(createHash('sha256').update(stdout).digest('hex')).toBe(snapshot.sha256);
  });

  it('serves a report as stored, with its own content type', async () => {
    const { store } = await seed('share-report-type');

    const [link] = await shareObjects(store, { key: REPORT, expiresInSeconds: 600, now: DateTime.utc() });
    const response = await fetch(link!.url);

    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(link!.url).not.toContain('response-content');
  });

  it('shares every snapshot and report of a period with the manifests recording them, and nothing of other weeks', async () => {
    const { store, snapshot, manifest } = await seed('share-period');

    const links = await shareObjects(store, { period: '2026-W48', expiresInSeconds: 3600, now: DateTime.utc() });

    expect(links.map((l) => l.key)).toEqual([snapshot.key, REPORT, manifest.key]);
    for (const link of links) expect((await rawGet(link.url)).status).toBe(200);
  });

  it('takes the period in the given time zone: a Sunday-evening UTC snapshot is Monday in Auckland', async () => {
    const store = s3.store('share-time-zone');
    const at = async (collectionStart: string) =>
      (await writeSnapshot(store, makeSnapshot({ meta: { cluster: 'prod-east', collectionStart } }))).key;
    // Auckland is UTC+13 in November: its 2026-W48 runs from 2026-11-22T11:00Z to 2026-11-29T11:00Z.
    const sundayBefore = await at('2026-11-22T12:00:00.000Z');
    const midweek = await at('2026-11-25T06:00:00.000Z');
    const sundayAfter = await at('2026-11-29T12:00:00.000Z');

    const cli = await share('--store', store.location, '--period', '2026-W48', '--time-zone', 'Pacific/Auckland');
    const utc = await share('--store', store.location, '--period', '2026-W48');

    expect(cli.result).toBe(0);
    expect(
      cli.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t')[0]),
    ).toEqual([sundayBefore, midweek]);
    expect(
      utc.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t')[0]),
    ).toEqual([midweek, sundayAfter]);
  });

  it('rejects an unknown --time-zone as a usage error', async () => {
    const cli = await share('--store', `s3://${s3.bucket}/x`, '--period', '2026-W48', '--time-zone', 'Mars/Base');

    expect(cli.result).toBe(2);
    expect(cli.stderr).toBe(
      'error: --time-zone: expected an IANA time zone such as Europe/Berlin or UTC, got "Mars/Base"\n',
    );
  });

  it('states the earlier expiry and says why when the credentials are temporary', async () => {
    const credentialsExpire = DateTime.utc().plus({ hours: 1 }).startOf('second');
    const client = createS3Client({
      config: {
        ...s3.clientConfig,
        credentials: {
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
          sessionToken: 'session',
          expiration: credentialsExpire.toJSDate(),
        },
      },
    });
    const { store: seeded } = await seed('share-temporary');
    const store = new S3LedgerStore(client, { bucket: s3.bucket, prefix: 'share-temporary' });
    expect(store.location).toBe(seeded.location);

    const [link] = await shareObjects(store, { key: REPORT, expiresInSeconds: parseExpiry('7d'), now: DateTime.utc() });

    expect(link!.expiresAt.toISO()).toBe(credentialsExpire.toISO());
    expect(link!.note).toBe(
      `signed with temporary credentials: the URL stops working when they expire at ${credentialsExpire.toISO()}`,
    );
    expect(link!.url).toContain('X-Amz-Security-Token=session');
  });

  it('gives URLs the server refuses once they have expired', async () => {
    const { store } = await seed('share-expired');

    const cli = await share(
      '--store',
      store.location,
      '--key',
      REPORT,
      '--now',
      DateTime.utc().minus({ days: 8 }).toISO()!,
    );
    const response = await fetch(cli.stdout.trimEnd().split('\t')[2]!);

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Request has expired');
  });

  it.each([
    [['--expires', '8d'], 'error: --expires: presigned URLs last at most 7 days (7d), got "8d"\n'],
    [['--expires', '169h'], 'error: --expires: presigned URLs last at most 7 days (7d), got "169h"\n'],
    [['--expires', 'week'], 'error: --expires: expected a duration such as 7d, 12h, 30m or 900s, got "week"\n'],
  ])('rejects %j as a usage error', async (flags, message) => {
    const cli = await share('--store', `s3://${s3.bucket}/x`, '--key', REPORT, ...flags);

    expect(cli.result).toBe(2);
    expect(cli.stderr).toBe(message);
  });

  it('accepts exactly 7 days', () => {
    expect(parseExpiry('7d')).toBe(604_800);
    expect(parseExpiry('168h')).toBe(604_800);
  });

  it('refuses a directory store: only S3 hands out URLs', async () => {
    const cli = await share('--store', './ledger', '--key', REPORT);

    expect(cli.result).toBe(2);
    expect(cli.stderr).toBe('error: --store: share needs an s3:// store, got "./ledger"\n');
  });

  it('says so in one line when the key does not exist', async () => {
    const cli = await share('--store', `s3://${s3.bucket}/empty`, '--key', 'reports/none.json');

    expect(cli.result).toBe(1);
    expect(cli.stderr).toBe(`error: s3://${s3.bucket}/empty: no object at reports/none.json\n`);
  });

  it('wants exactly one of --key and --period', async () => {
    const cli = await share('--store', `s3://${s3.bucket}/x`);

    expect(cli.result).toBe(2);
    expect(cli.stderr).toBe('error: share: give exactly one of --key K and --period P\n');
  });
});
