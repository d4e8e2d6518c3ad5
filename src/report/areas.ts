/**
 * Which area of the clusters x areas matrix a finding belongs to, and how a cluster fares in
 * each area, from the rule catalog (each rule names its area) and the evaluation's check tallies.
 */
import { RULES, ruleById } from '../evaluate/catalog.js';
import type { CheckTally } from '../evaluate/scores.js';
import { SEVERITIES, type Severity } from '../evaluate/types.js';
import type { Area, AreaResult } from './schema.js';

/** The area whose rules read the section (the first one in catalog order when several do). */
export function areaOfSection(section: string): Area | null {
  const rule = RULES.find((r) => r.area !== null && (r.sections as readonly string[]).includes(section));
  return rule?.area ?? null;
}

/**
 * The area of a finding: its rule's. SECTION-NOT-COLLECTED belongs to the area of the section it
 * names (its evidence carries `section`); rules about a whole cluster or about waivers to none.
 */
export function areaOfFinding(finding: { rule: string; evidence?: Record<string, unknown> }): Area | null {
  const area = ruleById(finding.rule)?.area ?? null;
  if (area !== null) return area;
  const section = finding.evidence?.['section'];
  return finding.rule === 'SECTION-NOT-COLLECTED' && typeof section === 'string' ? areaOfSection(section) : null;
}

/**
 * One cell of the matrix. Open findings make it fail; otherwise a check that could not be
 * evaluated makes it not-evaluated (never pass); no check at all (the APIs are not installed)
 * makes it not-applicable.
 */
export function areaResult(
  area: Area,
  openFindings: readonly { severity: Severity; area: Area | null }[],
  tallies: readonly CheckTally[],
  problems: readonly AreaProblem[] = [],
): AreaResult {
  const mine = openFindings.filter((f) => f.area === area);
  const worstSeverity = SEVERITIES.find((severity) => mine.some((f) => f.severity === severity)) ?? null;
  const checks = tallies.filter((t) => ruleById(t.rule)?.area === area);
  const applicable = checks.reduce((sum, t) => sum + t.applicable, 0);
  const evaluated = checks.reduce((sum, t) => sum + t.evaluated, 0);
  const state: AreaResult['state'] =
    mine.length > 0 ? 'fail' : applicable === 0 ? 'not-applicable' : evaluated < applicable ? 'not-evaluated' : 'pass';
  const counts = Object.fromEntries(
    SEVERITIES.map((severity) => [severity, mine.filter((f) => f.severity === severity).length]),
  ) as AreaResult['counts'];
  const reason = state === 'not-evaluated' ? notEvaluatedReason(checks, problems) : undefined;
  return { state, open: mine.length, worstSeverity, counts, ...(reason ? { reason } : {}) };
}

/** A cluster problem as the matrix needs it (section null: the whole cluster). */
export interface AreaProblem {
  section: string | null;
  summary: string;
}

/**
 * Why an area's checks were not evaluated: the problems of the sections its unevaluated rules
 * read, or of the whole cluster; undefined when no recorded problem explains it.
 */
function notEvaluatedReason(checks: readonly CheckTally[], problems: readonly AreaProblem[]): string | undefined {
  const sections = new Set<string>(
    checks.filter((t) => t.evaluated < t.applicable).flatMap((t) => ruleById(t.rule)?.sections ?? []),
  );
  const summaries = problems.filter((p) => p.section === null || sections.has(p.section)).map((p) => p.summary);
  return summaries.length > 0 ? [...new Set(summaries)].join('; ') : undefined;
}
