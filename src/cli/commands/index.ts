import type { Command } from 'commander';

/** What a command reports back to main(): its exit status (see EXIT in main.ts). */
export interface RunState {
  exitCode: number;
}

/** Each command module exports a function that adds itself to the program. Add new ones here. */
export const commands: Array<(program: Command, run: RunState) => void> = [];
