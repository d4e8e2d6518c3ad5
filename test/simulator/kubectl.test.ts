import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleetDirectory, type RunningFleet, startSimulatedFleet } from '../../src/simulator/fleet.js';
import { describeWithTool, findExecutable } from '../support/requiredTool.js';

/**
 * kubectl is the outside client that proves the simulation faithful: these run the real binary,
 * unchanged, against the demo fleet (examples/fleet).
 */
const KUBECTL = findExecutable('kubectl', [process.env['KUBECTL']]);
// .ci/run installs Debian's kubernetes-client when no kubectl is on the machine.
const describeWithKubectl = describeWithTool({
  name: 'kubectl',
  path: KUBECTL,
  install: 'apt-get install -y kubernetes-client (Debian), or set KUBECTL to a kubectl binary',
});

let fleet: RunningFleet;
let cacheDir: string;

interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(context: string, ...args: string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL!,
      ['--kubeconfig', fleet.kubeconfigPath, '--context', context, '--cache-dir', cacheDir, ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function names(list: string): string[] {
  const parsed = JSON.parse(list) as { items: Array<{ metadata: { namespace?: string; name: string } }> };
  return parsed.items.map((i) =>
    i.metadata.namespace ? `${i.metadata.namespace}/${i.metadata.name}` : i.metadata.name,
  );
}

describeWithKubectl('kubectl against the demo fleet', () => {
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
    fleet = await startSimulatedFleet(await loadFleetDirectory('examples/fleet'));
  });

  afterAll(async () => {
    await fleet?.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('has one context per cluster directory', async () => {
    const result = await kubectl('host', 'config', 'get-contexts', '-o', 'name');
    expect(result.stdout.trim().split('\n')).toEqual(['cluster-a', 'cluster-b', 'host']);
  });

  it('gets namespaces as a table', async () => {
    const result = await kubectl('cluster-a', 'get', 'namespaces');
    expect(result.code).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(rows).toEqual([
      'NAME',
      'batch-jobs',
      'calico-system',
      'cert-manager',
      'default',
      'gatekeeper-system',
      'istio-system',
      'kube-node-lease',
      'kube-public',
      'kube-system',
      'monitoring',
      'payments',
      'web',
    ]);
  });

  it('gets resourcequotas -A -o json with status', async () => {
    const result = await kubectl('cluster-a', 'get', 'resourcequotas', '-A', '-o', 'json');
    expect(result.code).toBe(0);
    expect(names(result.stdout)).toEqual(['payments/default-quota', 'web/default-quota']);
    const quota = (JSON.parse(result.stdout) as { items: Array<{ status: { used: Record<string, string> } }> })
      .items[0];
    expect(quota?.status.used['requests.cpu']).toBe('7600m');
  });

  it('gets constrainttemplates through CRD discovery', async () => {
    const result = await kubectl('cluster-b', 'get', 'constrainttemplates');
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['NAME', 'k8sdisallowhostpath']);
  });

  it('gets applications.argoproj.io -A -o json from the host', async () => {
    const result = await kubectl('host', 'get', 'applications.argoproj.io', '-A', '-o', 'json');
    expect(result.code).toBe(0);
    const apps = JSON.parse(result.stdout) as {
      items: Array<{ metadata: { name: string }; status: { sync: { status: string } } }>;
    };
    expect(apps.items.map((a) => [a.metadata.name, a.status.sync.status])).toEqual([
      ['ledger-service', 'Synced'],
      ['monitoring-stack', 'Synced'],
      ['payments-api', 'OutOfSync'],
      ['web-frontend', 'Synced'],
    ]);
  });

  it('gets secrets -n payments -o name', async () => {
    const result = await kubectl('cluster-a', 'get', 'secrets', '-n', 'payments', '-o', 'name');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'secret/payments-api-tls',
      'secret/payments-db-credentials',
      'secret/psp-api-token',
    ]);
  });

  it('pages with --chunk-size, following continue tokens', async () => {
    const result = await kubectl('cluster-a', 'get', 'secrets', '-A', '-o', 'name', '--chunk-size', '2', '-v=6');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(10);
    const requests = result.stderr.split('\n').filter((line) => line.includes('/api/v1/secrets?'));
    expect(requests).toHaveLength(5);
    expect(requests.slice(1).every((line) => line.includes('continue='))).toBe(true);
  });

  it('filters with -l', async () => {
    const result = await kubectl(
      'host',
      'get',
      'secrets',
      '-A',
      '-o',
      'name',
      '-l',
      'argocd.argoproj.io/secret-type=cluster',
    );
    expect(result.stdout.trim().split('\n')).toEqual([
      'secret/cluster-a-cluster-secret',
      'secret/cluster-b-cluster-secret',
    ]);
    const setBased = await kubectl('cluster-b', 'get', 'namespaces', '-o', 'name', '-l', 'team in (ledger,data)');
    expect(setBased.stdout.trim().split('\n')).toEqual(['namespace/ledger', 'namespace/reporting']);
  });

  it('finds namespaces from files by the label and phase a real API server sets on every Namespace', async () => {
    const result = await kubectl(
      'cluster-a',
      'get',
      'namespaces',
      '-o',
      'json',
      '-l',
      'kubernetes.io/metadata.name in (web,payments)',
    );

    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      items: Array<{ metadata: { name: string; labels: Record<string, string> }; spec: unknown; status: unknown }>;
    };
    expect(
      parsed.items.map((i) => [i.metadata.name, i.metadata.labels['kubernetes.io/metadata.name'], i.spec, i.status]),
    ).toEqual([
      ['payments', 'payments', { finalizers: ['kubernetes'] }, { phase: 'Active' }],
      ['web', 'web', { finalizers: ['kubernetes'] }, { phase: 'Active' }],
    ]);
  });

  it('filters with --field-selector', async () => {
    const result = await kubectl(
      'cluster-a',
      'get',
      'secrets',
      '-A',
      '-o',
      'name',
      '--field-selector',
      'type=kubernetes.io/tls',
    );
    expect(result.stdout.trim().split('\n')).toEqual([
      'secret/gatekeeper-webhook-server-cert',
      'secret/grafana-tls',
      'secret/payments-api-tls',
      'secret/web-frontend-tls',
    ]);
  });

  it('reports 403 for a forbidden resource as a real server does', async () => {
    const result = await kubectl('host', 'get', 'applicationsets.argoproj.io', '-A');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Error from server (Forbidden): applicationsets.argoproj.io is forbidden: User "system:serviceaccount:fleetledger:fleetledger-reader" cannot list resource "applicationsets" in API group "argoproj.io" at the cluster scope',
    );
  });

  it('reports NotFound for a missing object', async () => {
    const result = await kubectl('cluster-a', 'get', 'secret', 'nope', '-n', 'payments');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Error from server (NotFound): secrets "nope" not found');
  });
});
