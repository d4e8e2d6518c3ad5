/**
 * Per cluster, whether its snapshot was collected with Secret reads on, and which checks reading
 * no Secrets turned into "not evaluated" (those whose unread sources include a skipped one), so a
 * report says what the Secret-less mode costs instead of leaving it to be inferred from coverage.
 */
import type { UnevaluatedCheck } from '../evaluate/evaluate.js';
import type { Snapshot } from '../snapshot/schema.js';
import { secretReadsSkipped } from '../snapshot/sectionStatus.js';
import type { SecretReads } from './schema.js';

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** null for a cluster without a snapshot that was read (missing or unreachable). */
export function secretReadsOf(
  snapshot: Snapshot | undefined,
  unevaluated: readonly UnevaluatedCheck[],
): SecretReads | null {
  if (!snapshot || snapshot.meta.status === 'unreachable') return null;
  const cluster = snapshot.meta.cluster;
  return {
    enabled: !secretReadsSkipped(snapshot.meta.sections),
    notEvaluated: unevaluated
      .filter((check) => check.cluster === cluster && check.unread?.some((source) => source.state === 'skipped'))
      .map(({ rule, subject, reason }) => ({ rule, subject, reason }))
      .sort((a, b) => byText(a.rule, b.rule) || byText(a.subject, b.subject)),
  };
}
