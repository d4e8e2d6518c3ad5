/**
 * A custom rule as a Rule like any built-in one: the evaluation gives its findings stable ids,
 * applies namespace exclusions, waivers and severity overrides, and counts its checks in
 * compliance and coverage. Each element of `each` is one check: `when` false makes none, `assert`
 * true passes, false fails with `message`; an expression that cannot be evaluated on the data
 * makes the check not evaluated (never passed), naming the expression and the error.
 */
import type { DateTime } from 'luxon';
import {
  type Check,
  type ClusterRule,
  type ControlMapping,
  type FleetRule,
  failed,
  notEvaluated,
  passed,
  type Rule,
  type RuleArea,
} from '../evaluate/rule.js';
import type { Severity } from '../evaluate/types.js';
import { type CompiledExpression, toCelInput } from './celExpression.js';
import { sectionsOfPaths } from './snapshotSections.js';

/** The longest one rule may evaluate on one cluster (or the fleet) before the rest of its items are not evaluated. */
export const MAX_RULE_MILLIS = 5000;

export interface CustomRuleDefinition {
  /** The rules file it came from. */
  file: string;
  /** SHA-256 of the rules file's bytes. */
  fileSha256: string;
  id: string;
  title: string;
  severity: Severity;
  area: Exclude<RuleArea, null>;
  scope: 'cluster' | 'fleet';
  each: CompiledExpression;
  subject: CompiledExpression;
  when: CompiledExpression | null;
  assert: CompiledExpression;
  message: CompiledExpression;
  rationale: string;
  remediation: string;
  controls: ControlMapping;
  /** Skip the platform namespaces too (a tenant-hygiene rule, see platformNamespaces.ts). */
  tenantHygiene: boolean;
}

/** The variables of each expression, by scope (`item` is not bound in `each`). */
export const RULE_VARIABLES = {
  cluster: { each: ['snapshot', 'cluster', 'now'], item: ['snapshot', 'cluster', 'now', 'item'] },
  fleet: { each: ['snapshots', 'clusters', 'now'], item: ['snapshots', 'clusters', 'now', 'item'] },
} as const;

/** `Namespace/ledger` -> ledger; `Kind/ns/name` -> ns; anything else: not namespaced. */
function namespaceOf(subject: string): string | null {
  const parts = subject.split('/');
  if (parts.length === 2 && parts[0] === 'Namespace') return parts[1] || null;
  if (parts.length === 3) return parts[1] || null;
  return null;
}

const clockTime = (): number => performance.now();

interface Scope {
  /** The subject of checks about the scope as a whole (an `each` that fails). */
  subject: string;
  cluster?: string | null;
  bindings: Record<string, unknown>;
  isExcludedNamespace(namespace: string): boolean;
  /** Fleet rules: the known cluster a subject `Cluster/<name>` names, whose score its check counts in. */
  clusterOfSubject?(subject: string): string | null;
}

function checksOf(rule: CustomRuleDefinition, scope: Scope, clock: () => number): Check[] {
  const at = (check: Check): Check => (scope.cluster === undefined ? check : { ...check, cluster: scope.cluster });
  const list = rule.each.evaluate(scope.bindings);
  if (!list.ok) return [at(notEvaluated(scope.subject, `each (${rule.each.source}): ${list.error}`))];
  if (!Array.isArray(list.value)) {
    return [
      at(notEvaluated(scope.subject, `each (${rule.each.source}): expected a list, got ${describe(list.value)}`)),
    ];
  }
  const started = clock();
  const checks: Check[] = [];
  for (const [index, element] of list.value.entries()) {
    if (clock() - started > MAX_RULE_MILLIS) {
      checks.push(
        at(
          notEvaluated(
            scope.subject,
            `cost limit: ${list.value.length - index} of ${list.value.length} items not evaluated after ${MAX_RULE_MILLIS} ms`,
          ),
        ),
      );
      break;
    }
    const bindings = { ...scope.bindings, item: toCelInput(element) };
    const subject = rule.subject.evaluate(bindings);
    if (!subject.ok || typeof subject.value !== 'string' || subject.value === '') {
      const why = subject.ok ? `expected a non-empty string, got ${describe(subject.value)}` : subject.error;
      checks.push(at(notEvaluated(`${scope.subject} item ${index}`, `subject (${rule.subject.source}): ${why}`)));
      continue;
    }
    const name = subject.value;
    const namespace = namespaceOf(name);
    if (namespace !== null && scope.isExcludedNamespace(namespace)) continue;
    if (rule.when) {
      const applies = rule.when.evaluate(bindings);
      if (!applies.ok || typeof applies.value !== 'boolean') {
        const why = applies.ok ? `expected a bool, got ${describe(applies.value)}` : applies.error;
        checks.push(at(notEvaluated(name, `when (${rule.when.source}): ${why}`)));
        continue;
      }
      if (!applies.value) continue;
    }
    const holds = rule.assert.evaluate(bindings);
    if (!holds.ok || typeof holds.value !== 'boolean') {
      const why = holds.ok ? `expected a bool, got ${describe(holds.value)}` : holds.error;
      checks.push(at(notEvaluated(name, `assert (${rule.assert.source}): ${why}`)));
      continue;
    }
    const about = scope.clusterOfSubject?.(name) ?? null;
    const place = (check: Check): Check => (about === null ? at(check) : { ...check, cluster: about });
    if (holds.value) {
      checks.push(place(passed(name)));
      continue;
    }
    const message = rule.message.evaluate(bindings);
    const text = message.ok && typeof message.value === 'string' ? message.value : `${name} fails ${rule.id}`;
    const evidence = { rulesFile: rule.file, assert: rule.assert.source };
    // A cluster rule's finding is its cluster's; a fleet rule's is the cluster's its subject names, else the fleet's.
    const draft =
      scope.cluster === undefined
        ? { resource: name, message: text, evidence }
        : about !== null
          ? { cluster: about, resource: name, message: text, evidence }
          : { fleetKey: name, resource: name, message: text, evidence };
    checks.push(place(failed(name, draft)));
  }
  return checks;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

const nowOf = (now: DateTime): Date => now.toJSDate();

/** The Rule that evaluates a custom rule definition; `clock` (milliseconds) measures its time budget. */
export function customRuleOf(rule: CustomRuleDefinition, options: { clock?: () => number } = {}): Rule {
  const clock = options.clock ?? clockTime;
  const base = {
    id: rule.id,
    title: rule.title,
    defaultSeverity: rule.severity,
    area: rule.area,
    rationale: rule.rationale,
    remediation: rule.remediation,
    controls: rule.controls,
    ...(rule.tenantHygiene ? { tenantHygiene: true } : {}),
    definedIn: { path: rule.file, sha256: rule.fileSha256 },
  };
  if (rule.scope === 'fleet') {
    const fleetRule: FleetRule = {
      ...base,
      scope: 'fleet',
      sections: [],
      evaluate({ snapshots, clusters, now }) {
        return checksOf(
          rule,
          {
            subject: 'Fleet',
            cluster: null,
            bindings: {
              snapshots: toCelInput(snapshots),
              clusters: toCelInput(clusters.map((c) => ({ name: c.name, labels: c.labels }))),
              now: toCelInput(nowOf(now)),
            },
            isExcludedNamespace: () => false,
            clusterOfSubject: (subject) => {
              const name = subject.startsWith('Cluster/') ? subject.slice('Cluster/'.length) : null;
              return name !== null && clusters.some((c) => c.name === name) ? name : null;
            },
          },
          clock,
        );
      },
    };
    return fleetRule;
  }
  const expressions = [rule.each, rule.subject, rule.when, rule.assert, rule.message].filter(
    (e): e is CompiledExpression => e !== null,
  );
  const clusterRule: ClusterRule = {
    ...base,
    scope: 'cluster',
    sections: sectionsOfPaths(expressions.flatMap((e) => e.snapshotPaths)),
    evaluate({ snapshot, labels, now, isExcludedNamespace }) {
      return checksOf(
        rule,
        {
          subject: `Cluster/${snapshot.meta.cluster}`,
          bindings: {
            snapshot: toCelInput(snapshot),
            cluster: toCelInput({ name: snapshot.meta.cluster, labels: labels ?? snapshot.meta.labels }),
            now: toCelInput(nowOf(now)),
          },
          isExcludedNamespace,
        },
        clock,
      );
    },
  };
  return clusterRule;
}
