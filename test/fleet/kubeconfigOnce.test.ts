/**
 * A kubeconfig file named by many clusters is read and parsed once per run: validating a fleet
 * file of 400,000 clusters took 108 s when the file was read again for each cluster. Counted with
 * the reader KubeconfigFiles is given; the checks and the collection still see every context.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { KubeconfigFiles } from '../../src/collect/access/loadKubeconfig.js';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { ConfigError } from '../../src/core/errors.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { parseFleetFile } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { startSimulatedFleet } from '../../src/simulator/fleet.js';

const CLUSTERS = 500;

/** A kubeconfig with one context per cluster (ctx-0 ... ctx-<count-1>), all on one API server. */
function kubeconfigWithContexts(count: number): string {
  const contexts = Array.from(
    { length: count },
    (_, i) => `  - name: ctx-${i}\n    context: { cluster: c-${i}, user: reader }\n`,
  ).join('');
  const clusters = Array.from(
    { length: count },
    (_, i) => `  - name: c-${i}\n    cluster: { server: https://127.0.0.1:6443 }\n`,
  ).join('');
  return `apiVersion: v1\nkind: Config\nclusters:\n${clusters}users:\n  - name: reader\n    user: { token: not-a-real-token }\ncontexts:\n${contexts}current-context: ctx-0\n`;
}

/** KubeconfigFiles over the real files, recording every path it reads. */
function countingKubeconfigFiles(): { files: KubeconfigFiles; reads: string[] } {
  const reads: string[] = [];
  const files = new KubeconfigFiles((path) => {
    reads.push(path);
    return readFileSync(path);
  });
  return { files, reads };
}

describe('a kubeconfig that many clusters name', () => {
  it('is read once to validate a fleet file, which still checks the context of every cluster', () => {
    // Prepare: 500 clusters on the contexts of one kubeconfig, two of them naming no context of it
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-once-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigWithContexts(CLUSTERS));
    const entries = Array.from({ length: CLUSTERS }, (_, i) => {
      const context = i === 7 || i === 450 ? `gone-${i}` : `ctx-${i}`;
      return `  - { name: c-${i}, kubeconfig: { path: ./kubeconfig, context: ${context} } }\n`;
    });
    const file = join(dir, 'fleet.yaml');
    const { files, reads } = countingKubeconfigFiles();

    // Act
    let problems: readonly string[] = [];
    try {
      parseFleetFile(`clusters:\n${entries.join('')}`, file, { kubeconfigs: files });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }

    // Assess
    expect(reads).toEqual([kubeconfig]);
    expect(problems).toEqual([
      `${file}: clusters[7].kubeconfig.context: expected a context of ${kubeconfig}, "gone-7" is not one`,
      `${file}: clusters[450].kubeconfig.context: expected a context of ${kubeconfig}, "gone-450" is not one`,
    ]);
  });

  it('accepts a fleet whose clusters all name contexts of it, reading it once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-once-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigWithContexts(CLUSTERS));
    const entries = Array.from(
      { length: CLUSTERS },
      (_, i) => `  - { name: c-${i}, kubeconfig: { path: ./kubeconfig, context: ctx-${i} } }\n`,
    );
    const { files, reads } = countingKubeconfigFiles();

    const fleet = parseFleetFile(`clusters:\n${entries.join('')}`, join(dir, 'fleet.yaml'), { kubeconfigs: files });

    expect(reads).toEqual([kubeconfig]);
    expect(fleet.clusters).toHaveLength(CLUSTERS);
    expect(fleet.clusters[499]!.access).toEqual({ kind: 'kubeconfig', path: kubeconfig, context: 'ctx-499' });
  });

  it('is read once to collect the fleet, and every cluster is reached on its own context', async () => {
    // Prepare: three simulated clusters in one kubeconfig
    const simulated = await startSimulatedFleet(
      ['one', 'two', 'three'].map((name) => ({
        name,
        objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-of-${name}` } }],
      })),
    );
    const ledger = mkdtempSync(join(tmpdir(), 'kubeconfig-once-ledger-'));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-once-'));
      const fleetFile = join(dir, 'fleet.yaml');
      writeFileSync(
        fleetFile,
        `clusters:\n${['one', 'two', 'three']
          .map((name) => `  - { name: ${name}, kubeconfig: { path: ${simulated.kubeconfigPath}, context: ${name} } }\n`)
          .join('')}`,
      );
      const fleet = parseFleetFile(readFileSync(fleetFile, 'utf8'), fleetFile);
      const { files, reads } = countingKubeconfigFiles();

      // Act
      const result = await snapshotFleet(fleet, {
        store: new DirectoryLedgerStore(ledger),
        now: DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' }),
        logger: createMemoryLogger(),
        kubeconfigs: files,
      });

      // Assess
      expect(reads).toEqual([simulated.kubeconfigPath]);
      expect(result.clusters.map((c) => [c.cluster, c.status])).toEqual([
        ['one', 'ok'],
        ['two', 'ok'],
        ['three', 'ok'],
      ]);
    } finally {
      await simulated.stop();
      await rm(ledger, { recursive: true, force: true });
    }
  });
});
