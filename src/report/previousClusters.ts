/**
 * The clusters of the previous period, as the report's trend sees them: those of the latest trend
 * index entry of the periods before, else those with a snapshot key (readable or not) in the
 * latest earlier period that has any. `evaluate` expects them when no fleet file is given, as
 * `report` does (see src/evaluate/expectedClusters.ts).
 */
import { DateTime } from 'luxon';
import { type Period, periodContaining } from '../core/period.js';
import { listSnapshots } from '../ledger/snapshots.js';
import type { LedgerStore } from '../ledger/store.js';
import { loadHistory } from './trendIndex.js';

export async function previousPeriodClusters(store: LedgerStore, period: Period, periods = 12): Promise<string[]> {
  const history = await loadHistory(store, period, periods);
  const entry = history.entries.at(-1);
  if (entry) return Object.keys(entry.clusters).sort();
  const earlier = await listSnapshots(store, { to: period.start });
  const latest = earlier.reduce<string | null>(
    (max, ref) => (max === null || ref.collectedAt > max ? ref.collectedAt : max),
    null,
  );
  if (latest === null) return [];
  const previous = periodContaining(DateTime.fromISO(latest, { zone: 'utc' }), period.timeZone);
  const inPrevious = earlier.filter((ref) => {
    const at = DateTime.fromISO(ref.collectedAt, { zone: 'utc' });
    return at >= previous.start && at < previous.end;
  });
  return [...new Set(inPrevious.map((ref) => ref.cluster))].sort();
}
