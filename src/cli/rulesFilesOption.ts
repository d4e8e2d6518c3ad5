/**
 * `--rules FILE` (repeatable) of the commands that evaluate: the organisation's custom rules,
 * loaded before anything else is read, so the fleet file and the waivers may name their ids and a
 * broken rules file stops the command (exit 2) before any cluster is contacted.
 */
import { Option } from 'commander';
import { loadRulesFiles } from '../customRules/rulesFile.js';
import { useCustomRules } from '../evaluate/catalog.js';

export function rulesFilesOption(
  description = 'custom rules file (YAML with CEL, see README "Custom rules"); repeatable',
): Option {
  return new Option('--rules <file>', description)
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .default([]);
}

/** Loads and puts in use the custom rules of the `--rules` files (none: removes earlier ones). */
export function useRulesFiles(files: readonly string[]): void {
  useCustomRules('--rules', loadRulesFiles('--rules', files));
}
