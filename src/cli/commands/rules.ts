import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { RULES, renderRuleCatalogMarkdown, ruleById } from '../../evaluate/catalog.js';
import { renderRulesTable } from '../../evaluate/renderTable.js';
import type { RunState } from './index.js';

const FORMATS = ['table', 'json', 'markdown'];

/** `fleetledger rules`: the rule catalog. */
export function register(program: Command, _run: RunState): void {
  program
    .command('rules')
    .argument('[ids...]', 'rule ids to describe in full (default: the whole catalog)')
    .description('List the rule catalog: ids, severities, rationale, remediation and control mappings')
    .option('--format <format>', 'table, json or markdown', 'table')
    .action((ids: string[], flags: { format: string }) => {
      if (!FORMATS.includes(flags.format)) {
        throw new ConfigError(`--format: expected one of ${FORMATS.join(', ')}, got "${flags.format}"`);
      }
      const unknown = ids.filter((id) => !ruleById(id));
      if (unknown.length > 0) {
        throw new ConfigError(
          `unknown rule id ${unknown.map((id) => `"${id}"`).join(', ')}: expected one of ${RULES.map((r) => r.id).join(', ')}`,
        );
      }
      const rules = ids.length > 0 ? RULES.filter((rule) => ids.includes(rule.id)) : RULES;
      if (flags.format === 'markdown' || (flags.format === 'table' && ids.length > 0)) {
        // Named rules in full: why, how to fix, which controls.
        process.stdout.write(renderRuleCatalogMarkdown(rules));
      } else if (flags.format === 'json') {
        const catalog = rules.map((rule) => ({
          id: rule.id,
          title: rule.title,
          scope: rule.scope,
          area: rule.area,
          defaultSeverity: rule.defaultSeverity,
          sections: rule.sections,
          rationale: rule.rationale,
          remediation: rule.remediation,
          controls: rule.controls,
        }));
        process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
      } else {
        process.stdout.write(renderRulesTable(RULES));
        process.stdout.write(
          '\nfleetledger rules ID [ID ...] describes rules in full: rationale, remediation, controls.\n',
        );
      }
    });
}
