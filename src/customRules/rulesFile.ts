/**
 * Rules files: an organisation's own checks, in YAML with CEL expressions (see README "Custom
 * rules"). Read and compiled before any cluster is contacted: every problem of every file is a
 * configuration error naming the file, the rule id and what is wrong (a YAML error, an unknown
 * field, a CEL syntax error, an undeclared variable or function, an expression over the cost
 * limits, an id that collides with a built-in rule or another custom one).
 */
import * as z from 'zod';
import { type ConfigFile, parseConfigYaml, readConfigFile } from '../core/configFile.js';
import { ConfigError } from '../core/errors.js';
import { RULES } from '../evaluate/catalog.js';
import type { Rule } from '../evaluate/rule.js';
import { Severity } from '../evaluate/types.js';
import { sha256Hex } from '../ledger/objects.js';
import { type CompiledExpression, compileCel } from './celExpression.js';
import { type CustomRuleDefinition, customRuleOf, RULE_VARIABLES } from './customRule.js';

const RULE_ID = /^[A-Z0-9][A-Z0-9-]*$/;
const text = z.string({ error: 'expected text' }).trim().min(1, { error: 'expected text' });

const RuleEntry = z.strictObject({
  id: z
    .string({ error: 'expected text' })
    .regex(RULE_ID, { error: 'expected capitals, digits and dashes, e.g. ORG-NS-OWNER' }),
  title: text,
  severity: Severity,
  area: z.enum(['quotas', 'policies', 'network', 'certificates', 'gitops']),
  scope: z.enum(['cluster', 'fleet']).default('cluster'),
  each: text,
  subject: text,
  when: text.optional(),
  assert: text,
  message: text,
  rationale: text,
  remediation: text,
  /** Skips the platform namespaces (as QUOTA-MISSING does) besides the excluded ones. */
  tenantHygiene: z.boolean().default(false),
  controls: z
    .strictObject({
      cis: z.string().nullable().default(null),
      nsa: z.string().nullable().default(null),
      soc2: z.array(z.string()).default([]),
    })
    .default({ cis: null, nsa: null, soc2: [] }),
});

const RulesFileDocument = z.strictObject(
  { rules: z.array(z.unknown(), { error: 'expected a list of rules' }) },
  { error: (issue) => (issue.code === 'invalid_type' ? 'expected a mapping with a rules: list' : undefined) },
);

const pathText = (path: readonly PropertyKey[]): string =>
  path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');

const issueMessage = (issue: z.core.$ZodIssue): string =>
  issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;

/** The custom rules of one rules file, or ConfigError listing every problem. */
export function customRulesOfFile(file: Pick<ConfigFile, 'path' | 'text'> & { bytes?: Uint8Array }): Rule[] {
  const document = parseConfigYaml(file);
  const problems: string[] = [];
  const top = RulesFileDocument.safeParse(document ?? {});
  if (!top.success) {
    const problem = top.error.issues.map((i) => `${i.path.length ? `${pathText(i.path)}: ` : ''}${issueMessage(i)}`);
    throw new ConfigError(
      `${file.path}: ${problem[0]}`,
      problem.map((p) => `${file.path}: ${p}`),
    );
  }
  const rules: Rule[] = [];
  top.data.rules.forEach((raw, index) => {
    const rawId = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['id'] : undefined;
    const where = `${file.path}: rule ${typeof rawId === 'string' ? rawId : `[${index}]`}`;
    const parsed = RuleEntry.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${where}: ${issue.path.length ? `${pathText(issue.path)}: ` : ''}${issueMessage(issue)}`);
      }
      return;
    }
    const entry = parsed.data;
    const variables = RULE_VARIABLES[entry.scope];
    const compiled: Record<string, CompiledExpression | null> = {};
    for (const key of ['each', 'subject', 'when', 'assert', 'message'] as const) {
      const source = entry[key];
      if (source === undefined) {
        compiled[key] = null;
        continue;
      }
      try {
        compiled[key] = compileCel(source, key === 'each' ? variables.each : variables.item);
      } catch (error) {
        problems.push(`${where}: ${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (problems.some((p) => p.startsWith(`${where}:`))) return;
    const definition: CustomRuleDefinition = {
      file: file.path,
      fileSha256: sha256Hex(file.bytes ?? new TextEncoder().encode(file.text)),
      id: entry.id,
      title: entry.title,
      severity: entry.severity,
      area: entry.area,
      scope: entry.scope,
      each: compiled['each']!,
      subject: compiled['subject']!,
      when: compiled['when'] ?? null,
      assert: compiled['assert']!,
      message: compiled['message']!,
      rationale: entry.rationale,
      remediation: entry.remediation,
      controls: entry.controls,
      tenantHygiene: entry.tenantHygiene,
    };
    rules.push(customRuleOf(definition));
  });
  if (problems.length > 0) throw new ConfigError(problems[0]!, problems);
  return rules;
}

/**
 * The custom rules of every file, in order; ConfigError listing every problem of every file,
 * including ids that collide with a built-in rule or with each other.
 *
 * @example
 * useCustomRules(loadRulesFiles('--rules', ['org-rules.yaml']));
 */
export function loadRulesFiles(flag: string, paths: readonly string[]): Rule[] {
  return rulesOfFiles(paths.map((path) => ({ path, read: () => readConfigFile(flag, path) })));
}

/**
 * The custom rules of files read by the caller (the deployed functions read them from S3), in
 * order; the same problems as loadRulesFiles. `read` throws ConfigError for a file it cannot read.
 */
export function rulesOfFiles(files: readonly { path: string; read: () => ConfigFile }[]): Rule[] {
  const problems: string[] = [];
  const rules: Rule[] = [];
  const origin = new Map<string, string>(RULES.map((rule) => [rule.id, 'a built-in rule']));
  for (const { path, read } of files) {
    let fileRules: Rule[];
    try {
      fileRules = customRulesOfFile(read());
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      continue;
    }
    for (const rule of fileRules) {
      const taken = origin.get(rule.id);
      if (taken) {
        problems.push(`${path}: rule ${rule.id}: id: already used by ${taken}`);
        continue;
      }
      origin.set(rule.id, `a rule of ${path}`);
      rules.push(rule);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems[0]!, problems);
  return rules;
}
