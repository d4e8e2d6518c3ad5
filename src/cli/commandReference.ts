/**
 * The README's command reference, generated from the CLI's own --help (npm run docs), so the two
 * cannot drift apart: a test regenerates it and compares. Rendered at a fixed width, so the text
 * does not depend on the terminal the docs were generated in.
 */
import type { Command } from 'commander';
import { HELP_CONFIGURATION } from './help.js';
import { buildProgram } from './main.js';

const WIDTH = 100;
const BEGIN = /<!-- commands:begin[^>]*-->\n/;
const END = '<!-- commands:end -->';

function helpOf(command: Command): string {
  command.configureHelp({ ...HELP_CONFIGURATION, helpWidth: WIDTH });
  return command.helpInformation().trimEnd();
}

/** Every command's --help (subcommands too, e.g. `reports list`), each under its own heading. */
export async function renderCommandReference(): Promise<string> {
  const program = await buildProgram({ exitCode: 0 }, [], { loadAll: true });
  const blocks = [`#### fleetledger\n\n\`\`\`text\n${helpOf(program)}\n\`\`\``];
  const walk = (command: Command, path: string) => {
    for (const sub of command.commands) {
      if (sub.name() === 'help') continue;
      const name = `${path} ${sub.name()}`;
      blocks.push(`#### ${name}\n\n\`\`\`text\n${helpOf(sub)}\n\`\`\``);
      walk(sub, name);
    }
  };
  walk(program, 'fleetledger');
  return blocks.join('\n\n');
}

/** The README text with the generated command reference between its markers. */
export async function withCommandReference(readme: string): Promise<string> {
  const begin = BEGIN.exec(readme);
  const end = readme.indexOf(END);
  if (!begin || end < begin.index) throw new Error('README.md: the commands:begin / commands:end markers are missing');
  const head = readme.slice(0, begin.index + begin[0].length);
  return `${head}\n${await renderCommandReference()}\n\n${readme.slice(end)}`;
}
