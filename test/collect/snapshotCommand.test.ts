import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import { namespace } from './fixtures.js';

let main: (argv: string[]) => Promise<number>;
let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
  ({ main } = await import('../../src/cli/main.js'));
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
});

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('fleetledger snapshot', () => {
  it('exits 0 when every cluster was snapshotted, with one line per cluster and a summary', async () => {
    const fleet = await startSimulatedFleet([
      { name: 'cluster-a', objects: [namespace('payments')] },
      { name: 'cluster-b', objects: [namespace('web')] },
    ]);
    running.push(fleet);
    const store = mkdtempSync(join(tmpdir(), 'cli-ledger-'));

    const { code, stdout } = await runCli([
      'snapshot',
      '--kubeconfig',
      fleet.kubeconfigPath,
      '--store',
      store,
      '--now',
      '2026-11-25T09:00:00Z',
    ]);

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(
      lines.filter((l) =>
        /^cluster-[ab]: ok, \d+ objects, \d+\.\ds -> snapshots\/cluster=cluster-[ab]\/date=2026-11-25\//.test(l),
      ),
    ).toHaveLength(2);
    expect(lines[2]).toMatch(
      /^2 cluster\(s\): 2 ok, 0 partial, 0 unreachable; \d+ objects read in \d+\.\ds; stored in /,
    );
    expect(readdirSync(join(store, 'snapshots')).sort()).toEqual(['cluster=cluster-a', 'cluster=cluster-b']);
  });

  it('exits 3 when a cluster is partial or unreachable, still storing its snapshot', async () => {
    const fleet = await startSimulatedFleet([
      { name: 'refusing', objects: [namespace('payments')], config: { forbidden: ['secrets'] } },
    ]);
    running.push(fleet);
    const store = mkdtempSync(join(tmpdir(), 'cli-ledger-'));

    const { code, stdout } = await runCli([
      'snapshot',
      '--kubeconfig',
      fleet.kubeconfigPath,
      '--context',
      'refusing',
      '--store',
      store,
    ]);

    expect(code).toBe(3);
    expect(stdout).toMatch(/^refusing: partial, \d+ objects, .*\[.*tlsSecrets: forbidden/m);
    expect(readdirSync(join(store, 'snapshots'))).toEqual(['cluster=refusing']);
  });

  it('reaches clusters the fleet file names by kubeconfig context and by server + CA file + token file', async () => {
    // Prepare
    const fleet = await startSimulatedFleet([
      { name: 'by-context', objects: [namespace('payments')] },
      { name: 'by-token', objects: [namespace('web')] },
    ]);
    running.push(fleet);
    const byToken = fleet.clusters.find((c) => c.name === 'by-token')!;
    const dir = mkdtempSync(join(tmpdir(), 'cli-fleet-'));
    writeFileSync(join(dir, 'ca.pem'), byToken.caPem);
    writeFileSync(join(dir, 'token'), `${byToken.token}\n`);
    writeFileSync(
      join(dir, 'fleet.yaml'),
      `clusters:
  - name: by-context
    labels: { env: prod }
    kubeconfig: { path: ${fleet.kubeconfigPath}, context: by-context }
  - name: by-token
    token: { server: "${byToken.server}", caFile: ./ca.pem, tokenFile: ./token }
defaults: { concurrency: 2, requestTimeoutSeconds: 5 }
`,
    );
    const store = join(dir, 'ledger');

    // Act
    const { code, stdout } = await runCli([
      'snapshot',
      '--fleet',
      join(dir, 'fleet.yaml'),
      '--store',
      store,
      '--concurrency',
      '1',
    ]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^by-context: ok, /m);
    expect(stdout).toMatch(/^by-token: ok, /m);
    expect(readdirSync(join(store, 'snapshots')).sort()).toEqual(['cluster=by-context', 'cluster=by-token']);
  });

  it('exits 2 and lists every fleet file mistake, collecting nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fleet-'));
    const file = join(dir, 'fleet.yaml');
    writeFileSync(file, 'clusters:\n  - name: Bad_Name\n    eks: { cluster: x }\n');
    const store = join(dir, 'ledger');

    const { code, stderr } = await runCli(['snapshot', '--fleet', file, '--store', store]);

    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      `error: ${file}: clusters[0].name: expected a cluster name of [a-z0-9-] (e.g. prod-east)`,
      `error: ${file}: clusters[0].eks.region: expected a string (e.g. eu-west-1)`,
    ]);
    expect(() => readdirSync(store)).toThrow();
  });

  it('exits 2 when it is not told which clusters to snapshot', async () => {
    const { code, stderr } = await runCli(['snapshot', '--store', '/tmp/unused-ledger']);
    expect(code).toBe(2);
    expect(stderr).toBe('error: expected --fleet FILE or --kubeconfig FILE: which clusters to snapshot\n');
  });
});
