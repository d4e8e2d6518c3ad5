/**
 * Real `fleetledger` processes interrupted at an exact point: the store's test hook
 * (src/ledger/faultInjection.ts) pauses the process after its Nth write, and the test kills it
 * with SIGKILL, as an out-of-memory kill or a Lambda timeout would: no handler runs, nothing is
 * cleaned up.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FAIL_AFTER_WRITES, PAUSE_AFTER_WRITES } from '../../src/ledger/faultInjection.js';
import { type CliResult, runFleetledger } from './cli.js';

const BIN = fileURLToPath(new URL('../../bin/fleetledger.js', import.meta.url));
const PAUSED = /^fleetledger: paused after write (\d+) \((.+)\)$/;

export interface KilledRun {
  /** The key of the last object the run wrote before it was killed. */
  lastWritten: string;
  signal: NodeJS.Signals | null;
}

/** Runs `fleetledger ARGS`, kills it with SIGKILL once it has written `writes` objects. */
export function killAfterWrites(args: string[], env: Record<string, string>, writes: number): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env, [PAUSE_AFTER_WRITES]: String(writes) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let lastWritten: string | null = null;
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      const paused = PAUSED.exec(line);
      if (paused && lastWritten === null) {
        lastWritten = paused[2]!;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (lastWritten === null) {
        reject(
          new Error(
            `fleetledger ${args[0]} ended (${code ?? signal}) before its write ${writes}: ${stderr.join('\n')}`,
          ),
        );
      } else {
        resolve({ lastWritten, signal });
      }
    });
  });
}

/** Runs `fleetledger ARGS` against a store whose every write after the first `writes` fails. */
export function runWithStoreOutage(args: string[], env: Record<string, string>, writes: number): Promise<CliResult> {
  return runFleetledger(args, { ...env, [FAIL_AFTER_WRITES]: String(writes) });
}
