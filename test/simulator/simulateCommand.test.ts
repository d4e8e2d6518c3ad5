import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

/** The CLI as a user runs it: `node bin/fleetledger.js simulate ...` on the project's Node 24. */
const NODE = process.execPath;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simulate-cli-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function startCli(args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(NODE, ['bin/fleetledger.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the simulator');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('fleetledger simulate', () => {
  it('prints ready with the kubeconfig, serves every cluster, and exits 0 on SIGTERM', async () => {
    const kubeconfig = join(dir, 'fleet.kubeconfig');
    const cli = startCli(['simulate', '--fleet-dir', 'examples/fleet', '--kubeconfig-out', kubeconfig]);
    try {
      await waitFor(() => cli.stdout().includes('\n') || cli.child.exitCode !== null, 30_000);
      expect(cli.stdout()).toBe(`ready ${kubeconfig}\n`);
      expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);

      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      expect(kc.getContexts().map((c) => c.name)).toEqual(['cluster-a', 'cluster-b', 'host']);
      kc.setCurrentContext('cluster-b');
      const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace({ labelSelector: 'team=ledger' });
      expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(['ledger']);
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
  });

  it('writes the kubeconfig to the temp directory when --kubeconfig-out is not given', async () => {
    const cli = startCli(['simulate', '--fleet-dir', 'examples/fleet']);
    let path = '';
    try {
      await waitFor(() => cli.stdout().includes('\n') || cli.child.exitCode !== null, 30_000);
      path = /^ready (.+)\n$/.exec(cli.stdout())?.[1] ?? '';
      expect(path.startsWith(tmpdir())).toBe(true);
      expect((await stat(path)).isFile()).toBe(true);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exit).toBe(0);
    await rm(dirname(path), { recursive: true, force: true });
  });

  it('dates the fleet at --now: `!now` timestamps are relative to it', async () => {
    const kubeconfig = join(dir, 'fleet.kubeconfig');
    const cli = startCli([
      'simulate',
      '--fleet-dir',
      'examples/fleet',
      '--kubeconfig-out',
      kubeconfig,
      '--now',
      '2026-11-25T09:00:00Z',
    ]);
    try {
      await waitFor(() => cli.stdout().includes('\n') || cli.child.exitCode !== null, 30_000);
      expect(cli.stdout()).toBe(`ready ${kubeconfig}\n`);
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      kc.setCurrentContext('host');
      const applications = (await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        plural: 'applications',
      })) as { items: Array<{ metadata: { name: string }; status?: { reconciledAt?: string } }> };
      expect(applications.items.map((a) => a.status?.reconciledAt)).toContain('2026-11-25T08:58:00Z');
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
  });

  it('exits 2 for a --now that is not a date-time, serving nothing', async () => {
    const cli = startCli(['simulate', '--fleet-dir', 'examples/fleet', '--now', 'next tuesday']);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toBe(
      'error: --now: expected an ISO 8601 date-time such as 2026-11-25T09:00:00Z, got "next tuesday"\n',
    );
    expect(cli.stdout()).toBe('');
  });

  it('stops with exit 2 and names the file and document of a bad object', async () => {
    await mkdir(join(dir, 'alpha'));
    const file = join(dir, 'alpha', 'objects.yaml');
    await writeFile(
      file,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Secret\nmetadata: {namespace: x}\n',
    );
    const cli = startCli(['simulate', '--fleet-dir', dir]);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toBe(`error: ${file} (document 2): missing metadata.name\n`);
    expect(cli.stdout()).toBe('');
  });
});
