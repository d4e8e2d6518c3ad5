/**
 * The shape of a rule and of what it returns.
 *
 * A rule is a pure function from snapshots to *checks*. A check is one question asked of one
 * subject (a namespace, a constraint, a certificate bundle, a pair of clusters ...) and has one
 * of three outcomes:
 * - passed: the subject complies;
 * - failed: the subject does not comply; the check carries one or more finding drafts;
 * - not-evaluated: the question applies but the data to answer it was not collected (a
 *   forbidden, errored, skipped or unreachable section or source, a missing snapshot). Never
 *   counted as passed. It names the sources that were not read (`unread`), so the report can
 *   tell which checks a choice such as turning Secret reads off cost.
 * A subject to which the rule does not apply (an absent API, an excluded namespace) yields no
 * check at all. How the checks become scores is described in scores.ts.
 */
import type { DateTime } from 'luxon';
import type { SectionName, SectionState, Snapshot, SourceState } from '../snapshot/schema.js';
import type { Connectivity, GroupKind } from './connectivity.js';
import type { RuleThresholds } from './thresholds.js';
import type { Severity, Waiver } from './types.js';

/** The report area a rule belongs to (the clusters x areas matrix); null: none (coverage, fleet). */
export type RuleArea = 'quotas' | 'policies' | 'network' | 'certificates' | 'gitops' | null;

export interface ControlMapping {
  /** CIS Kubernetes Benchmark recommendation, only where one really applies. */
  cis: string | null;
  /** NSA/CISA Kubernetes Hardening Guide (v1.2) section. */
  nsa: string | null;
  /** SOC 2 Trust Services Criteria (2017), e.g. CC6.1. */
  soc2: readonly string[];
}

/** A finding before the evaluation gives it an id, a final severity and a waiver status. */
export interface FindingDraft {
  /** Set by fleet rules only; cluster rules get their cluster filled in. */
  cluster?: string;
  /** Fleet findings that concern several clusters. */
  clusters?: readonly string[];
  /**
   * Makes a fleet-level finding (about the fleet's configuration, not a cluster's state): it has
   * no `cluster`, its `clusters` are the ones it concerns (possibly none), and this key stands in
   * for them in its id, so the id does not change when the fleet does.
   */
  fleetKey?: string;
  resource: string;
  message: string;
  evidence: Record<string, unknown>;
  /** Overrides the rule's default severity for this finding (e.g. CERT-EXPIRING critical vs high). */
  severity?: Severity;
}

/** A source (or a whole section, `source` null) whose data a not-evaluated check lacked. */
export interface UnreadSource {
  section: SectionName;
  /** The source's name as recorded in the snapshot (e.g. "Secret istio-system/cacerts"); null: the section. */
  source: string | null;
  /** `skipped`: not read on purpose (Secret reads off). */
  state: SectionState | SourceState;
}

export type CheckOutcome =
  | { status: 'passed' }
  | { status: 'failed'; findings: readonly FindingDraft[] }
  | { status: 'not-evaluated'; reason: string; unread?: readonly UnreadSource[] };

export interface Check {
  /** What was checked, e.g. Namespace/ledger, Cluster/cluster-a. */
  subject: string;
  /**
   * The cluster whose score the check counts in. Cluster rules: filled in by the evaluation.
   * Fleet rules: the cluster concerned, or null for a check about a group or the fleet as a
   * whole (counted in the fleet score only).
   */
  cluster?: string | null;
  outcome: CheckOutcome;
}

interface RuleBase {
  id: string;
  title: string;
  defaultSeverity: Severity;
  area: RuleArea;
  rationale: string;
  remediation: string;
  controls: ControlMapping;
  /** The snapshot sections the rule reads. */
  sections: readonly SectionName[];
  /** A custom rule: the rules file it was read from (path and SHA-256 of its bytes), for the report's record. */
  definedIn?: { path: string; sha256: string };
  /**
   * A tenant-hygiene rule: one check per namespace, asking whether the team's namespace is fenced
   * in. It skips the platform namespaces (platformNamespaces.ts) as well as `excludeNamespaces`.
   */
  tenantHygiene?: boolean;
}

export interface ClusterRuleContext {
  snapshot: Snapshot;
  /** The cluster's labels: the fleet file's when it is configured (the source of truth), else its snapshot's. */
  labels?: Record<string, string>;
  thresholds: RuleThresholds;
  now: DateTime;
  /**
   * True for a namespace the rule leaves out: one `excludeNamespaces` names, and for a
   * tenant-hygiene rule also a platform namespace (see namespaceSkips.ts).
   */
  isExcludedNamespace(namespace: string): boolean;
}

export interface ClusterRule extends RuleBase {
  scope: 'cluster';
  /**
   * How the sections gate the rule. 'all' (default): if any section was not collected (forbidden,
   * error, unreachable) the rule yields one not-evaluated check for the cluster; if any is absent,
   * no check (not applicable); otherwise evaluate() runs. 'all-or-absent': like 'all' but absent
   * sections do not stop the rule (it is about absence). 'rule': evaluate() always runs and
   * handles the section states itself (rules reading several independent sources).
   */
  gate?: 'all' | 'all-or-absent' | 'rule';
  /**
   * How a `partial` section (some of its sources not read) is taken by the 'all' and
   * 'all-or-absent' gates. 'subjects' (default): evaluate() judges what was read, and one more
   * not-evaluated check per partial section stands for what was not (a constraint kind that could
   * not be listed may hold violations). 'enough': what was read answers the rule's question
   * (whether an engine is installed, when the audit last ran), so no such check is added.
   */
  partial?: 'subjects' | 'enough';
  evaluate(ctx: ClusterRuleContext): Check[];
}

export interface FleetCluster {
  name: string;
  labels: Record<string, string>;
  /** Other addresses of its API server (fleet file `aliases`), for matching discovered connections. */
  aliases: readonly string[];
  /** In the configured fleet (fleet file), as opposed to only found in the ledger. */
  configured: boolean;
}

export interface FleetRuleContext {
  /** The latest snapshot of every cluster that has one, sorted by cluster name. */
  snapshots: readonly Snapshot[];
  /** Every cluster known (configured, snapshotted or expected from the ledger), sorted by name. */
  clusters: readonly FleetCluster[];
  /** Expected clusters (configured, or known from the ledger) without a readable snapshot. */
  missingClusters: readonly string[];
  /** Why a missing cluster has no snapshot to evaluate (names its unreadable snapshots). */
  missingReason(cluster: string): string;
  /** The keys of a cluster's snapshots of the period that could not be read. */
  unreadableSnapshots(cluster: string): readonly string[];
  waivers: readonly Waiver[];
  thresholds: RuleThresholds;
  now: DateTime;
  /** Which clusters are connected and why: rules comparing clusters compare only connected ones. */
  connectivity: Connectivity;
}

export interface FleetRule extends RuleBase {
  scope: 'fleet';
  /** The kinds of connected groups whose members the rule compares with each other (see connectivity.ts). */
  comparesWithin?: readonly GroupKind[];
  evaluate(ctx: FleetRuleContext): Check[];
}

export type Rule = ClusterRule | FleetRule;

export const passed = (subject: string): Check => ({ subject, outcome: { status: 'passed' } });
export const failed = (subject: string, ...findings: FindingDraft[]): Check => ({
  subject,
  outcome: { status: 'failed', findings },
});
export const notEvaluated = (subject: string, reason: string, unread?: readonly UnreadSource[]): Check => ({
  subject,
  outcome: { status: 'not-evaluated', reason, ...(unread && unread.length > 0 ? { unread } : {}) },
});
