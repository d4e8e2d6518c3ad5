import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { checkRulesFiles } from '../../customRules/checkRulesFiles.js';
import { renderRuleCatalogMarkdown, ruleById, ruleCatalog } from '../../evaluate/catalog.js';
import { renderRulesTable } from '../../evaluate/renderTable.js';
import { rulesFilesOption, useRulesFiles } from '../rulesFilesOption.js';
import type { RunState } from './index.js';

const FORMATS = ['table', 'json', 'markdown'];

/** `fleetledger rules`: the rule catalog. */
export function register(program: Command, _run: RunState): void {
  program
    .command('rules')
    .argument(
      '[ids...]',
      'rule ids to describe in full (default: the whole catalog); `check FILE...` validates rules files',
    )
    .description('List the rule catalog: ids, severities, rationale, remediation and control mappings')
    .option('--format <format>', 'table, json or markdown', 'table')
    .addOption(rulesFilesOption())
    .action((ids: string[], flags: { format: string; rules: string[] }) => {
      if (!FORMATS.includes(flags.format)) {
        throw new ConfigError(`--format: expected one of ${FORMATS.join(', ')}, got "${flags.format}"`);
      }
      // `rules check FILE...` (rule ids are capitals: `check` is none): for CI, no cluster, no store.
      if (ids[0] === 'check') {
        process.stdout.write(checkRulesFiles(ids.slice(1)));
        return;
      }
      useRulesFiles(flags.rules);
      const catalog = ruleCatalog();
      const unknown = ids.filter((id) => !ruleById(id));
      if (unknown.length > 0) {
        throw new ConfigError(
          `unknown rule id ${unknown.map((id) => `"${id}"`).join(', ')}: expected one of ${catalog.map((r) => r.id).join(', ')}`,
        );
      }
      const rules = ids.length > 0 ? catalog.filter((rule) => ids.includes(rule.id)) : catalog;
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
        process.stdout.write(renderRulesTable(catalog));
        process.stdout.write(
          '\nfleetledger rules ID [ID ...] describes rules in full: rationale, remediation, controls.\n',
        );
      }
    });
}
