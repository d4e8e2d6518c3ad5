/**
 * Evaluating a fleet: every rule of the catalog over the latest snapshot of each cluster, then
 * findings (with stable ids and waivers) and scores (see scores.ts for how checks are counted).
 * Pure: no I/O; the clock is `now`.
 *
 * Section gating (ClusterRule.gate): a rule whose sections were not collected on a cluster makes
 * one not-evaluated check there; a partial section (some sources not read) lets the rule judge
 * what was read, plus one not-evaluated check per partial section for what was not (unless the
 * rule says what was read is enough, ClusterRule.partial); an unreachable cluster makes one
 * not-evaluated check per cluster rule (and a failed CLUSTER-UNREACHABLE check; the per-cluster
 * checks of fleet rules, such as SNAPSHOT-MISSING, are not evaluated either); an expected cluster
 * without a readable snapshot (see expectedClusters.ts) is missing: one not-evaluated check per
 * cluster rule, a failed SNAPSHOT-MISSING check, and the not-evaluated checks fleet rules give it
 * (CIDR-OVERLAP, when it is connected to another cluster). So a cluster that was not seen lowers
 * coverage and never raises compliance.
 *
 * Fleet rules that compare clusters compare only connected ones (connectivity.ts).
 */

import type { DateTime } from 'luxon';
import picomatch from 'picomatch';
import type { Snapshot } from '../snapshot/schema.js';
import { ruleCatalog } from './catalog.js';
import { type Connectivity, findConnectivity, GROUP_KINDS, type GroupKind } from './connectivity.js';
import { missingReason, unreadableSnapshotsByCluster } from './expectedClusters.js';
import { findingId } from './findingId.js';
import { namespaceSkipper } from './namespaceSkips.js';
import {
  type Check,
  type ClusterRule,
  type ClusterRuleContext,
  type FleetCluster,
  type FleetRuleContext,
  notEvaluated,
  type Rule,
} from './rule.js';
import { type CheckTally, clustersConcerned, type ResolvedCheck, scoreOf, tallyChecks } from './scores.js';
import { notCollectedCheck, partialSections, sectionState, uncollectedSections } from './sections.js';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from './thresholds.js';
import { type Finding, type Score, SEVERITIES, type Waiver } from './types.js';
import { isWaiverExpired, waiverCovers } from './waiverMatching.js';

export interface EvaluateOptions {
  now: DateTime;
  waivers?: readonly Waiver[];
  thresholds?: RuleThresholds;
  /**
   * The configured fleet, so that a configured cluster without a snapshot counts as missing; its
   * labels and API server aliases decide, over the snapshots', which clusters are connected.
   */
  fleetClusters?: readonly { name: string; labels: Record<string, string>; aliases?: readonly string[] }[];
  /**
   * The period's snapshots that could not be read (loadLatestSnapshots' gaps; keys of other kinds
   * are ignored): without a configured fleet their clusters are expected, and a cluster left
   * without a readable snapshot is missing for a reason naming them.
   */
  unreadableSnapshots?: readonly { key: string }[];
  /** The clusters of the previous period (its trend index entry): expected when no fleet is configured. */
  previousClusters?: readonly string[];
  /** The rules to run (default: the catalog, custom rules included); tests pass a subset. */
  rules?: readonly Rule[];
}

export interface Evaluation {
  /** Sorted by severity (critical first), rule, cluster, resource. */
  findings: Finding[];
  scores: { fleet: Score; clusters: Record<string, Score> };
  /** Expected clusters (see expectedClusters.ts) without a readable snapshot, sorted. */
  missingClusters: string[];
  /** Checks per rule and cluster, for per-area views (report matrix). */
  tallies: CheckTally[];
  /** Which clusters are connected and why, and which of the rules run compare each kind of group. */
  connectivity: EvaluatedConnectivity;
  /** Every check that could not be evaluated, with why and what was not read (rule order, then cluster). */
  unevaluated: UnevaluatedCheck[];
}

export interface EvaluatedConnectivity extends Connectivity {
  /** Rule ids by group kind: the rules run that compare the members of such a group. */
  comparedBy: Record<GroupKind, string[]>;
}

/** A not-evaluated check: its reason and the sources it lacked (see rule.ts). */
export type UnevaluatedCheck = ResolvedCheck & { status: 'not-evaluated'; reason: string };

const UNREACHABLE_RULE = 'CLUSTER-UNREACHABLE';

/** The latest snapshot of each cluster, sorted by cluster name. */
function latestPerCluster(snapshots: readonly Snapshot[]): Snapshot[] {
  const latest = new Map<string, Snapshot>();
  for (const snapshot of snapshots) {
    const current = latest.get(snapshot.meta.cluster);
    if (!current || current.meta.collectionStart < snapshot.meta.collectionStart)
      latest.set(snapshot.meta.cluster, snapshot);
  }
  return [...latest.values()].sort((a, b) => a.meta.cluster.localeCompare(b.meta.cluster));
}

function fleetClustersOf(
  snapshots: readonly Snapshot[],
  configured: EvaluateOptions['fleetClusters'],
  expectedByLedger: readonly string[],
): FleetCluster[] {
  const clusters = new Map<string, FleetCluster>();
  // Known only by a key or an earlier period: no labels to go by.
  for (const name of expectedByLedger) {
    clusters.set(name, { name, labels: {}, aliases: [], configured: false });
  }
  for (const snapshot of snapshots) {
    clusters.set(snapshot.meta.cluster, {
      name: snapshot.meta.cluster,
      labels: snapshot.meta.labels,
      aliases: snapshot.meta.aliases ?? [],
      configured: false,
    });
  }
  // The fleet file is the source of truth for labels and aliases; snapshots carry those of their day.
  for (const cluster of configured ?? []) {
    clusters.set(cluster.name, {
      name: cluster.name,
      labels: cluster.labels,
      aliases: cluster.aliases ?? [],
      configured: true,
    });
  }
  return [...clusters.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function runClusterRule(rule: ClusterRule, ctx: ClusterRuleContext): Check[] {
  const { snapshot } = ctx;
  const clusterSubject = `Cluster/${snapshot.meta.cluster}`;
  if (snapshot.meta.status === 'unreachable' && rule.id !== UNREACHABLE_RULE) {
    return [notEvaluated(clusterSubject, 'the cluster was unreachable')];
  }
  const gate = rule.gate ?? 'all';
  if (gate !== 'rule') {
    const uncollected = uncollectedSections(snapshot, rule.sections);
    if (uncollected.length > 0) return [notCollectedCheck(clusterSubject, 'not collected', snapshot, uncollected)];
    if (gate === 'all' && rule.sections.some((section) => sectionState(snapshot, section) === 'absent')) return [];
    // What the unread sources of a partial section hold is unknown: it can never pass unseen.
    const partial = rule.partial === 'enough' ? [] : partialSections(snapshot, rule.sections);
    return [
      ...rule.evaluate(ctx),
      ...partial.map((section) => notCollectedCheck(`Section/${section}`, 'partly collected', snapshot, [section])),
    ];
  }
  return rule.evaluate(ctx);
}

interface RawCheck {
  rule: Rule;
  check: Check;
  cluster: string | null;
}

export function evaluateFleet(snapshots: readonly Snapshot[], options: EvaluateOptions): Evaluation {
  const { now } = options;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const waivers = options.waivers ?? [];
  const rules = (options.rules ?? ruleCatalog()).filter((rule) => !thresholds.disabled.includes(rule.id));
  const latest = latestPerCluster(snapshots);
  const unreadable = unreadableSnapshotsByCluster(options.unreadableSnapshots ?? []);
  // With a fleet file the fleet says which clusters are expected; without one, the ledger does.
  const expectedByLedger = options.fleetClusters
    ? []
    : [...new Set([...unreadable.keys(), ...(options.previousClusters ?? [])])];
  const clusters = fleetClustersOf(latest, options.fleetClusters, expectedByLedger);
  const seen = new Set(latest.map((snapshot) => snapshot.meta.cluster));
  const expected = new Set([...clusters.filter((c) => c.configured).map((c) => c.name), ...expectedByLedger]);
  const missingClusters = clusters.filter((c) => expected.has(c.name) && !seen.has(c.name)).map((c) => c.name);
  const unreachable = new Set(
    latest.filter((snapshot) => snapshot.meta.status === 'unreachable').map((snapshot) => snapshot.meta.cluster),
  );
  const reasonMissing = (cluster: string): string => missingReason(unreadable.get(cluster));
  const connectivity = findConnectivity(clusters, latest);
  const excluded = picomatch(thresholds.excludeNamespaces, { dot: true });
  const skipOf = namespaceSkipper(thresholds);
  const isSkipped = (namespace: string) => skipOf(namespace) !== null;

  const raw: RawCheck[] = [];
  for (const rule of rules) {
    if (rule.scope === 'cluster') {
      for (const snapshot of latest) {
        const ctx: ClusterRuleContext = {
          snapshot,
          labels: clusters.find((c) => c.name === snapshot.meta.cluster)?.labels ?? snapshot.meta.labels,
          thresholds,
          now,
          isExcludedNamespace: rule.tenantHygiene ? isSkipped : (ns) => excluded(ns),
        };
        for (const check of runClusterRule(rule, ctx)) raw.push({ rule, check, cluster: snapshot.meta.cluster });
      }
      for (const cluster of missingClusters) {
        raw.push({ rule, check: notEvaluated(`Cluster/${cluster}`, reasonMissing(cluster)), cluster });
      }
    } else {
      const ctx: FleetRuleContext = {
        snapshots: latest,
        clusters,
        missingClusters,
        waivers,
        thresholds,
        now,
        connectivity,
        missingReason: reasonMissing,
        unreadableSnapshots: (cluster) => unreadable.get(cluster) ?? [],
      };
      for (const check of rule.evaluate(ctx)) {
        const cluster = check.cluster ?? null;
        // Nothing of an unreachable cluster was seen: CLUSTER-UNREACHABLE is its only evaluated check.
        const seenCheck =
          cluster !== null && unreachable.has(cluster)
            ? notEvaluated(check.subject, 'the cluster was unreachable')
            : check;
        raw.push({ rule, check: seenCheck, cluster });
      }
    }
  }

  const activeWaivers = waivers.filter((waiver) => !isWaiverExpired(waiver, now));
  const findingsById = new Map<string, Finding>();
  const resolved: ResolvedCheck[] = raw.map(({ rule, check, cluster }) => {
    const base = { rule: rule.id, cluster, subject: check.subject };
    const { outcome } = check;
    if (outcome.status === 'passed') return { ...base, status: 'passed' };
    if (outcome.status === 'not-evaluated') {
      return {
        ...base,
        status: 'not-evaluated',
        reason: outcome.reason,
        ...(outcome.unread ? { unread: outcome.unread } : {}),
      };
    }
    let allWaived = outcome.findings.length > 0;
    for (const draft of outcome.findings) {
      const { fleetKey } = draft;
      const fleetLevel = fleetKey !== undefined;
      const named = draft.clusters ?? (fleetLevel ? [] : [draft.cluster ?? cluster ?? '']);
      // A fleet-level finding keeps its id when the clusters it names change.
      const id = findingId(rule.id, fleetLevel ? [fleetKey] : named, draft.resource);
      const existing = findingsById.get(id);
      const finding: Finding = existing ?? {
        id,
        rule: rule.id,
        severity: thresholds.severity[rule.id] ?? draft.severity ?? rule.defaultSeverity,
        ...(named.length === 1 && !fleetLevel ? { cluster: named[0] } : { clusters: [...named].sort() }),
        resource: draft.resource,
        message: draft.message,
        evidence: draft.evidence,
        status: 'open',
      };
      if (!existing) {
        // An expired waiver never waives; WAIVER-EXPIRED itself cannot be waived away.
        const waiver = rule.id === 'WAIVER-EXPIRED' ? undefined : activeWaivers.find((w) => waiverCovers(w, finding));
        if (waiver) Object.assign(finding, { status: 'waived', waiver });
        findingsById.set(id, finding);
      }
      if (finding.status !== 'waived') allWaived = false;
    }
    return { ...base, status: allWaived ? 'passed' : 'failed' };
  });

  const findings = [...findingsById.values()].sort(compareFindings);
  // Grouped once: filtering every check and finding for each cluster is quadratic in the fleet.
  const checksOf = groupedBy(resolved, (check) => (check.cluster === null ? [] : [check.cluster]));
  const findingsOf = groupedBy(findings, clustersConcerned);
  const clusterScores: Record<string, Score> = {};
  for (const cluster of clusters) {
    clusterScores[cluster.name] = scoreOf(checksOf.get(cluster.name) ?? [], findingsOf.get(cluster.name) ?? []);
  }
  return {
    findings,
    scores: { fleet: scoreOf(resolved, findings), clusters: clusterScores },
    missingClusters,
    tallies: tallyChecks(resolved),
    connectivity: { ...connectivity, comparedBy: comparedBy(rules) },
    unevaluated: resolved.filter((check): check is UnevaluatedCheck => check.status === 'not-evaluated'),
  };
}

/** The items under each key `keysOf` gives them (none, one or several), in the order given. */
function groupedBy<T>(items: readonly T[], keysOf: (item: T) => readonly string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keysOf(item)) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}

function comparedBy(rules: readonly Rule[]): Record<GroupKind, string[]> {
  const ids = (kind: GroupKind) =>
    rules.filter((rule) => rule.scope === 'fleet' && rule.comparesWithin?.includes(kind)).map((rule) => rule.id);
  return Object.fromEntries(GROUP_KINDS.map((kind) => [kind, ids(kind)])) as Record<GroupKind, string[]>;
}

const clusterKey = (finding: Finding): string => finding.cluster ?? finding.clusters?.join(',') ?? '';

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.rule.localeCompare(b.rule) ||
    clusterKey(a).localeCompare(clusterKey(b)) ||
    a.resource.localeCompare(b.resource)
  );
}
