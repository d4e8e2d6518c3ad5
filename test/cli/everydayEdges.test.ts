/**
 * The everyday edges of the CLI that decide whether people keep it: one-line errors, help with
 * examples, a closed pipe, configuration mistakes in the environment, case-insensitive input,
 * colours, and where the clusters come from when no fleet file is named.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paint } from '../../src/cli/output.js';
import { ConfigError } from '../../src/core/errors.js';
import { parsePeriod } from '../../src/core/period.js';
import { defaultKubeconfigFiles, fleetFromSources } from '../../src/fleet/fleetSources.js';
import { runCliInProcess, runFleetledger } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../bin/fleetledger.js', import.meta.url));

describe('fleetledger errors and help', () => {
  it('names a missing required option in one line and points at --help instead of printing it all', async () => {
    const { status, stdout, stderr } = await runCliInProcess(['evaluate']);

    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "error: required option '--store <location>' not specified\n(add --help for usage and examples)\n",
    );
  });

  it('shows examples and marks required options in --help', async () => {
    const { status, stdout } = await runCliInProcess(['email', '--help']);

    expect(status).toBe(0);
    expect(stdout).toMatch(/^ {2}--store <location> +ledger: a directory or s3:\/\/bucket\/prefix\s+\(required\)$/m);
    expect(stdout).toMatch(/^ {2}--period <period> +ISO week, e.g. 2026-W48 \(required\)$/m);
    expect(stdout).toMatch(/^ {2}--from <address> +sender address \(default: \$FLEETLEDGER_MAIL_FROM;/m);
    expect(stdout).toContain('\nExamples:\n  fleetledger email --store ./ledger --period 2026-w48 ');
    expect(stdout).toMatch(/^Global Options:\n {2}-V, --version .*\n {2}-q, --quiet/m);
  });

  it('documents the exit statuses in the top-level --help', async () => {
    const { status, stdout } = await runCliInProcess(['--help']);

    expect(status).toBe(0);
    expect(stdout).toContain(
      [
        'Exit status:',
        '  0  ok',
        '  1  findings over the gate (--fail-on, --min-compliance), or an operational failure',
        '  2  usage or configuration error',
        '  3  partial: stored, but some cluster or object could not be collected or read',
      ].join('\n'),
    );
  });

  it('refuses an invalid FLEETLEDGER_LOG_LEVEL or FLEETLEDGER_LOG_FORMAT with exit 2, naming the variable', async () => {
    const level = await runFleetledger(['rules'], { FLEETLEDGER_LOG_LEVEL: 'loud' });
    const format = await runFleetledger(['rules'], { FLEETLEDGER_LOG_FORMAT: 'yaml' });

    expect(level).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: FLEETLEDGER_LOG_LEVEL: expected one of debug, info, warn, error, got "loud"\n',
    });
    expect(format).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: FLEETLEDGER_LOG_FORMAT: expected one of text, json, got "yaml"\n',
    });
  });

  it('refuses an unknown --format in one line naming the choices', async () => {
    const { status, stderr } = await runCliInProcess(['rules', '--format', 'yaml']);

    expect(status).toBe(2);
    expect(stderr).toBe(
      "error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are table, json, markdown.\n(add --help for usage and examples)\n",
    );
  });

  it('ends quietly with exit 0 when the reader of stdout goes away (rules | head -1)', async () => {
    const child = spawn(process.execPath, [BIN, 'rules', '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the first write.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));

    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('with --quiet prints nothing but the machine formats asked for', async () => {
    const quietTable = await runCliInProcess(['rules', '--quiet']);
    const quietJson = await runCliInProcess(['rules', '--quiet', '--format', 'json']);

    expect(quietTable).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(JSON.parse(quietJson.stdout)).toHaveLength(
      (JSON.parse((await runCliInProcess(['rules', '--format', 'json'])).stdout) as unknown[]).length,
    );
  });
});

describe('colours', () => {
  const terminal = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;

  it('are used on a terminal', () => {
    expect(paint('bad', 'error:', terminal, {})).toBe('\u001b[31merror:\u001b[39m');
  });

  it('are never used with NO_COLOR, even with FORCE_COLOR, nor into a pipe', () => {
    expect(paint('bad', 'error:', terminal, { NO_COLOR: '1' })).toBe('error:');
    expect(paint('bad', 'error:', terminal, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe('error:');
    expect(paint('bad', 'error:', pipe, {})).toBe('error:');
  });

  it('are used into a pipe with FORCE_COLOR, for CI logs that render them', () => {
    expect(paint('bad', 'error:', pipe, { FORCE_COLOR: '1' })).toBe('\u001b[31merror:\u001b[39m');
    expect(paint('bad', 'error:', pipe, { FORCE_COLOR: '0' })).toBe('error:');
  });
});

describe('case-insensitive input', () => {
  it('reads 2026-w49 as 2026-W49', () => {
    expect(parsePeriod('2026-w49').id).toBe('2026-W49');
    expect(parsePeriod(' 2026-w49 ').start.toISODate()).toBe('2026-11-30');
  });
});

describe('where the clusters come from without --fleet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-sources-'));
  const kubeconfig = (contexts: string[]) =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      ...contexts.map((c) => `  - { name: ${c}, cluster: { server: 'https://127.0.0.1:6443' } }`),
      'users:',
      '  - { name: reader, user: { token: not-a-real-token } }',
      'contexts:',
      ...contexts.map((c) => `  - { name: ${c}, context: { cluster: ${c}, user: reader } }`),
      `current-context: ${contexts[0]}`,
      '',
    ].join('\n');
  const first = join(dir, 'first');
  const second = join(dir, 'second');
  const home = join(dir, 'home');
  writeFileSync(first, kubeconfig(['prod-east', 'prod-west']));
  writeFileSync(second, kubeconfig(['prod-west', 'staging']));

  it('uses every context of the files KUBECONFIG lists, the first file to name a context winning', async () => {
    const fleet = await fleetFromSources(
      {},
      { KUBECONFIG: [first, join(dir, 'absent'), second].join(delimiter) },
      home,
    );

    expect(fleet.clusters.map((cluster) => [cluster.name, cluster.access])).toEqual([
      ['prod-east', { kind: 'kubeconfig', path: first, context: 'prod-east' }],
      ['prod-west', { kind: 'kubeconfig', path: first, context: 'prod-west' }],
      ['staging', { kind: 'kubeconfig', path: second, context: 'staging' }],
    ]);
  });

  it('uses only the contexts --context names', async () => {
    const fleet = await fleetFromSources(
      { context: ['staging'] },
      { KUBECONFIG: [first, second].join(delimiter) },
      home,
    );

    expect(fleet.clusters.map((cluster) => cluster.name)).toEqual(['staging']);
  });

  it('falls back to ~/.kube/config when KUBECONFIG is not set', async () => {
    const withConfig = join(dir, 'home-with-config');
    const configDir = join(withConfig, '.kube');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'config'), kubeconfig(['laptop']));

    expect(defaultKubeconfigFiles({}, withConfig)).toEqual([join(configDir, 'config')]);
    expect((await fleetFromSources({}, {}, withConfig)).clusters.map((cluster) => cluster.name)).toEqual(['laptop']);
  });

  it('is a configuration error naming both places when neither has a kubeconfig', async () => {
    await expect(fleetFromSources({}, {}, home)).rejects.toThrow(
      new ConfigError(
        `expected --fleet FILE or --kubeconfig FILE: which clusters to use (KUBECONFIG is not set and ${join(home, '.kube', 'config')} does not exist)`,
      ),
    );
  });

  it('is a configuration error when --context names a context of no file', async () => {
    await expect(fleetFromSources({ context: ['nope'] }, { KUBECONFIG: first }, home)).rejects.toThrow(
      /^--context: "nope" is not a context of /,
    );
  });
});
