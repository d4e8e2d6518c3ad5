/**
 * Exec credential plugins (kubeconfig `users[].user.exec`) are programs fleetledger runs before a
 * cluster's first request. One that never returns must cost that cluster only: the plugin is
 * stopped (its whole process group) when the request timeout expires, the cluster is recorded
 * unreachable with the reason, and the other clusters are collected. Real plugin scripts, the real
 * @kubernetes/client-node, simulated API servers over HTTPS.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { fleetFromKubeconfig } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import type { RunningCluster, RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import { b64, namespace } from './fixtures.js';

let startSimulatedFleet: (clusters: SimulatedClusterDefinition[]) => Promise<RunningFleet>;
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
});

/** Alive and not a zombie (a killed grandchild may wait for a reaper that a container lacks). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

function writePlugin(dir: string, name: string, script: string): Record<string, unknown> {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: path, args: [] } };
}

function writeKubeconfig(dir: string, entries: { name: string; cluster: RunningCluster; user: unknown }[]): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: entries.map((e) => ({
        name: e.name,
        cluster: { server: e.cluster.server, 'certificate-authority-data': b64(e.cluster.caPem) },
      })),
      users: entries.map((e) => ({ name: e.name, user: e.user })),
      contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name } })),
      'current-context': entries[0]?.name,
    }),
    { mode: 0o600 },
  );
  return path;
}

describe('exec credential plugins', () => {
  it('stops a plugin that never returns when the request timeout expires, records that cluster unreachable with the reason, and collects the others', async () => {
    // Prepare: a plugin that starts a child and waits for ever, one that answers, and a plain token
    const simulated = await startSimulatedFleet([{ name: 'plain', objects: [namespace('payments')] }]);
    running.push(simulated);
    const [cluster] = simulated.clusters as [RunningCluster];
    const dir = mkdtempSync(join(tmpdir(), 'exec-plugin-'));
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      status: { token: cluster.token },
    });
    const kubeconfig = writeKubeconfig(dir, [
      {
        name: 'hung',
        cluster,
        user: writePlugin(
          dir,
          'hung.sh',
          `echo $$ > '${dir}/plugin.pid'\nsleep 600 &\necho $! > '${dir}/child.pid'\nwait`,
        ),
      },
      { name: 'answering', cluster, user: writePlugin(dir, 'answering.sh', `echo '${credential}'`) },
      { name: 'token', cluster, user: { token: cluster.token } },
    ]);
    const fleet = fleetFromKubeconfig(kubeconfig);
    const store = new DirectoryLedgerStore(join(dir, 'ledger'));

    // Act
    const started = Date.now();
    const result = await snapshotFleet(
      { ...fleet, defaults: { ...fleet.defaults, requestTimeoutSeconds: 2 } },
      { store, now: DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' }), logger: createMemoryLogger() },
    );
    const elapsed = Date.now() - started;

    // Assess
    const byName = new Map(result.clusters.map((c) => [c.cluster, c]));
    expect(byName.get('hung')).toMatchObject({
      status: 'unreachable',
      unreachableReason:
        'GET /version: credentials of the kubeconfig user could not be obtained: the exec credential plugin gave no answer within 2s and was stopped',
    });
    expect(byName.get('answering')?.status).toBe('ok');
    expect(byName.get('token')?.status).toBe('ok');
    expect(result.manifest).not.toBeNull();
    expect(elapsed).toBeLessThan(15_000);
    expect(existsSync(join(dir, 'plugin.pid')) && existsSync(join(dir, 'child.pid'))).toBe(true);
    const pids = ['plugin.pid', 'child.pid'].map((f) => Number(readFileSync(join(dir, f), 'utf8').trim()));
    // The plugin and the child it started are both gone (the whole process group is killed).
    expect(await waitFor(() => pids.every((pid) => !isRunning(pid)), 2000)).toBe(true);
  }, 30_000);
});
