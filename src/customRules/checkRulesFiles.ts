/** `fleetledger rules check FILE...`: validates rules files on their own (for CI). */
import { ConfigError } from '../core/errors.js';
import { loadRulesFiles } from './rulesFile.js';

/** What was found valid, for stdout; ConfigError listing every problem of every file (exit 2). */
export function checkRulesFiles(files: readonly string[]): string {
  if (files.length === 0) throw new ConfigError('rules check: expected one or more rules files');
  const rules = loadRulesFiles('rules check', files);
  return `${files.join(', ')}: ${rules.length} rule(s) valid: ${rules.map((rule) => rule.id).join(', ')}\n`;
}
