/**
 * Tests that need a program of the machine (headless Chromium, kubectl). CI runs with zero skipped
 * tests: there (`CI` set, as `.ci/run` sets it) a missing program is a failing test that names it
 * and says how to install it. A local run skips such tests, loudly, so a developer without the
 * program can still run the rest.
 *
 * @example
 * const chromium = findChromium();
 * describeWithTool({ name: 'Chromium', path: chromium, install: 'apt-get install -y chromium' })(
 *   'report.html in headless Chromium', () => { ... });
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RequiredTool {
  /** What the tests need, e.g. `Chromium`. */
  readonly name: string;
  /** Where it was found; null: not on this machine. */
  readonly path: string | null;
  /** How to install it, e.g. `apt-get install -y chromium`. */
  readonly install: string;
}

/** Whether this is a CI run: `CI` set to anything but empty, `0` or `false` (`.ci/run` sets CI=true). */
export function isCiRun(environment: NodeJS.ProcessEnv = process.env): boolean {
  const value = environment['CI']?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** The first existing file among the candidates, then `command` on the PATH; null when none exists. */
export function findExecutable(command: string, candidates: readonly (string | undefined)[] = []): string | null {
  const onPath = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command));
  return (
    [...candidates, ...onPath].find((candidate): candidate is string => Boolean(candidate) && existsSync(candidate!)) ??
    null
  );
}

/** The line a run prints (local) or a test fails with (CI) when the tool is missing. */
export function missingToolMessage(tool: RequiredTool, suite: string): string {
  return `${tool.name} not found: "${suite}" needs it. Install it with: ${tool.install}`;
}

/**
 * `describe` when the tool is there; otherwise, in CI, a suite of one test that fails naming the
 * tool, and locally `describe.skip` after a warning on stderr.
 */
export function describeWithTool(tool: RequiredTool): (suite: string, body: () => void) => void {
  return (suite, body) => {
    if (tool.path !== null) {
      describe(suite, body);
      return;
    }
    const message = missingToolMessage(tool, suite);
    if (isCiRun()) {
      describe(suite, () => {
        it(`needs ${tool.name} (CI runs with zero skipped tests)`, () => {
          throw new Error(message);
        });
      });
      return;
    }
    process.stderr.write(`\n*** SKIPPED (not in CI): ${message} ***\n\n`);
    describe.skip(suite, body);
  };
}
