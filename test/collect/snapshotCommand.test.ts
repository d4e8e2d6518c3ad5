import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import { runCliInProcess } from '../support/cli.js';
import { namespace } from './fixtures.js';

let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
});

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { status, stdout, stderr } = await runCliInProcess(args);
  return { code: status, stdout, stderr };
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
    expect(stdout).toMatch(
      /^refusing: partial, \d+ objects, .*\[.*cannot list TLS Secrets \(forbidden for the reader role\)/m,
    );
    expect(readdirSync(join(store, 'snapshots'))).toEqual(['cluster=refusing']);
  });

  it('exits 1 when the ledger refuses a snapshot, printing one line for it, and stores and records the others', async () => {
    // Prepare: a file where the ledger wants the directory of cluster "taken"
    const fleet = await startSimulatedFleet([
      { name: 'taken', objects: [namespace('payments')] },
      { name: 'free', objects: [namespace('web')] },
    ]);
    running.push(fleet);
    const store = mkdtempSync(join(tmpdir(), 'cli-ledger-'));
    mkdirSync(join(store, 'snapshots'));
    writeFileSync(join(store, 'snapshots', 'cluster=taken'), 'in the way');

    // Act
    const { code, stdout, stderr } = await runCli([
      'snapshot',
      '--kubeconfig',
      fleet.kubeconfigPath,
      '--store',
      store,
      '--now',
      '2026-11-25T09:00:00Z',
    ]);

    // Assess
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^error: snapshot of taken not stored: ${store}: (Error: )?ENOTDIR: `)),
    ]);
    expect(stdout).toMatch(/^taken: ok, \d+ objects, \d+\.\ds -> NOT STORED$/m);
    expect(stdout).toMatch(/^free: ok, .* -> snapshots\/cluster=free\//m);
    expect(stdout).toMatch(/^2 cluster\(s\): 2 ok, 0 partial, 0 unreachable; 1 NOT STORED; /m);
    const manifests = readdirSync(join(store, 'manifests'), { recursive: true }).filter((f) =>
      String(f).endsWith('.json'),
    );
    expect(manifests).toHaveLength(1);
    expect(readdirSync(join(store, 'snapshots')).sort()).toEqual(['cluster=free', 'cluster=taken']);
  });

  it('exits 2 when two kubeconfig contexts would become the same cluster, naming both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-kubeconfig-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: east, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: reader, user: { token: not-a-real-token } }]
contexts:
  - { name: prod-east, context: { cluster: east, user: reader } }
  - { name: prod_east, context: { cluster: east, user: reader } }
current-context: prod-east
`,
    );

    const { code, stderr } = await runCli(['snapshot', '--kubeconfig', kubeconfig, '--store', join(dir, 'ledger')]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: --kubeconfig: contexts "prod-east" and "prod_east" of ${kubeconfig} both become cluster "prod-east"; name one of them with --context, or use a fleet file\n`,
    );
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

  it('ends the process once done, though an endpoint accepted the connection and never answered', async () => {
    // Prepare: a TCP server that accepts and stays silent (the TLS handshake never completes)
    const silent = createNetServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const { createCertificate } = await import('../../src/simulator/certificates.js');
    const ca = await createCertificate({
      subject: 'CN=silent-ca',
      notBefore: new Date(Date.now() - 3600e3),
      notAfter: new Date(Date.now() + 3600e3),
      isCA: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'cli-silent-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(
      join(dir, 'fleet.yaml'),
      `clusters:
  - name: silent
    token: { server: "https://127.0.0.1:${port}", caFile: ./ca.pem, tokenEnv: SILENT_TOKEN }
defaults: { requestTimeoutSeconds: 1 }
`,
    );

    // Act: the HTTP client would hold the half-open connection for its 10 s connect timeout
    const child = spawn(
      process.execPath,
      ['bin/fleetledger.js', 'snapshot', '--fleet', join(dir, 'fleet.yaml'), '--store', join(dir, 'ledger')],
      { env: { ...process.env, SILENT_TOKEN: 'not-a-real-token' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    // When the run said it was done: what follows is only the process ending (or hanging). Measured
    // from there, not from the spawn, so a slow start on a loaded machine does not count.
    let doneAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (doneAt === undefined && /cluster\(s\):/.test(stdout)) doneAt = Date.now();
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let timer: NodeJS.Timeout | undefined;
    const stillRunning = new Promise<'still running'>((resolve) => {
      timer = setTimeout(() => resolve('still running'), 40_000);
    });
    const outcome = await Promise.race([closed, stillRunning]);
    const lingeredMs = doneAt === undefined ? null : Date.now() - doneAt;
    clearTimeout(timer);
    if (outcome === 'still running') child.kill('SIGKILL');
    await new Promise<void>((resolve) => silent.close(() => resolve()));

    // Assess: held by the half-open connection, the process would linger about 9 s after its summary.
    expect(outcome).toBe(3);
    expect(stdout).toMatch(/^silent: unreachable \(could not reach the API server \(no answer in time\)\) /m);
    expect(lingeredMs).not.toBeNull();
    expect(lingeredMs!).toBeLessThan(5000);
  }, 60_000);

  it('exits 2 when it is not told which clusters to snapshot and KUBECONFIG names no existing file', async () => {
    const saved = process.env['KUBECONFIG'];
    process.env['KUBECONFIG'] = '/nonexistent/kubeconfig';
    try {
      const { code, stderr } = await runCli(['snapshot', '--store', '/tmp/unused-ledger']);
      expect(code).toBe(2);
      expect(stderr).toMatch(
        /^error: expected --fleet FILE or --kubeconfig FILE: which clusters to use \(KUBECONFIG names no existing file and \S+ does not exist\)\n$/,
      );
    } finally {
      if (saved === undefined) delete process.env['KUBECONFIG'];
      else process.env['KUBECONFIG'] = saved;
    }
  });
});
