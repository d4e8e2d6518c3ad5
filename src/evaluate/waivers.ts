/**
 * The waivers file (`--waivers FILE`):
 *
 * ```yaml
 * waivers:
 *   - rule: QUOTA-MISSING
 *     cluster: prod-*              # glob
 *     resource: Namespace/ledger   # glob, optional
 *     reason: Batch namespace, quota enforced by the scheduler
 *     owner: team-ledger
 *     expires: 2026-12-31          # inclusive, UTC; at most rules.waiverMaxTermDays (365) days ahead
 *   - rule: MTLS-NOT-STRICT
 *     cluster: "*"                 # a glob matching every cluster needs allClusters: true
 *     allClusters: true
 *     ...
 * ```
 * Every problem of the file is reported at once, each naming the entry and key
 * (`waivers[1].owner: required`).
 */
import { DateTime } from 'luxon';
import * as z from 'zod';
import { type ConfigFile, parseConfigYaml, readConfigFile } from '../core/configFile.js';
import { ConfigError } from '../core/errors.js';
import { isKnownRuleId } from './catalog.js';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from './thresholds.js';
import type { Waiver } from './types.js';
import { matchesEveryCluster } from './waiverMatching.js';

const required = (key: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? 'required' : `expected a non-empty string (${key})`,
});
const text = (key: string) => z.string(required(key)).trim().min(1, 'required');

const ExpiryDate = z
  // YAML 1.1 readers turn an unquoted date into a Date; accept both forms.
  .union([z.string(), z.date()], {
    error: (issue) => (issue.input === undefined ? 'required' : 'expected a date YYYY-MM-DD'),
  })
  .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value.trim()))
  .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid, {
    message: 'expected a date YYYY-MM-DD',
  });

const WaiverEntry = z.strictObject(
  {
    rule: text('rule').refine((id) => isKnownRuleId(id), {
      error: (issue) => `unknown rule id "${String(issue.input)}" (see fleetledger rules)`,
    }),
    cluster: text('cluster glob'),
    resource: text('resource glob').optional(),
    reason: text('reason'),
    owner: text('owner'),
    expires: ExpiryDate,
    allClusters: z.boolean({ error: 'expected true or false' }).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'expected a mapping (rule, cluster, reason, owner, expires)' : undefined,
  },
);

const WaiversFile = z.strictObject(
  { waivers: z.array(z.unknown(), { error: 'expected a list of waivers' }) },
  { error: (issue) => (issue.code === 'invalid_type' ? 'expected a mapping with a waivers: list' : undefined) },
);

/** The list of a file whose other keys are wrong, so its entries are still checked. */
const WaiversList = z.looseObject({ waivers: z.array(z.unknown()) });

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

/** What bounds a waiver beyond its own fields. */
export interface WaiverLimits {
  /** The run's instant: the term is measured from its day (UTC). */
  now: DateTime;
  /** rules.waiverMaxTermDays of the fleet file (default 365). */
  maxTermDays: number;
}

/** The limits of a run: its instant, and the fleet file's waiverMaxTermDays (default 365). */
export function waiverLimits(
  now: DateTime,
  thresholds: Pick<RuleThresholds, 'waiverMaxTermDays'> | null,
): WaiverLimits {
  return { now, maxTermDays: (thresholds ?? DEFAULT_THRESHOLDS).waiverMaxTermDays };
}

/**
 * Problems of an entry against the limits: a term beyond the maximum, a glob matching every
 * cluster without `allClusters: true` (a fleet-wide waiver must say so), or `allClusters: true`
 * on a glob that does not. Checked on the keys that are valid, so they come with any other problem
 * of the entry.
 */
function limitProblems(entry: unknown, limits: WaiverLimits): { key: string; message: string }[] {
  if (typeof entry !== 'object' || entry === null) return [];
  const fields = entry as Record<string, unknown>;
  const problems: { key: string; message: string }[] = [];
  const expires = ExpiryDate.safeParse(fields['expires']);
  if (expires.success) {
    const today = limits.now.toUTC().startOf('day');
    const days = Math.round(DateTime.fromISO(expires.data, { zone: 'utc' }).diff(today, 'days').days);
    if (days > limits.maxTermDays) {
      problems.push({
        key: 'expires',
        message: `${expires.data} is ${days} days after ${today.toISODate()} (the day of this run, UTC), beyond the maximum term of ${limits.maxTermDays} days (rules.waiverMaxTermDays): choose an earlier date and renew the waiver when it expires`,
      });
    }
  }
  const cluster = typeof fields['cluster'] === 'string' ? fields['cluster'].trim() : '';
  const allClusters = fields['allClusters'];
  if (cluster !== '' && (allClusters === undefined || typeof allClusters === 'boolean')) {
    const everyCluster = matchesEveryCluster(cluster);
    if (everyCluster && allClusters !== true) {
      problems.push({
        key: 'cluster',
        message: `"${cluster}" matches every cluster: a fleet-wide waiver needs allClusters: true`,
      });
    } else if (!everyCluster && allClusters === true) {
      problems.push({
        key: 'allClusters',
        message: `true, but the cluster glob "${cluster}" does not match every cluster: use cluster: "*" or remove allClusters`,
      });
    }
  }
  return problems;
}

/** Validates the parsed document; `file` only names the source in messages. */
export function parseWaivers(document: unknown, file: string, limits: WaiverLimits): Waiver[] {
  if (document === null || document === undefined) return [];
  const top = WaiversFile.safeParse(document);
  const problems = top.success
    ? []
    : top.error.issues.map((issue) => `${file}: ${pathText(issue.path) || '(top level)'}: ${issue.message}`);
  // A mistake beside the list (a misspelt key) does not hide the mistakes in it: all come at once.
  const entries = top.success ? top.data.waivers : (WaiversList.safeParse(document).data?.waivers ?? []);
  const waivers: Waiver[] = [];
  entries.forEach((entry, index) => {
    const parsed = WaiverEntry.safeParse(entry);
    const beyond = limitProblems(entry, limits);
    if (parsed.success && beyond.length === 0) {
      waivers.push(parsed.data);
      return;
    }
    for (const issue of parsed.error?.issues ?? []) {
      problems.push(`${file}: ${pathText(['waivers', index, ...issue.path])}: ${issue.message}`);
    }
    for (const problem of beyond) {
      problems.push(`${file}: ${pathText(['waivers', index, problem.key])}: ${problem.message}`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems[0]!, problems);
  return waivers;
}

/** Parses the text of a waivers file (YAML) and validates it; `file` names the source in messages. */
export function parseWaiversText(text: string, file: string, limits: WaiverLimits): Waiver[] {
  return parseWaivers(parseConfigYaml({ path: file, text }), file, limits);
}

/**
 * Reads and validates a waivers file, keeping the bytes it read: a report records what produced
 * it (src/report/configuration.ts).
 */
export async function readWaiversFile(
  file: string,
  limits: WaiverLimits,
): Promise<{ waivers: Waiver[]; source: ConfigFile }> {
  const source = readConfigFile('--waivers', file);
  return { waivers: parseWaiversText(source.text, file, limits), source };
}
