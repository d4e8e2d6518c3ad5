import { Command, CommanderError, Help } from 'commander';
import { ConfigError, OperationalError } from '../core/errors.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import { type CommandEntry, commandNamed, commands, type RunState } from './commands/index.js';
import { EXIT } from './exit.js';

/**
 * The program with every command: the one `argv` runs loaded from its module, the others only
 * named (enough for the top-level help and for commander's "did you mean" on a misspelt name).
 */
export async function buildProgram(run: RunState, argv: readonly string[]): Promise<Command> {
  const wanted = commandNamed(argv);
  const terms = new Map<Command, string>();
  const program = new Command('fleetledger')
    .description('Audit and compliance reports for fleets of Kubernetes clusters')
    .version(FLEETLEDGER_VERSION)
    .exitOverride()
    .showHelpAfterError()
    .configureHelp({ subcommandTerm: (command) => terms.get(command) ?? new Help().subcommandTerm(command) });
  for (const entry of commands) {
    if (entry === wanted) (await entry.load()).register(program, run);
    else terms.set(namedOnly(program, entry), entry.term);
  }
  return program;
}

/** A command the program knows by name and description only (its module is not loaded). */
function namedOnly(program: Command, entry: CommandEntry): Command {
  return program.command(entry.name).description(entry.description);
}

/** Runs the CLI; resolves to the exit status instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const run: RunState = { exitCode: EXIT.ok };
  try {
    const program = await buildProgram(run, argv);
    await program.parseAsync(argv, { from: 'user' });
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`error: ${problem}\n`);
      return EXIT.usage;
    }
    if (error instanceof OperationalError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}
