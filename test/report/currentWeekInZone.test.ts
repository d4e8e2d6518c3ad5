/**
 * "The current week" is the ISO week in the report's time zone, not in UTC: on Monday 2026-11-30
 * at 01:00 in Tokyo it is still Sunday 2026-11-29 in UTC (week 48), but Tokyo is in week 49.
 * The CLI's `report` and `evaluate` without --period and the Lambda's `current` / `previous`
 * all take the local week.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parseInvocationEvent } from '../../lambda/invocationEvent.js';
import { periodContaining } from '../../src/core/period.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { recordRun } from '../../src/ledger/manifest.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { runCliInProcess } from '../support/cli.js';
import { namespacesNamed, snapshotAt } from './fixtures.js';

const TOKYO = 'Asia/Tokyo';
/** Monday 2026-11-30 01:00 in Tokyo; Sunday 2026-11-29 16:00 in UTC. */
const MONDAY_1AM_TOKYO = '2026-11-29T16:00:00Z';
/** Monday 2026-11-30 00:30 in Tokyo: in Tokyo's week 49, in UTC's week 48. */
const COLLECTED = '2026-11-29T15:30:00.000Z';

describe('the current week in a time zone far from UTC', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'current-week-'));
    const store = new DirectoryLedgerStore(root);
    const written = [
      await writeSnapshot(store, snapshotAt('tokyo-1', COLLECTED, { namespaces: namespacesNamed('web') })),
    ];
    await recordRun(store, { runAt: DateTime.fromISO(COLLECTED), written, kind: 'snapshot' });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is the ISO week of the local date', () => {
    const now = DateTime.fromISO(MONDAY_1AM_TOKYO);

    expect(periodContaining(now, TOKYO)).toMatchObject({ id: '2026-W49', timeZone: TOKYO });
    expect(periodContaining(now, TOKYO).start.toISO()).toBe('2026-11-30T00:00:00.000+09:00');
    expect(periodContaining(now, 'UTC').id).toBe('2026-W48');
  });

  it('is the week `report` reports without --period', async () => {
    const result = await runCliInProcess(['report', '--store', root, '--time-zone', TOKYO, '--now', MONDAY_1AM_TOKYO]);

    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('report 2026-W49 (Asia/Tokyo) generated at 2026-11-29T16:00:00.000Z');
  });

  it('is the week `evaluate` evaluates without --period, with the snapshot of the local Monday', async () => {
    const result = await runCliInProcess([
      'evaluate',
      '--store',
      root,
      '--time-zone',
      TOKYO,
      '--now',
      MONDAY_1AM_TOKYO,
      '--format',
      'json',
    ]);

    expect(result.status).toBe(0);
    const document = JSON.parse(result.stdout) as { period: string; snapshots: { cluster: string }[] };
    expect([document.period, document.snapshots.map((s) => s.cluster)]).toEqual(['2026-W49', ['tokyo-1']]);
  });

  it('is the week the Lambda takes for `current`, and the week before for `previous`', () => {
    expect(parseInvocationEvent({ now: MONDAY_1AM_TOKYO, period: 'current' }, TOKYO).period).toBe('2026-W49');
    expect(parseInvocationEvent({ now: MONDAY_1AM_TOKYO, period: 'previous' }, TOKYO).period).toBe('2026-W48');
  });
});
