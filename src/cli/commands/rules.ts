import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { checkRulesFiles } from '../../customRules/checkRulesFiles.js';
import { renderRuleCatalogMarkdown, ruleById, ruleCatalog } from '../../evaluate/catalog.js';
import { renderRuleDetailsText, renderRulesTable } from '../../evaluate/renderTable.js';
import type { Rule } from '../../evaluate/rule.js';
import { examples } from '../help.js';
import { formatOption, printDocument, printJson, printLines } from '../output.js';
import { rulesFilesOption, useRulesFiles } from '../rulesFilesOption.js';
import type { RunState } from './index.js';

/** `fleetledger rules`: the rule catalog. */
export function register(program: Command, _run: RunState): void {
  const command = program
    .command('rules')
    .argument(
      '[ids...]',
      'rule ids to describe in full, in any case (default: the whole catalog); `check FILE...` validates rules files',
    )
    .description('List the rule catalog: ids, severities, rationale, remediation and control mappings')
    .addOption(formatOption(['table', 'json', 'markdown']))
    .addOption(rulesFilesOption())
    .action((ids: string[], flags: { format: string; rules: string[] }) => {
      // `rules check FILE...` (rule ids are capitals: `check` is none): for CI, no cluster, no store.
      if (ids[0] === 'check') {
        printLines(checkRulesFiles(ids.slice(1)));
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
      const named = [...new Set(ids.map((id) => ruleById(id) as Rule))];
      const rules = ids.length > 0 ? catalog.filter((rule) => named.includes(rule)) : catalog;
      if (flags.format === 'markdown') {
        printDocument(renderRuleCatalogMarkdown(rules));
      } else if (flags.format === 'json') {
        printJson(
          rules.map((rule) => ({
            id: rule.id,
            title: rule.title,
            scope: rule.scope,
            area: rule.area,
            defaultSeverity: rule.defaultSeverity,
            sections: rule.sections,
            rationale: rule.rationale,
            remediation: rule.remediation,
            controls: rule.controls,
          })),
        );
      } else if (ids.length > 0) {
        // Named rules in full: why, how to fix, which controls.
        printLines(renderRuleDetailsText(rules));
      } else {
        printLines(
          renderRulesTable(catalog),
          'fleetledger rules ID [ID ...] describes rules in full: rationale, remediation, controls.',
        );
      }
    });
  examples(command, [
    'fleetledger rules',
    'fleetledger rules cert-expiring CIDR-OVERLAP',
    'fleetledger rules --format json | jq -r ".[] | select(.defaultSeverity == \\"critical\\") | .id"',
  ]);
}
