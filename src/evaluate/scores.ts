/**
 * From checks to scores. How the numbers are counted:
 * - applicable: every check a rule made (see rule.ts; a rule that does not apply makes none);
 * - evaluated: checks that passed or failed (not-evaluated ones are the forbidden, errored,
 *   unreachable or missing data);
 * - passed: checks that passed, plus failed checks whose findings are all waived (an accepted
 *   risk; the waived counts show how much of the compliance rests on waivers);
 * - compliance = passed / evaluated, null when nothing was evaluated: what was not seen is never
 *   counted as compliant;
 * - coverage = evaluated / applicable, 0 when nothing was applicable.
 * A cluster's score counts the checks whose `cluster` is that cluster; the fleet score counts every
 * check, including fleet checks about a group or the fleet as a whole (cluster null). Finding
 * counts: a cluster counts the findings naming it (cluster or clusters), the fleet every finding.
 */
import type { UnreadSource } from './rule.js';
import { type Finding, type Score, SEVERITIES, type Severity, type SeverityCounts } from './types.js';

export type CheckStatus = 'passed' | 'failed' | 'not-evaluated';

export interface ResolvedCheck {
  rule: string;
  cluster: string | null;
  subject: string;
  /** After waivers: a failed check whose findings are all waived is 'passed'. */
  status: CheckStatus;
  /** Why the check was not evaluated. */
  reason?: string;
  /** What a not-evaluated check lacked. */
  unread?: readonly UnreadSource[];
}

export interface CheckTally {
  rule: string;
  cluster: string | null;
  applicable: number;
  evaluated: number;
  passed: number;
}

function emptyCounts(): SeverityCounts {
  return Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
}

export function scoreOf(checks: readonly ResolvedCheck[], findings: readonly Finding[]): Score {
  const applicable = checks.length;
  const passed = checks.filter((check) => check.status === 'passed').length;
  const evaluated = passed + checks.filter((check) => check.status === 'failed').length;
  const open = emptyCounts();
  const waived = emptyCounts();
  for (const finding of findings) {
    const counts = finding.status === 'open' ? open : waived;
    counts[finding.severity] += 1;
  }
  return {
    compliance: evaluated > 0 ? passed / evaluated : null,
    coverage: applicable > 0 ? evaluated / applicable : 0,
    applicable,
    evaluated,
    passed,
    open,
    waived,
  };
}

/** The clusters whose score counts the finding: its cluster and its clusters, each once. */
export function clustersConcerned(finding: Pick<Finding, 'cluster' | 'clusters'>): string[] {
  return [...new Set([...(finding.cluster !== undefined ? [finding.cluster] : []), ...(finding.clusters ?? [])])];
}

/** Per rule and cluster (null: fleet-level checks), in rule order then cluster name. */
export function tallyChecks(checks: readonly ResolvedCheck[]): CheckTally[] {
  const tallies = new Map<string, CheckTally>();
  for (const check of checks) {
    const key = `${check.rule}\u0000${check.cluster ?? ''}`;
    const tally = tallies.get(key) ?? {
      rule: check.rule,
      cluster: check.cluster,
      applicable: 0,
      evaluated: 0,
      passed: 0,
    };
    tally.applicable += 1;
    if (check.status !== 'not-evaluated') tally.evaluated += 1;
    if (check.status === 'passed') tally.passed += 1;
    tallies.set(key, tally);
  }
  return [...tallies.values()];
}
