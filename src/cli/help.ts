/**
 * How every command's --help reads: required options marked "(required)", the global options
 * shown, and an Examples section (commands register theirs with `examples()`). The README's
 * command reference is generated from this same text (scripts/write-readme-commands.ts), so
 * it cannot drift from what `--help` says.
 */
import { type Command, Help, type HelpConfiguration, type Option } from 'commander';
import { EXIT_STATUS_HELP } from './exit.js';

const EXAMPLES = new WeakMap<Command, readonly string[]>();

/** Adds an Examples section to the command's --help: each entry a command line, with an optional `# comment` line above. */
export function examples(command: Command, lines: readonly string[]): Command {
  EXAMPLES.set(command, lines);
  return command;
}

export function examplesOf(command: Command): readonly string[] {
  return EXAMPLES.get(command) ?? [];
}

export const HELP_CONFIGURATION: HelpConfiguration = {
  showGlobalOptions: true,
  sortSubcommands: false,
  optionDescription(option: Option): string {
    const base = Help.prototype.optionDescription.call(this, option);
    return option.mandatory ? `${base} (required)` : base;
  },
  formatHelp(command: Command, helper: Help): string {
    const text = Help.prototype.formatHelp.call(this, command, helper);
    // The top level says what the exit statuses mean, for every command.
    const exit = command.parent ? '' : `\n${EXIT_STATUS_HELP}\n`;
    const lines = examplesOf(command);
    if (lines.length === 0) return `${text}${exit}`;
    return `${text}\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n${exit}`;
  },
};
