/** The README's command reference is the CLI's own --help (npm run docs): it cannot go stale. */
import { readFileSync } from 'node:fs';
import { renderCommandReference, withCommandReference } from '../../src/cli/commandReference.js';
import { runCliInProcess } from '../support/cli.js';

describe('README command reference (run npm run docs after changing a command)', () => {
  it('is what the CLI says in --help, for every command', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

    expect(readme).toContain('#### fleetledger reports list\n');
    expect(await withCommandReference(readme)).toBe(readme);
  });

  it('names every command the CLI has, with its examples and the exit statuses', async () => {
    const reference = await renderCommandReference();
    const { stdout } = await runCliInProcess(['--help']);
    const commands = [...stdout.matchAll(/^ {2}([a-z]+) (?:\[options\]|<|\[|$)/gm)].map((match) => match[1]!);

    expect(
      commands.filter((name) => name !== 'help').map((name) => reference.includes(`#### fleetledger ${name}\n`)),
    ).toEqual(commands.filter((name) => name !== 'help').map(() => true));
    expect(reference).toContain('Exit status:\n  0  ok\n');
    expect(reference).toContain(
      'Examples:\n  # in CI after the weekly run: fail on critical or high findings, or below 95% compliance\n  fleetledger check --store s3://audit-ledger/fleet --fail-on high --min-compliance 95\n',
    );
  });
});
