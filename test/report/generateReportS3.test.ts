import { createHash } from 'node:crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DateTime } from 'luxon';
import { FLEETLEDGER_VERSION } from '../../src/core/version.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { generateReport } from '../../src/report/generateReport.js';
import { REPORT_SCHEMA_VERSION } from '../../src/report/schema.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { STORED_REPORT_FILES } from '../support/reportFiles.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { snapshotAt } from './fixtures.js';

describe('generateReport on an S3 ledger (s3rver)', () => {
  let s3: RunningS3rver;

  beforeAll(async () => {
    s3 = await startS3rver();
  });

  afterAll(async () => {
    await s3.stop();
  });

  it('stores the report files and trend entry under the prefix, with evidence hashes of the stored snapshot bytes', async () => {
    // Prepare
    const store = s3.store('prod');
    const ns = [{ name: 'ledger', labels: {}, phase: 'Active' }];
    await writeSnapshot(store, snapshotAt('a', '2026-11-18T08:00:00.000Z', { namespaces: ns }));
    const current = await writeSnapshot(store, snapshotAt('a', '2026-11-25T08:00:00.000Z'));
    await recordStoredSnapshots(store);
    await generateReport({ store, period: '2026-W47', now: DateTime.fromISO('2026-11-18T09:00:00Z').toUTC() });

    // Act
    const { doc, reportFolder } = await generateReport({
      store,
      period: '2026-W48',
      now: DateTime.fromISO('2026-11-25T09:00:00Z').toUTC(),
    });

    // Assess
    const listed = (await store.list(reportFolder)).map((o) => o.key);
    expect(listed).toEqual(STORED_REPORT_FILES.map((f) => reportFolder + f));
    expect((await store.list('index/trend/')).map((o) => o.key)).toEqual([
      'index/trend/period=2026-W47/2026-11-18T09-00-00.000Z.json',
      'index/trend/period=2026-W48/2026-11-25T09-00-00.000Z.json',
    ]);
    const snapshotBytes = await store.get(current.key);
    expect(doc.evidence).toEqual([
      {
        cluster: 'a',
        key: current.key,
        sha256: createHash('sha256').update(snapshotBytes).digest('hex'),
        size: snapshotBytes.byteLength,
        collectedAt: '2026-11-25T08:00:00.000Z',
      },
    ]);
    expect(doc.previousPeriod).toBe('2026-W47');
    expect(doc.trend.resolved).toHaveLength(3);
  });

  it('writes every report file with the fleetledger version and the report schema version as metadata', async () => {
    // Prepare
    const store = s3.store('metadata');
    await writeSnapshot(store, snapshotAt('a', '2026-11-25T08:00:00.000Z'));
    await recordStoredSnapshots(store);
    const raw = new S3Client(s3.clientConfig);

    // Act
    const { reportFolder } = await generateReport({
      store,
      period: '2026-W48',
      now: DateTime.fromISO('2026-11-25T09:00:00Z').toUTC(),
    });

    // Assess
    const files = (await store.list(reportFolder)).map((o) => o.key);
    expect(files).toHaveLength(8);
    for (const key of files) {
      const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `metadata/${key}` }));
      expect({ key, metadata: head.Metadata }).toEqual({
        key,
        metadata: { 'fleetledger-version': FLEETLEDGER_VERSION, 'schema-version': String(REPORT_SCHEMA_VERSION) },
      });
    }
    raw.destroy();
  });
});
