import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { RULES, renderRuleCatalogMarkdown } from '../../evaluate/catalog.js';
import { renderRulesTable } from '../../evaluate/renderTable.js';
import type { RunState } from './index.js';

const FORMATS = ['table', 'json', 'markdown'];

/** `fleetledger rules`: the rule catalog. */
export function register(program: Command, _run: RunState): void {
  program
    .command('rules')
    .description('List the rule catalog: ids, severities, rationale, remediation and control mappings')
    .option('--format <format>', 'table, json or markdown', 'table')
    .action((flags: { format: string }) => {
      if (!FORMATS.includes(flags.format)) {
        throw new ConfigError(`--format: expected one of ${FORMATS.join(', ')}, got "${flags.format}"`);
      }
      if (flags.format === 'markdown') {
        process.stdout.write(renderRuleCatalogMarkdown());
      } else if (flags.format === 'json') {
        const catalog = RULES.map((rule) => ({
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
      }
    });
}
