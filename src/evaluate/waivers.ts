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
 *     expires: 2026-12-31          # inclusive, UTC
 * ```
 * Every problem of the file is reported at once, each naming the entry and key
 * (`waivers[1].owner: required`).
 */
import { DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type ConfigFile, readConfigFile } from '../core/configFile.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { firstLine } from '../core/text.js';
import { RULE_IDS } from './catalog.js';
import type { Waiver } from './types.js';

const required = (key: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? 'required' : `expected a non-empty string (${key})`,
});
const text = (key: string) => z.string(required(key)).trim().min(1, 'required');

const WaiverEntry = z.strictObject(
  {
    rule: text('rule').refine((id) => RULE_IDS.includes(id), {
      error: (issue) => `unknown rule id "${String(issue.input)}" (see fleetledger rules)`,
    }),
    cluster: text('cluster glob'),
    resource: text('resource glob').optional(),
    reason: text('reason'),
    owner: text('owner'),
    expires: z
      // YAML 1.1 readers turn an unquoted date into a Date; accept both forms.
      .union([z.string(), z.date()], {
        error: (issue) => (issue.input === undefined ? 'required' : 'expected a date YYYY-MM-DD'),
      })
      .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value.trim()))
      .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid, {
        message: 'expected a date YYYY-MM-DD',
      }),
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

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

/** Validates the parsed document; `file` only names the source in messages. */
export function parseWaivers(document: unknown, file: string): Waiver[] {
  if (document === null || document === undefined) return [];
  const top = WaiversFile.safeParse(document);
  if (!top.success) {
    const problems = top.error.issues.map(
      (issue) => `${file}: ${pathText(issue.path) || '(top level)'}: ${issue.message}`,
    );
    throw new ConfigError(problems[0]!, problems);
  }
  const problems: string[] = [];
  const waivers: Waiver[] = [];
  top.data.waivers.forEach((entry, index) => {
    const parsed = WaiverEntry.safeParse(entry);
    if (parsed.success) {
      waivers.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      problems.push(`${file}: ${pathText(['waivers', index, ...issue.path])}: ${issue.message}`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems[0]!, problems);
  return waivers;
}

/** Parses the text of a waivers file (YAML) and validates it; `file` names the source in messages. */
export function parseWaiversText(text: string, file: string): Waiver[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    // Only the first line ("... at line 3, column 9"): the parser's source snippet would break the one-line rule.
    throw new ConfigError(`${file}: not valid YAML: ${firstLine(errorMessage(error))}`);
  }
  return parseWaivers(document, file);
}

/**
 * Reads and validates a waivers file, keeping the bytes it read: a report records what produced
 * it (src/report/configuration.ts).
 */
export async function readWaiversFile(file: string): Promise<{ waivers: Waiver[]; source: ConfigFile }> {
  const source = readConfigFile('--waivers', file);
  return { waivers: parseWaiversText(source.text, file), source };
}
