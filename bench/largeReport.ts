/**
 * The `largeReport` measurement of `npm run bench`: one cluster with BENCH_NAMESPACES namespaces
 * (default 20,000), none with a quota, a LimitRange or a default-deny policy, so every namespace
 * is a finding of three rules, reported with `fleetledger report`. Prints figures, asserts nothing.
 *
 * The ledger is written by the benchmark's process; the report runs in a process of its own
 * (`tsx bench/largeReport.ts --measure DIR`), so its peak RSS is the report's alone (module
 * loading included), and its wall time is the command's after start-up.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { DirectoryLedgerStore } from '../src/ledger/directoryStore.js';
import { recordRun } from '../src/ledger/manifest.js';
import { writeSnapshot } from '../src/ledger/snapshots.js';
import { makeSnapshot } from '../test/support/snapshotFixture.js';

const COLLECTED = '2026-11-25T09:00:00.000Z';
const NOW = '2026-11-26T09:00:00.000Z';

interface Figures {
  wallSeconds: number;
  peakRssMiB: number;
  exitCode: number;
}

/** In the measuring process: `fleetledger report` of DIR/ledger into DIR/out, timed; figures to DIR/figures.json. */
async function measure(dir: string): Promise<void> {
  const { main } = await import('../src/cli/main.js');
  const started = performance.now();
  const exitCode = await main([
    'report',
    '--store',
    join(dir, 'ledger'),
    '--period',
    '2026-W48',
    '--now',
    NOW,
    '--out',
    join(dir, 'out'),
  ]);
  const figures: Figures = {
    wallSeconds: (performance.now() - started) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    exitCode,
  };
  await writeFile(join(dir, 'figures.json'), JSON.stringify(figures));
}

/** Seeds a ledger with one cluster of `namespaces` namespaces, reports it in a fresh process, prints the figures. */
export async function largeReport(namespaces: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetledger-bench-report-'));
  try {
    const store = new DirectoryLedgerStore(join(dir, 'ledger'));
    const snapshot = makeSnapshot({
      meta: { cluster: 'large', collectionStart: COLLECTED },
      namespaces: Array.from({ length: namespaces }, (_, i) => ({ name: `tenant-${i}`, labels: {}, phase: 'Active' })),
    });
    const written = [await writeSnapshot(store, snapshot)];
    await recordRun(store, { runAt: DateTime.fromISO(COLLECTED), written, kind: 'snapshot' });

    const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
    execFileSync(process.execPath, [tsx, fileURLToPath(import.meta.url), '--measure', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const figures = JSON.parse(await readFile(join(dir, 'figures.json'), 'utf8')) as Figures;
    const size = async (file: string) => (await stat(join(dir, 'out', file))).size / 1024 / 1024;
    console.log(`largeReport: one cluster with ${namespaces} namespaces (${namespaces * 3} findings)`);
    console.log(`  wall time           ${figures.wallSeconds.toFixed(2)} s (after start-up; exit ${figures.exitCode})`);
    console.log(`  peak RSS            ${figures.peakRssMiB.toFixed(0)} MiB (the report's own process)`);
    console.log(`  report.html         ${(await size('report.html')).toFixed(2)} MiB`);
    console.log(`  report.json         ${(await size('report.json')).toFixed(1)} MiB`);
    console.log(`  policyreport.yaml   ${(await size('policyreport.yaml')).toFixed(1)} MiB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') await measure(process.argv[3]!);
