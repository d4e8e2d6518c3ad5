import { Command, CommanderError, Help } from 'commander';
import { ConfigError, OperationalError } from '../core/errors.js';
import { logSettingsFromEnvironment } from '../core/logger.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import { type CommandEntry, commandNamed, commands, type RunState } from './commands/index.js';
import { EXIT } from './exit.js';
import { HELP_CONFIGURATION } from './help.js';
import { configureOutput, endQuietlyOnClosedPipe, outputSettings, printError } from './output.js';

/**
 * The program with every command: the one `argv` runs loaded from its module, the others only
 * named (enough for the top-level help and for commander's "did you mean" on a misspelt name).
 * `loadAll`: every command loaded (the generated command reference shows each one's own help).
 */
export async function buildProgram(
  run: RunState,
  argv: readonly string[],
  options: { loadAll?: boolean } = {},
): Promise<Command> {
  const wanted = commandNamed(argv);
  const terms = new Map<Command, string>();
  const program = new Command('fleetledger')
    .description('Audit and compliance reports for fleets of Kubernetes clusters')
    .version(FLEETLEDGER_VERSION)
    .option('-q, --quiet', 'print only errors and the machine formats asked for (--format json ...)')
    .option('-v, --verbose', 'log at info level (FLEETLEDGER_LOG_LEVEL overrides) and show stack traces of errors')
    .exitOverride()
    // One line pointing at --help, not the whole help after every mistake.
    .showHelpAfterError('(add --help for usage and examples)')
    .hook('preAction', (_program, action) => {
      const flags = action.optsWithGlobals<{ quiet?: boolean; verbose?: boolean }>();
      configureOutput({ quiet: flags.quiet === true, verbose: flags.verbose === true && flags.quiet !== true });
      // Checked before any work: a misspelt log setting is a configuration error, not ignored.
      logSettingsFromEnvironment();
    });
  program.configureHelp({
    ...HELP_CONFIGURATION,
    // A command whose module is not loaded is listed as its entry names it.
    subcommandTerm: (command) => terms.get(command) ?? new Help().subcommandTerm(command),
  });
  for (const entry of commands) {
    if (options.loadAll || entry === wanted) (await entry.load()).register(program, run);
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
  endQuietlyOnClosedPipe();
  configureOutput({ quiet: false, verbose: false });
  try {
    const program = await buildProgram(run, argv);
    await program.parseAsync(argv, { from: 'user' });
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      for (const problem of error.problems) printError(problem);
      return EXIT.usage;
    }
    if (error instanceof OperationalError) {
      printError(error.message);
      return EXIT.failure;
    }
    // Anything else is a bug or an unexpected failure: one line, the stack only with --verbose.
    const message = error instanceof Error ? error.message : String(error);
    printError(`${message}${outputSettings().verbose ? '' : ' (run with --verbose for details)'}`);
    if (outputSettings().verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT.failure;
  }
}
