/**
 * `npm run bench` at a tiny scale, so the benchmark cannot rot: every measurement runs (the fleet
 * against simulated servers in their own process, the CLI built in dist/, the Lambda bundles) and
 * bench/results.json carries every figure issue 12 asks for. It asserts what was measured, not how
 * fast: timings on a shared CI machine prove nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from '../support/requiredTool.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

const positive = expect.any(Number);

describe('npm run bench (smoke, scale 0.005)', () => {
  let dir: string;
  let results: Record<string, unknown>;
  let stdout: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    const out = join(dir, 'results.json');
    stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [TSX, join(ROOT, 'bench/run.ts')],
        {
          cwd: ROOT,
          env: { ...process.env, BENCH_SCALE: '0.005', BENCH_REPEAT: '1', BENCH_OUT: out },
          timeout: 400_000,
        },
        (error, out, err) => (error ? reject(new Error(`bench failed: ${err}`)) : resolve(out)),
      );
    });
    results = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  }, 420_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every figure of the issue, with the machine it ran on', () => {
    const kubectl = findExecutable('kubectl', [process.env['KUBECTL']]) !== null;
    expect(results).toEqual({
      machine: { cpus: positive, cpuModel: expect.any(String), node: process.version, platform: process.platform },
      scale: 0.005,
      repeat: 1,
      measuredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      startup: { bareNodeSeconds: positive, versionSeconds: positive, helpSeconds: positive, versionRatio: positive },
      largeCluster: {
        requests: positive,
        snapshotSeconds: positive,
        floorSeconds: positive,
        floorRatio: positive,
        floorProcessSeconds: positive,
        floorProcessRatio: positive,
        kubectlSeconds: kubectl ? positive : null,
        kubectlRatio: kubectl ? positive : null,
        peakRssMB: positive,
      },
      fleet: { clusters: 1, concurrency: 8, wallSeconds: positive, peakRssMB: positive },
      reporting: {
        clusters: 1,
        periods: 12,
        wallSeconds: positive,
        peakRssMB: positive,
        htmlBytes: positive,
        jsonBytes: positive,
      },
      largeReport: { namespaces: 100, wallSeconds: positive, peakRssMB: positive, htmlMB: positive },
      ledgerAge: { runs: 5, firstRunSeconds: positive, lastRunSeconds: positive, ratio: positive },
      // Every function the stack deploys (infra/constructs/RunStateMachine.ts).
      functions: [
        'openRunHandler',
        'snapshotClusterHandler',
        'finishRunHandler',
        'reportHandler',
        'deliverHandler',
      ].map((name) => ({ name, bundleBytes: positive, initBytes: positive, initMs: positive })),
    });
    const largeCluster = results['largeCluster'] as { requests: number };
    // The snapshot's list requests (every section's resources), replayed by the fetch floor.
    expect(largeCluster.requests).toBeGreaterThan(20);
  });

  it('prints the table of medians', () => {
    expect(stdout).toMatch(/^measurement +median \(min \/ max\), scale 0\.005, 1 run\(s\) after a warm-up$/m);
    expect(stdout).toMatch(/^largeCluster fetch floor +[\d.]+ s \([\d.]+ \/ [\d.]+\)$/m);
    expect(stdout).toMatch(/^largeCluster fetch floor, own process +[\d.]+ s \([\d.]+ \/ [\d.]+\)$/m);
    expect(stdout).toMatch(/^ledgerAge run after 5 runs +[\d.]+ s/m);
  });
});
