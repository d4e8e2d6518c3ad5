import { DateTime } from 'luxon';
import { parsePeriod } from '../../src/core/period.js';
import {
  InvalidKeyError,
  keyBelongsToPeriod,
  manifestKey,
  parseManifestKey,
  parseReportKey,
  parseSnapshotKey,
  parseTrendIndexKey,
  reportKey,
  snapshotKey,
  snapshotPrefix,
  trendIndexKey,
} from '../../src/ledger/keys.js';

const at = DateTime.fromISO('2026-11-25T09:05:07.123Z', { zone: 'utc' });

describe('ledger key layout', () => {
  it('puts a snapshot under its cluster and UTC date, named by its collection start without colons', () => {
    expect(snapshotKey('prod-east', '2026-11-25T23:30:00.000+02:00')).toBe(
      'snapshots/cluster=prod-east/date=2026-11-25/2026-11-25T21-30-00.000Z.json.gz',
    );
  });

  it('parses a snapshot key back into cluster, date and collection time', () => {
    expect(parseSnapshotKey('snapshots/cluster=prod-east/date=2026-11-25/2026-11-25T09-05-07.123Z.json.gz')).toEqual({
      cluster: 'prod-east',
      date: '2026-11-25',
      collectedAt: '2026-11-25T09:05:07.123Z',
    });
  });

  it('percent-encodes cluster names so a kubeconfig context name cannot leave its folder', () => {
    const key = snapshotKey('arn:aws:eks:eu-west-1:1:cluster/prod', at);

    expect(key).toBe(
      'snapshots/cluster=arn%3Aaws%3Aeks%3Aeu-west-1%3A1%3Acluster%2Fprod/date=2026-11-25/2026-11-25T09-05-07.123Z.json.gz',
    );
    expect(parseSnapshotKey(key)?.cluster).toBe('arn:aws:eks:eu-west-1:1:cluster/prod');
    expect(snapshotPrefix('..')).toBe('snapshots/cluster=../');
  });

  it.each([
    'snapshots/cluster=a/date=2026-11-24/2026-11-25T09-05-07.123Z.json.gz',
    'snapshots/cluster=a/2026-11-25T09-05-07.123Z.json.gz',
    'snapshots/cluster=a/date=2026-11-25/not-a-time.json.gz',
    'snapshots/cluster=a/date=2026-11-25/2026-11-25T09-05-07.123Z.json',
  ])('does not take %j for a snapshot key', (key) => {
    expect(parseSnapshotKey(key)).toBeNull();
  });

  it('names manifests by run time then hash, so they sort by run', () => {
    const key = manifestKey(at, '0123abcd');

    expect(key).toBe('manifests/2026-11-25T09-05-07.123Z-0123abcd.json');
    expect(parseManifestKey(key)).toEqual({ runAt: '2026-11-25T09:05:07.123Z', discriminator: '0123abcd' });
    expect([manifestKey(at.plus({ days: 1 }), '0'), manifestKey(at, 'f')].sort()).toEqual([
      manifestKey(at, 'f'),
      manifestKey(at.plus({ days: 1 }), '0'),
    ]);
  });

  it('lays out report files and trend index entries by period and generation time', () => {
    expect(reportKey('2026-W48', at, 'report.html')).toBe('reports/2026-W48/2026-11-25T09-05-07.123Z/report.html');
    expect(parseReportKey('reports/2026-W48/2026-11-25T09-05-07.123Z/report.html')).toEqual({
      periodId: '2026-W48',
      generatedAt: '2026-11-25T09:05:07.123Z',
      file: 'report.html',
    });
    expect(trendIndexKey('2026-W48', at)).toBe('index/trend/period=2026-W48/2026-11-25T09-05-07.123Z.json');
    expect(parseTrendIndexKey('index/trend/period=2026-W48/2026-11-25T09-05-07.123Z.json')).toEqual({
      periodId: '2026-W48',
      generatedAt: '2026-11-25T09:05:07.123Z',
    });
    expect(() => reportKey('2026-48', at, 'report.json')).toThrow(InvalidKeyError);
  });

  it('places keys in an ISO week by collection time, run time, or reported period', () => {
    const w48 = parsePeriod('2026-W48', 'UTC');
    const monday = DateTime.fromISO('2026-11-23T00:00:00.000Z', { zone: 'utc' });

    expect(keyBelongsToPeriod(snapshotKey('a', monday), w48)).toBe(true);
    expect(keyBelongsToPeriod(snapshotKey('a', monday.minus({ milliseconds: 1 })), w48)).toBe(false);
    expect(keyBelongsToPeriod(manifestKey(monday.plus({ days: 6 }), 'ab'), w48)).toBe(true);
    expect(keyBelongsToPeriod(reportKey('2026-W48', monday.plus({ weeks: 1 }), 'report.json'), w48)).toBe(true);
    expect(keyBelongsToPeriod(reportKey('2026-W47', monday, 'report.json'), w48)).toBe(false);
    expect(keyBelongsToPeriod('snapshots/foreign.txt', w48)).toBe(false);
  });
});
