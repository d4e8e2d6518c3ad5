/** Reading section states: which parts of a snapshot can be trusted by a rule. */
import type { SectionName, SectionState, Snapshot } from '../snapshot/schema.js';

/** States whose data was not read: checks on them are not evaluated, never passed. */
export const UNCOLLECTED_STATES: readonly SectionState[] = ['forbidden', 'error', 'unreachable'];

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

/** The sections that could not be read, for a not-evaluated reason ("gatekeeper forbidden"). */
export function uncollectedSections(snapshot: Snapshot, sections: readonly SectionName[]): SectionName[] {
  return sections.filter((section) => !isCollected(snapshot, section));
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
