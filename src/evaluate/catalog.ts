/**
 * The rule catalog. Adding a check = one file under rules/ and one line in RULES.
 */
import { ConfigError } from '../core/errors.js';
import type { Rule } from './rule.js';
import { argoAutosyncOff } from './rules/argoAutosyncOff.js';
import { argoDegraded } from './rules/argoDegraded.js';
import { argoOutOfSync } from './rules/argoOutOfSync.js';
import { argoReconcileStale } from './rules/argoReconcileStale.js';
import { argoSyncFailed } from './rules/argoSyncFailed.js';
import { certExpired } from './rules/certExpired.js';
import { certExpiring } from './rules/certExpiring.js';
import { certManagerNotReady } from './rules/certManagerNotReady.js';
import { cidrOverlap } from './rules/cidrOverlap.js';
import { clusterUnreachable } from './rules/clusterUnreachable.js';
import { constraintNotEnforced } from './rules/constraintNotEnforced.js';
import { constraintViolations } from './rules/constraintViolations.js';
import { gatekeeperAbsent } from './rules/gatekeeperAbsent.js';
import { gatekeeperAdmissionRisk } from './rules/gatekeeperAdmissionRisk.js';
import { gatekeeperAuditStale } from './rules/gatekeeperAuditStale.js';
import { ippoolDisabled } from './rules/ippoolDisabled.js';
import { kubefedClusterNotReady } from './rules/kubefedClusterNotReady.js';
import { limitRangeMissing } from './rules/limitRangeMissing.js';
import { meshRootCaMismatch } from './rules/meshRootCaMismatch.js';
import { mtlsNotStrict } from './rules/mtlsNotStrict.js';
import { netpolNoDefaultDeny } from './rules/netpolNoDefaultDeny.js';
import { policyDrift } from './rules/policyDrift.js';
import { quotaMissing } from './rules/quotaMissing.js';
import { quotaNearLimit } from './rules/quotaNearLimit.js';
import { sectionNotCollected } from './rules/sectionNotCollected.js';
import { snapshotMissing } from './rules/snapshotMissing.js';
import { templateError } from './rules/templateError.js';
import { unauditedCluster } from './rules/unauditedCluster.js';
import { waiverExpired } from './rules/waiverExpired.js';

export const RULES: readonly Rule[] = [
  clusterUnreachable,
  sectionNotCollected,
  quotaMissing,
  limitRangeMissing,
  quotaNearLimit,
  gatekeeperAbsent,
  constraintNotEnforced,
  constraintViolations,
  gatekeeperAuditStale,
  gatekeeperAdmissionRisk,
  templateError,
  netpolNoDefaultDeny,
  mtlsNotStrict,
  certExpired,
  certExpiring,
  certManagerNotReady,
  argoOutOfSync,
  argoDegraded,
  argoSyncFailed,
  argoAutosyncOff,
  argoReconcileStale,
  kubefedClusterNotReady,
  ippoolDisabled,
  cidrOverlap,
  meshRootCaMismatch,
  policyDrift,
  unauditedCluster,
  snapshotMissing,
  waiverExpired,
];

/**
 * The organisation's custom rules (rules files, src/customRules) loaded for this process, by where
 * they were named (`--rules`, a fleet file's `rules.files`). A process-wide setting, made at the
 * edge (CLI, handler) before the configuration that may name their ids is read, because every
 * reader of rule ids (waivers, fleet file thresholds, the evaluation, the report's catalog) must
 * know them as it knows the built-in ones.
 */
const customRules = new Map<string, readonly Rule[]>();

/**
 * The catalog in use and its rules by id, rebuilt when the custom rules change (rarely: once per
 * command or invocation), not on every lookup (the report looks up each finding's rule).
 */
let catalog: readonly Rule[] = RULES;
let byId = new Map<string, Rule>(RULES.map((rule) => [rule.id, rule]));

function catalogChanged(): void {
  catalog = customRules.size === 0 ? RULES : [...RULES, ...[...customRules.values()].flat()];
  byId = new Map(catalog.map((rule) => [rule.id, rule]));
}

/**
 * Sets the custom rules named by one source (replacing what it named before; [] removes them).
 * Throws ConfigError when an id is already taken by a built-in rule or another source's rule.
 */
export function useCustomRules(source: string, rules: readonly Rule[]): void {
  const taken = new Map<string, string>(RULES.map((rule) => [rule.id, 'a built-in rule']));
  for (const [other, otherRules] of customRules) {
    if (other !== source) for (const rule of otherRules) taken.set(rule.id, `a rule named by ${other}`);
  }
  const problems = rules.flatMap((rule) =>
    taken.has(rule.id) ? [`${source}: rule ${rule.id}: id: already used by ${taken.get(rule.id)}`] : [],
  );
  if (problems.length > 0) throw new ConfigError(problems[0]!, problems);
  if (rules.length === 0) customRules.delete(source);
  else customRules.set(source, rules);
  catalogChanged();
}

/** Removes every custom rule (tests, a handler between invocations). */
export function clearCustomRules(): void {
  customRules.clear();
  catalogChanged();
}

/** Every rule: the built-in catalog, then the custom rules in use. */
export function ruleCatalog(): readonly Rule[] {
  return catalog;
}

/** True for the id of a built-in or custom rule in use. */
export function isKnownRuleId(id: string): boolean {
  return byId.has(id);
}

/** The rule with this id, in any case (`cert-expiring` is CERT-EXPIRING: ids are upper case). */
export function ruleById(id: string): Rule | undefined {
  return byId.get(id.toUpperCase());
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function controlsText(rule: Rule): string {
  const parts = [rule.controls.cis, rule.controls.nsa ? `NSA/CISA: ${rule.controls.nsa}` : null];
  if (rule.controls.soc2.length > 0) parts.push(`SOC 2: ${rule.controls.soc2.join(', ')}`);
  return parts.filter((part): part is string => part !== null).join('; ');
}

/** The catalog as Markdown: a summary table, then one section per rule (for the README). */
export function renderRuleCatalogMarkdown(rules: readonly Rule[] = RULES): string {
  const lines = [
    '| Rule | Scope | Severity | Title | Controls |',
    '| --- | --- | --- | --- | --- |',
    ...rules.map(
      (rule) =>
        `| [\`${rule.id}\`](#${rule.id.toLowerCase()}) | ${rule.scope} | ${rule.defaultSeverity} | ${cell(rule.title)} | ${cell(controlsText(rule))} |`,
    ),
    '',
  ];
  for (const rule of rules) {
    lines.push(
      `### ${rule.id}`,
      '',
      `**${rule.title}** (${rule.scope}, default severity ${rule.defaultSeverity}${rule.sections.length > 0 ? `; reads ${rule.sections.map((s) => `\`${s}\``).join(', ')}` : ''}${rule.tenantHygiene ? '; tenant hygiene: skips the [platform namespaces](#platform-namespaces)' : ''})`,
      '',
      `- Why: ${rule.rationale}`,
      `- Fix: ${rule.remediation}`,
      `- CIS Kubernetes Benchmark: ${rule.controls.cis ?? 'none applies'}`,
      `- NSA/CISA Kubernetes Hardening Guide: ${rule.controls.nsa ?? 'none applies'}`,
      `- SOC 2: ${rule.controls.soc2.length > 0 ? rule.controls.soc2.join(', ') : 'none'}`,
      '',
    );
  }
  return lines.join('\n');
}
