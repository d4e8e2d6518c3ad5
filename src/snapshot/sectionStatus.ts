/**
 * Reading a section's status: which failures make a snapshot `partial`. Shared by the collector
 * (the cluster's status), the run summary, the evaluation and the report, so they agree.
 */
import type { SectionStatus, SourceStatus } from './schema.js';

/** States of a read that was attempted and failed: the data is unknown and someone should act. */
const FAILED_STATES: readonly string[] = ['forbidden', 'error', 'unreachable'];

/** Takes any string: reports of later versions may carry states this one does not know. */
export function isFailedState(state: string): boolean {
  return FAILED_STATES.includes(state);
}

/**
 * True when the section, or one of its sources, could not be read: the snapshot is `partial`.
 * Sources skipped on purpose (Secret reads turned off) are no failure: the mode is a choice the
 * report states separately. A `partial` status without sources cannot say what failed: it counts.
 */
export function sectionFailed(status: {
  readonly state: string;
  readonly sources?: readonly { readonly state: string }[] | undefined;
}): boolean {
  if (isFailedState(status.state)) return true;
  if (status.state !== 'partial') return false;
  return status.sources === undefined || status.sources.some((source) => isFailedState(source.state));
}

/** The sources that were not read (failed or skipped), in collection order. */
export function unreadSourcesOf(status: SectionStatus): SourceStatus[] {
  return (status.sources ?? []).filter((source) => source.state !== 'ok' && source.state !== 'absent');
}

/** True when any source of the snapshot's sections was skipped because Secret reads are off. */
export function secretReadsSkipped(sections: Readonly<Record<string, SectionStatus>>): boolean {
  return Object.values(sections).some((status) => (status.sources ?? []).some((s) => s.state === 'skipped'));
}
