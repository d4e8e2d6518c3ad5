/**
 * Credentials that reach fleetledger by the side door (a kubeconfig's YAML error quoting the bad
 * line, an exec plugin's output, user-info in URLs) must appear nowhere: not in the stored
 * snapshots, the manifest, the command's output or its logs. The CLI runs as a separate process
 * against simulated API servers; every marker below is searched for in all of it.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { summaryLine } from '../../src/cli/commands/snapshot.js';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readManifests } from '../../src/ledger/manifest.js';
import { readSnapshot } from '../../src/ledger/snapshots.js';
import { ObjectExistsError, type PutOptions, type PutResult } from '../../src/ledger/store.js';
import type { RunningCluster, RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { type CliResult, runFleetledger } from '../support/cli.js';
import { allStoredText } from '../support/storedText.js';
import { b64, crd, namespace } from './fixtures.js';

let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
});

const NOW = '2026-11-25T09:00:00Z';
const MARKERS = {
  kubeconfigToken: 'FAKE-kubeconfig-token-XYZZY',
  argoServerPassword: 'FAKE-argo-server-password-1a2b',
  destinationPassword: 'FAKE-destination-password-3c4d',
  repoPassword: 'FAKE-repo-password-5e6f',
  kubefedPassword: 'FAKE-kubefed-password-7a8b',
  kubeconfigServerPassword: 'FAKE-kubeconfig-server-password-9c0d',
  execStdout: 'FAKE-exec-stdout-token-PLUGH',
  execStderr: 'FAKE-exec-stderr-token-PLUGH',
  remoteToken: 'FAKE-istio-remote-token-1f2e',
  remoteServerPassword: 'FAKE-istio-remote-server-password-3d4c',
  remoteClientKey: 'FAKE-istio-remote-client-key-5b6a',
  remoteBadLineToken: 'FAKE-istio-remote-bad-line-token-7980',
} as const;

/** A kubeconfig whose line 9 (a token) is not valid YAML. */
const BAD_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: https://127.0.0.1:1}
users:
- name: u
  user:
    token: ${MARKERS.kubeconfigToken}: : [
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
`;

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function expectNoMarkers(...texts: string[]): void {
  const everything = texts.join('\n');
  for (const marker of Object.values(MARKERS)) {
    expect(everything).not.toContain(marker);
    expect(everything).not.toContain(b64(marker));
  }
}

async function storedSnapshots(dir: string): Promise<Map<string, Snapshot>> {
  const store = new DirectoryLedgerStore(dir);
  const out = new Map<string, Snapshot>();
  for (const { key } of await store.list('snapshots/')) {
    const snapshot = await readSnapshot(store, key);
    out.set(snapshot.meta.cluster, snapshot);
  }
  return out;
}

/** A kubeconfig with one context per entry, reaching the simulated cluster with the given user and server. */
function writeKubeconfig(
  dir: string,
  entries: { name: string; cluster: RunningCluster; server?: string; user: Record<string, unknown> }[],
): string {
  const path = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: e.name,
      cluster: {
        server: e.server ?? e.cluster.server,
        'certificate-authority-data': b64(e.cluster.caPem),
      },
    })),
    users: entries.map((e) => ({ name: e.name, user: e.user })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name } })),
    'current-context': entries[0]?.name ?? '',
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

function snapshotCli(args: string[]): Promise<CliResult> {
  return runFleetledger(['snapshot', ...args, '--now', NOW]);
}

describe('credentials kept out of snapshots, output and logs', () => {
  it('records a kubeconfig with a YAML syntax error by the first line of the error, never the token on the bad line', async () => {
    // Prepare: a fleet file naming the broken kubeconfig without a context (so it is only read when collecting)
    const dir = tempDir('leak-kubeconfig-');
    const kubeconfig = join(dir, 'bad.kubeconfig');
    writeFileSync(kubeconfig, BAD_KUBECONFIG);
    writeFileSync(join(dir, 'fleet.yaml'), 'clusters:\n  - { name: broken, kubeconfig: { path: ./bad.kubeconfig } }\n');
    const store = join(dir, 'ledger');

    // Act
    const fromFleet = await snapshotCli(['--fleet', join(dir, 'fleet.yaml'), '--store', store]);
    const fromKubeconfig = await snapshotCli(['--kubeconfig', kubeconfig, '--store', join(dir, 'other-ledger')]);

    // Assess
    const reason = `cannot load kubeconfig ${kubeconfig}: not valid YAML: Nested mappings are not allowed in compact mappings at line 9, column 12`;
    expect(fromFleet.code).toBe(3);
    expect((await storedSnapshots(store)).get('broken')?.meta.unreachableReason).toBe(reason);
    expect(fromFleet.stdout.split('\n')[0]).toMatch(new RegExp(`^broken: unreachable \\(${escapeRegExp(reason)}\\) `));
    expect(fromKubeconfig).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: --kubeconfig: cannot load ${kubeconfig}: not valid YAML: Nested mappings are not allowed in compact mappings at line 9, column 12\n`,
    });
    expectNoMarkers(allStoredText(store), fromFleet.stdout, fromFleet.stderr, fromKubeconfig.stderr);
  });

  it("records a failing exec credential plugin with fleetledger's reason, never the plugin's output", async () => {
    // Prepare: one plugin prints a bare token (not ExecCredential JSON), the other fails printing it to stderr
    const fleet = await startSimulatedFleet([{ name: 'plain', objects: [namespace('payments')] }]);
    running.push(fleet);
    const [cluster] = fleet.clusters as [RunningCluster];
    const dir = tempDir('leak-exec-');
    const plugin = (name: string, script: string) => {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/sh\n${script}\n`);
      chmodSync(path, 0o755);
      return { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: path, args: [] } };
    };
    const kubeconfig = writeKubeconfig(dir, [
      { name: 'bare-token', cluster, user: plugin('bare.sh', `echo ${MARKERS.execStdout}`) },
      { name: 'failing', cluster, user: plugin('failing.sh', `echo ${MARKERS.execStderr} >&2; exit 1`) },
    ]);
    const store = join(dir, 'ledger');

    // Act
    const result = await snapshotCli(['--kubeconfig', kubeconfig, '--store', store]);

    // Assess
    expect(result.code).toBe(3);
    const snapshots = await storedSnapshots(store);
    // Why, in fleetledger's own words: never the plugin's output.
    const reasons = {
      'bare-token':
        'the exec credential plugin printed no ExecCredential (JSON with status.token or client certificate data)',
      failing: 'the exec credential plugin exited with code 1',
    };
    for (const [name, reason] of Object.entries(reasons)) {
      expect(snapshots.get(name)?.meta.status).toBe('unreachable');
      expect(snapshots.get(name)?.meta.unreachableReason).toBe(
        `GET /version: credentials of the kubeconfig user could not be obtained: ${reason}`,
      );
    }
    expectNoMarkers(allStoredText(store), result.stdout, result.stderr);
  });

  it('replaces the user name and password of URLs by a marker: Argo CD servers and destinations, KubeFed endpoints, messages; drops them from the kubeconfig server', async () => {
    // Prepare
    const fleet = await startSimulatedFleet([{ name: 'gitops', objects: gitopsObjects() }]);
    running.push(fleet);
    const [cluster] = fleet.clusters as [RunningCluster];
    const dir = tempDir('leak-urls-');
    const withUserInfo = cluster.server.replace('https://', `https://auditor:${MARKERS.kubeconfigServerPassword}@`);
    const kubeconfig = writeKubeconfig(dir, [
      { name: 'gitops', cluster, user: { token: cluster.token } },
      { name: 'userinfo', cluster, server: withUserInfo, user: { token: cluster.token } },
    ]);
    const store = join(dir, 'ledger');

    // Act
    const result = await snapshotCli(['--kubeconfig', kubeconfig, '--store', store]);

    // Assess
    const snapshots = await storedSnapshots(store);
    const gitops = snapshots.get('gitops')!;
    expect(gitops.meta.status).toBe('ok');
    expect(gitops.gitops.clusters).toEqual([
      { name: 'target', server: 'https://[REDACTED:userinfo]@argocd-target.example:6443' },
    ]);
    expect(gitops.gitops.applications.map((a) => [a.destination.server, a.operation?.message])).toEqual([
      [
        'https://[REDACTED:userinfo]@app-target.example:6443/',
        'rpc error: failed to fetch https://[REDACTED:userinfo]@git.example/corp/apps.git: 401',
      ],
    ]);
    expect(gitops.federation.kubefedClusters.map((c) => [c.apiEndpoint, c.message])).toEqual([
      [
        'https://[REDACTED:userinfo]@fed-target.example:6443',
        'cannot reach https://[REDACTED:userinfo]@fed-target.example:6443/healthz',
      ],
    ]);
    expect(gitops.meta.redactions).toEqual({ userinfo: 5 });
    // The configured address is fleetledger's own: kept as an address, without the credentials.
    expect(snapshots.get('userinfo')?.meta.endpoint).toBe(cluster.server);
    expectNoMarkers(allStoredText(store), result.stdout, result.stderr);
  });
});

describe('Istio remote secrets', () => {
  it('keeps only the API server of each remote kubeconfig, its password replaced by a marker: never the token, the client key, or a broken line', async () => {
    // Prepare: a YAML kubeconfig, a JSON one, and one whose token line breaks the YAML
    const fleet = await startSimulatedFleet([{ name: 'mesh', objects: istioRemoteObjects() }]);
    running.push(fleet);
    const dir = tempDir('leak-istio-remote-');
    const store = join(dir, 'ledger');

    // Act
    const result = await snapshotCli(['--kubeconfig', fleet.kubeconfigPath, '--store', store]);

    // Assess
    expect(result.code).toBe(0);
    const snapshot = (await storedSnapshots(store)).get('mesh')!;
    expect(snapshot.meta.sections.istioRemoteSecrets).toEqual({
      state: 'ok',
      sources: [
        {
          source: 'Istio remote Secrets (istio-system)',
          request: 'GET /api/v1/namespaces/istio-system/secrets?labelSelector=istio/multiCluster=true',
          state: 'ok',
        },
      ],
    });
    expect(snapshot.federation.istioRemoteClusters).toEqual(['broken', 'east', 'west']);
    expect(snapshot.federation.istioRemotes).toEqual([
      { secret: 'istio-remote-secret-broken', name: 'broken', server: null },
      {
        secret: 'istio-remote-secret-east',
        name: 'east',
        server: 'https://[REDACTED:userinfo]@east.mesh.example:6443',
      },
      { secret: 'istio-remote-secret-west', name: 'west', server: 'https://west.mesh.example:6443' },
    ]);
    expectNoMarkers(allStoredText(store), result.stdout, result.stderr);
  });
});

describe('the ledger a snapshot run writes to', () => {
  it('refuses a --store that is a file before contacting any cluster (exit 2, one line)', async () => {
    const dir = tempDir('store-file-');
    const file = join(dir, 'afile');
    writeFileSync(file, 'not a ledger');
    const fleet = await startSimulatedFleet([{ name: 'plain', objects: [namespace('payments')] }]);
    running.push(fleet);

    const result = await snapshotCli(['--kubeconfig', fleet.kubeconfigPath, '--store', join(file, 'ledger')]);

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: --store: cannot use ${join(file, 'ledger')} as an output directory: ENOTDIR: not a directory, mkdir '${join(file, 'ledger')}'\n`,
    });
  });

  it('writes no manifest when the ledger refused every snapshot, and says so in the summary', async () => {
    // Prepare: a ledger where every snapshot key is already taken (a re-run colliding with an earlier one)
    const simulated = await startSimulatedFleet([{ name: 'plain', objects: [namespace('payments')] }]);
    running.push(simulated);
    class TakenStore extends DirectoryLedgerStore {
      override async put(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
        if (key.startsWith('snapshots/')) throw new ObjectExistsError(key);
        return super.put(key, body, options);
      }
    }
    const store = new TakenStore(tempDir('ledger-taken-'));

    // Act
    const result = await snapshotFleet(fleetFromKubeconfig(simulated.kubeconfigPath), {
      store,
      now: DateTime.fromISO(NOW, { zone: 'utc' }),
      logger: createMemoryLogger(),
    });

    // Assess
    expect(result.notStored).toBe(1);
    expect(result.manifest).toBeNull();
    expect((await readManifests(store)).manifests).toEqual([]);
    // Only the run's opening, written before its first snapshot: the next run closes it.
    expect((await store.list('')).map((object) => object.key)).toEqual([expect.stringMatching(/^openings\//)]);
    expect(summaryLine(result, 'ledger/')).toMatch(
      /^1 cluster\(s\): 1 ok, 0 partial, 0 unreachable; 1 NOT STORED; \d+ objects read in \d+\.\ds; nothing stored in ledger\/, no manifest written$/,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Remote secrets as istioctl writes them, with credentials in every place a kubeconfig has one. */
function istioRemoteObjects(): Record<string, unknown>[] {
  const remote = (cluster: string, kubeconfig: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      namespace: 'istio-system',
      name: `istio-remote-secret-${cluster}`,
      labels: { 'istio/multiCluster': 'true' },
      annotations: { 'networking.istio.io/cluster': cluster },
    },
    data: { [cluster]: b64(kubeconfig) },
  });
  const yamlKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: east
  cluster:
    certificate-authority-data: ${b64('FAKE-CA')}
    server: https://istio-reader-service-account:${MARKERS.remoteServerPassword}@east.mesh.example:6443
users:
- name: east
  user:
    token: ${MARKERS.remoteToken}
    client-key-data: ${b64(MARKERS.remoteClientKey)}
contexts:
- {name: east, context: {cluster: east, user: east}}
current-context: east
`;
  const jsonKubeconfig = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'west', cluster: { server: 'https://west.mesh.example:6443' } }],
    users: [{ name: 'west', user: { token: MARKERS.remoteToken } }],
  });
  const brokenKubeconfig = `apiVersion: v1
clusters:
- cluster: {server: https://broken.mesh.example:6443}
users:
- user:
    token: ${MARKERS.remoteBadLineToken}: : [
`;
  return [
    namespace('istio-system'),
    remote('east', yamlKubeconfig),
    remote('west', jsonKubeconfig),
    remote('broken', brokenKubeconfig),
    // Not a remote secret (no istio/multiCluster label): never read.
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: 'istio-system', name: 'unrelated' },
      data: { other: b64(MARKERS.remoteToken) },
    },
  ];
}

/** Argo CD and KubeFed objects whose URLs carry user names and passwords. */
function gitopsObjects(): Record<string, unknown>[] {
  return [
    namespace('argocd'),
    namespace('kube-federation-system'),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: 'argocd', name: 'target', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      data: {
        name: b64('target'),
        server: b64(`https://admin:${MARKERS.argoServerPassword}@argocd-target.example:6443`),
        config: b64('{"tlsClientConfig":{"insecure":false}}'),
      },
    },
    crd('argoproj.io', ['v1alpha1'], 'Application', 'applications', 'Namespaced'),
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { namespace: 'argocd', name: 'apps' },
      spec: {
        project: 'default',
        destination: {
          server: `https://user:${MARKERS.destinationPassword}@app-target.example:6443/`,
          namespace: 'apps',
        },
      },
      status: {
        sync: { status: 'Synced', revision: 'abc' },
        health: { status: 'Healthy' },
        operationState: {
          phase: 'Failed',
          message: `rpc error: failed to fetch https://ci:${MARKERS.repoPassword}@git.example/corp/apps.git: 401`,
        },
      },
    },
    crd('core.kubefed.io', ['v1beta1'], 'KubeFedCluster', 'kubefedclusters', 'Namespaced'),
    {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { namespace: 'kube-federation-system', name: 'fed' },
      spec: { apiEndpoint: `https://fed:${MARKERS.kubefedPassword}@fed-target.example:6443` },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            message: `cannot reach https://fed:${MARKERS.kubefedPassword}@fed-target.example:6443/healthz`,
          },
        ],
      },
    },
  ];
}
