import { Command, CommanderError } from 'commander';
import { ConfigError, OperationalError } from '../core/errors.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import { commands, type RunState } from './commands/index.js';
import { EXIT } from './exit.js';

export function buildProgram(run: RunState): Command {
  const program = new Command('fleetledger')
    .description('Audit and compliance reports for fleets of Kubernetes clusters')
    .version(FLEETLEDGER_VERSION)
    .exitOverride()
    .showHelpAfterError();
  for (const register of commands) register(program, run);
  return program;
}

/** Runs the CLI; resolves to the exit status instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const run: RunState = { exitCode: EXIT.ok };
  const program = buildProgram(run);
  try {
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
