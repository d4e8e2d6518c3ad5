/** Reading section states: which parts of a snapshot can be trusted by a rule. */
import type { SectionName, SectionState, Snapshot } from '../snapshot/schema.js';
import { unreadSourcesOf } from '../snapshot/sectionStatus.js';
import { type Check, notEvaluated, type UnreadSource } from './rule.js';

/**
 * States whose data was not read at all: checks on them are not evaluated, never passed. A
 * `partial` section is collected: what its readable sources gave is there (see isComplete).
 */
export const UNCOLLECTED_STATES: readonly SectionState[] = ['forbidden', 'error', 'unreachable', 'skipped'];

export function sectionState(snapshot: Snapshot, section: SectionName): SectionState {
  if (snapshot.meta.status === 'unreachable') return 'unreachable';
  return snapshot.meta.sections[section]?.state ?? 'unreachable';
}

export function isCollected(snapshot: Snapshot, section: SectionName): boolean {
  return !UNCOLLECTED_STATES.includes(sectionState(snapshot, section));
}

export function isOk(snapshot: Snapshot, section: SectionName): boolean {
  return sectionState(snapshot, section) === 'ok';
}

/** Every source of the section was read (ok, or absent: nothing there): a check may pass on it. */
export function isComplete(snapshot: Snapshot, section: SectionName): boolean {
  const state = sectionState(snapshot, section);
  return state === 'ok' || state === 'absent';
}

/** The sections that could not be read, for a not-evaluated reason ("gatekeeper forbidden"). */
export function uncollectedSections(snapshot: Snapshot, sections: readonly SectionName[]): SectionName[] {
  return sections.filter((section) => !isCollected(snapshot, section));
}

/** The sections read only in part (some of their sources not read). */
export function partialSections(snapshot: Snapshot, sections: readonly SectionName[]): SectionName[] {
  return sections.filter((section) => sectionState(snapshot, section) === 'partial');
}

/** The sections not read completely: not collected, or partial. */
export function incompleteSections(snapshot: Snapshot, sections: readonly SectionName[]): SectionName[] {
  return sections.filter((section) => !isComplete(snapshot, section));
}

export function describeUncollected(snapshot: Snapshot, sections: readonly SectionName[]): string {
  return sections
    .map((section) => {
      const status = snapshot.meta.sections[section];
      const state = sectionState(snapshot, section);
      return status?.message && state !== 'unreachable'
        ? `${section} ${state} (${status.message})`
        : `${section} ${state}`;
    })
    .join(', ');
}

/** What of these sections was not read: each unread source, or the section as a whole when it names none. */
export function unreadOf(snapshot: Snapshot, sections: readonly SectionName[]): UnreadSource[] {
  return sections.flatMap((section): UnreadSource[] => {
    const state = sectionState(snapshot, section);
    if (state === 'ok' || state === 'absent') return [];
    const status = snapshot.meta.sections[section];
    const sources = status && state !== 'unreachable' ? unreadSourcesOf(status) : [];
    if (sources.length === 0) return [{ section, source: null, state }];
    return sources.map((source) => ({ section, source: source.source, state: source.state }));
  });
}

/**
 * The not-evaluated check of a subject whose sections were not (completely) read, e.g.
 * `notCollectedCheck('Cluster/a', 'not collected', snapshot, ['gatekeeper'])`, naming what was
 * not read so the report can tell a refusal from a choice (Secret reads off).
 */
export function notCollectedCheck(
  subject: string,
  what: string,
  snapshot: Snapshot,
  sections: readonly SectionName[],
): Check {
  return notEvaluated(subject, `${what}: ${describeUncollected(snapshot, sections)}`, unreadOf(snapshot, sections));
}
