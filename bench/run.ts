/**
 * `npm run bench`: the measurements of issue 12, printed as a table of medians (min/max) and written
 * to bench/results.json. Workloads come from bench/workloads.ts (deterministic); the simulated API
 * servers run in a process of their own (bench/simulatorProcess.ts); every measured command is the
 * built CLI (`node bin/fleetledger.js ...`) in a fresh process, timed from spawn to exit, its peak
 * RSS its own (process.resourceUsage().maxRSS at exit). Each measurement runs once to warm up, then
 * BENCH_REPEAT times (default 3).
 *
 * BENCH_SCALE (default 1) multiplies every size (0.05 for a quick look while developing);
 * BENCH_ONLY=largeCluster,functions runs a subset, written to bench/results.partial.json (not
 * committed) so that bench/results.json stays a whole run; BENCH_OUT names the results file.
 */
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { mapBounded } from '../src/core/concurrency.js';
import { DirectoryLedgerStore } from '../src/ledger/directoryStore.js';
import { snapshotPrefix } from '../src/ledger/keys.js';
import { LedgerRun } from '../src/ledger/ledgerRun.js';
import { recordRun } from '../src/ledger/manifest.js';
import { writeSnapshot } from '../src/ledger/snapshots.js';
import type { SimulatedClusterDefinition } from '../src/simulator/fleet.js';
import { makeSnapshot } from '../test/support/snapshotFixture.js';
import { fetchFloor } from './fetchFloor.mjs';
import { type FunctionFigures, measureFunctions } from './functions.js';
import { fleetMix, largeCluster, scaled, smallCluster } from './workloads.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/fleetledger.js');
const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 3));
const ONLY = process.env['BENCH_ONLY']?.split(',') ?? null;
const OUT = process.env['BENCH_OUT'] ?? join(ROOT, ONLY ? 'bench/results.partial.json' : 'bench/results.json');
/** The collector's page size and section concurrency (src/collect): the floor uses the same. */
const SECTION_CONCURRENCY = 6;
const RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS)))",
)}`;

interface Stat {
  median: number;
  min: number;
  max: number;
}
const statOf = (values: number[]): Stat => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
};
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const rows: Array<[string, Stat, string]> = [];
const row = (name: string, values: number[], unit: string) => {
  const stat = statOf(values);
  rows.push([name, stat, unit]);
  return stat.median;
};

interface CliRun {
  seconds: number;
  peakRssMB: number;
  stdout: string;
}

let scratch: string;
let counter = 0;

/** `fleetledger ARGS` in a fresh process: wall time from spawn to exit and its own peak RSS. */
async function cli(args: string[]): Promise<CliRun> {
  const rssFile = join(scratch, `rss-${counter++}`);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', RSS_HOOK, BIN, ...args],
      { env: { ...process.env, BENCH_RSS_FILE: rssFile }, maxBuffer: 256 * 1024 * 1024 },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  // 3: a partial result (the demo host forbids ApplicationSets to the reader on purpose).
  if (code !== 0 && code !== 3) throw new Error(`fleetledger ${args.join(' ')} exited ${code}: ${stderr}`);
  return { seconds, peakRssMB: Number(await readFile(rssFile, 'utf8')) / 1024, stdout };
}

/** Warm-up, then REPEAT measured runs; `run(i)` gets the run's index (0 is the warm-up). */
async function repeated<T>(run: (i: number) => Promise<T>): Promise<T[]> {
  await run(0);
  const results: T[] = [];
  for (let i = 1; i <= REPEAT; i++) results.push(await run(i));
  return results;
}

interface SimulatedFleet {
  kubeconfig: string;
  clusters: Array<{ name: string; server: string; caPem: string; token: string }>;
  log(cluster: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts the clusters in a child process (bench/simulatorProcess.ts). */
async function simulate(definitions: SimulatedClusterDefinition[]): Promise<SimulatedFleet> {
  const dir = await mkdtemp(join(scratch, 'fleet-'));
  const file = join(dir, 'clusters.json');
  await writeFile(file, JSON.stringify(definitions));
  const kubeconfig = join(dir, 'kubeconfig');
  const child: ChildProcess = fork(join(ROOT, 'bench/simulatorProcess.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (message) => resolve(message as T)));
  const ready = next<{ ready: SimulatedFleet['clusters'] }>();
  child.send({ start: file, kubeconfig });
  const { ready: clusters } = await ready;
  return {
    kubeconfig,
    clusters,
    async log(cluster) {
      const reply = next<{ log: string[] }>();
      child.send({ log: cluster });
      return (await reply).log;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ stop: true });
      await exited;
    },
  };
}

/** The distinct GET requests of a run, without their continue tokens: what a snapshot asks for. */
function requestedPaths(log: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const line of log) {
    const [method, target] = line.split(' ');
    if (method !== 'GET' || !target) continue;
    const url = new URL(target, 'https://x');
    url.searchParams.delete('continue');
    paths.add(`${url.pathname}${url.search}`);
  }
  return [...paths];
}

/** The fetch floor (bench/fetchFloor.mjs) in a fresh process, timed from spawn to exit like the CLI. */
async function fetchFloorProcess(cluster: SimulatedFleet['clusters'][number], paths: string[]): Promise<number> {
  const file = join(scratch, `floor-${counter++}.json`);
  await writeFile(file, JSON.stringify({ cluster, paths, concurrency: SECTION_CONCURRENCY }));
  const started = performance.now();
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [join(ROOT, 'bench/fetchFloor.mjs'), file], (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  return (performance.now() - started) / 1000;
}

/** `kubectl get <resource> -A -o json` for each listed resource, one after another. */
async function kubectlSequence(kubeconfig: string, paths: string[]): Promise<number | null> {
  const kubectl = process.env['KUBECTL'] ?? 'kubectl';
  const resources = new Set<string>();
  for (const path of paths) {
    const core = /^\/api\/v1\/([a-z]+)\?/.exec(path);
    const grouped = /^\/apis\/([^/]+)\/[^/]+\/([a-z]+)\?/.exec(path);
    if (core) resources.add(core[1]!);
    else if (grouped) resources.add(`${grouped[2]}.${grouped[1]}`);
  }
  const run = (resource: string) =>
    new Promise<number>((resolve) => {
      const child = spawn(kubectl, ['--kubeconfig', kubeconfig, 'get', resource, '-A', '-o', 'json'], {
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      child.on('error', () => resolve(-1));
      child.on('exit', (code) => resolve(code ?? -1));
    });
  const started = performance.now();
  for (const resource of resources) if ((await run(resource)) === -1) return null;
  return (performance.now() - started) / 1000;
}

async function largeClusterBench() {
  const fleet = await simulate([await largeCluster(SCALE)]);
  try {
    const cluster = fleet.clusters[0]!;
    const snapshots = await repeated(async (i) => {
      const result = await cli(['snapshot', '--kubeconfig', fleet.kubeconfig, '--store', join(scratch, `large-${i}`)]);
      await rm(join(scratch, `large-${i}`), { recursive: true, force: true });
      return result;
    });
    const paths = requestedPaths(await fleet.log(cluster.name));
    const floors = await repeated(() => fetchFloor(cluster, paths, SECTION_CONCURRENCY));
    const processFloors = await repeated(() => fetchFloorProcess(cluster, paths));
    const kubectl = await repeated(() => kubectlSequence(fleet.kubeconfig, paths));
    const snapshotSeconds = row(
      'largeCluster snapshot',
      snapshots.map((r) => r.seconds),
      's',
    );
    const floorSeconds = row('largeCluster fetch floor', floors, 's');
    const floorProcessSeconds = row('largeCluster fetch floor, own process', processFloors, 's');
    const kubectlSeconds = kubectl.every((s) => s !== null)
      ? row('largeCluster kubectl', kubectl as number[], 's')
      : null;
    const peakRssMB = row(
      'largeCluster snapshot peak RSS',
      snapshots.map((r) => r.peakRssMB),
      'MB',
    );
    return {
      requests: paths.length,
      snapshotSeconds: round(snapshotSeconds),
      floorSeconds: round(floorSeconds),
      floorRatio: round(snapshotSeconds / floorSeconds),
      floorProcessSeconds: round(floorProcessSeconds),
      floorProcessRatio: round(snapshotSeconds / floorProcessSeconds),
      kubectlSeconds: kubectlSeconds === null ? null : round(kubectlSeconds),
      kubectlRatio: kubectlSeconds === null ? null : round(kubectlSeconds / snapshotSeconds),
      peakRssMB: Math.round(peakRssMB),
    };
  } finally {
    await fleet.stop();
  }
}

async function fleetBench() {
  const clusters = scaled(200, SCALE);
  const fleet = await simulate(await fleetMix(clusters));
  try {
    const fleetFile = join(scratch, 'fleet.yaml');
    const lines = fleet.clusters.map(
      (c) => `  - name: ${c.name}\n    kubeconfig: { path: ${fleet.kubeconfig}, context: ${c.name} }`,
    );
    await writeFile(fleetFile, `clusters:\n${lines.join('\n')}\n`);
    const runs = await repeated(async (i) => {
      const store = join(scratch, `fleet-${i}`);
      const result = await cli(['run', '--fleet', fleetFile, '--store', store, '--now', '2026-11-25T09:00:00Z']);
      await rm(store, { recursive: true, force: true });
      return result;
    });
    return {
      clusters,
      concurrency: 8,
      wallSeconds: round(
        row(
          'fleet snapshot+report',
          runs.map((r) => r.seconds),
          's',
        ),
      ),
      peakRssMB: Math.round(
        row(
          'fleet peak RSS',
          runs.map((r) => r.peakRssMB),
          'MB',
        ),
      ),
    };
  } finally {
    await fleet.stop();
  }
}

/** A ledger of `clusters` clusters snapshotted weekly for `periods` weeks up to 2026-W48. */
async function historyLedger(dir: string, clusters: number, periods: number, namespaces = 0): Promise<void> {
  const store = new DirectoryLedgerStore(dir);
  for (let week = periods - 1; week >= 0; week--) {
    const at = DateTime.fromISO('2026-11-23T06:00:00Z', { zone: 'utc' }).minus({ weeks: week });
    const written = await mapBounded(
      Array.from({ length: clusters }, (_, i) => i),
      8,
      (i) =>
        writeSnapshot(
          store,
          makeSnapshot({
            meta: { cluster: `cluster-${String(i).padStart(3, '0')}`, collectionStart: at.toISO()! },
            ...(namespaces > 0
              ? {
                  namespaces: Array.from({ length: namespaces }, (_, n) => ({
                    name: `tenant-${n}`,
                    labels: {},
                    phase: 'Active',
                  })),
                }
              : {}),
          }),
        ),
    );
    await recordRun(store, { runAt: at, written, kind: 'snapshot' });
  }
}

async function reportBench(name: string, store: string) {
  const out = join(scratch, `${name}-out`);
  const runs = await repeated((i) =>
    cli(['report', '--store', store, '--period', '2026-W48', '--now', `2026-11-27T09:0${i}:00Z`, '--out', out]),
  );
  const size = async (file: string) => (await stat(join(out, file))).size;
  return { runs, htmlBytes: await size('report.html'), jsonBytes: await size('report.json') };
}

async function reportingBench() {
  const clusters = scaled(200, SCALE);
  const periods = 12;
  const store = join(scratch, 'reporting');
  await historyLedger(store, clusters, periods);
  const { runs, htmlBytes, jsonBytes } = await reportBench('reporting', store);
  return {
    clusters,
    periods,
    wallSeconds: round(
      row(
        'reporting',
        runs.map((r) => r.seconds),
        's',
      ),
    ),
    peakRssMB: Math.round(
      row(
        'reporting peak RSS',
        runs.map((r) => r.peakRssMB),
        'MB',
      ),
    ),
    htmlBytes,
    jsonBytes,
  };
}

async function largeReportBench() {
  const namespaces = scaled(20_000, SCALE);
  const store = join(scratch, 'large-report');
  await historyLedger(store, 1, 1, namespaces);
  const { runs, htmlBytes } = await reportBench('large-report', store);
  return {
    namespaces,
    wallSeconds: round(
      row(
        'largeReport',
        runs.map((r) => r.seconds),
        's',
      ),
    ),
    peakRssMB: Math.round(
      row(
        'largeReport peak RSS',
        runs.map((r) => r.peakRssMB),
        'MB',
      ),
    ),
    htmlMB: round(htmlBytes / 1024 / 1024, 3),
  };
}

async function ledgerAgeBench() {
  const runs = scaled(1_000, SCALE);
  const fleet = await simulate([await smallCluster()]);
  try {
    const at = (i: number) => DateTime.fromISO('2026-01-01T00:00:00Z', { zone: 'utc' }).plus({ hours: i });
    const snapshot = (store: string, i: number) =>
      cli(['snapshot', '--kubeconfig', fleet.kubeconfig, '--store', store, '--now', at(i).toISO()!]);
    const first = await repeated(async (i) => {
      const store = join(scratch, `age-fresh-${i}`);
      const result = await snapshot(store, 0);
      await rm(store, { recursive: true, force: true });
      return result.seconds;
    });
    // The old ledger, written as `snapshot` writes its runs (opening, snapshot, heads index, manifest).
    const aged = join(scratch, 'age-old');
    const store = new DirectoryLedgerStore(aged);
    for (let i = 0; i < runs; i++) {
      const run = await LedgerRun.prepare(store, {
        kind: 'snapshot',
        runAt: at(i),
        scope: { keys: [], prefixes: [snapshotPrefix('age')] },
        signer: null,
        backfill: false,
      });
      const written = await writeSnapshot(
        run.store,
        makeSnapshot({ meta: { cluster: 'age', collectionStart: at(i).toISO()! } }),
      );
      await run.finish([written]);
    }
    const last = await repeated(async (i) => (await snapshot(aged, runs + i)).seconds);
    const firstRunSeconds = row('ledgerAge first run', first, 's');
    const lastRunSeconds = row(`ledgerAge run after ${runs} runs`, last, 's');
    return {
      runs,
      firstRunSeconds: round(firstRunSeconds),
      lastRunSeconds: round(lastRunSeconds),
      ratio: round(lastRunSeconds / firstRunSeconds),
    };
  } finally {
    await fleet.stop();
  }
}

async function startupBench() {
  const bare = await repeated(
    () =>
      new Promise<number>((resolve) => {
        const started = performance.now();
        execFile(process.execPath, ['-e', '0'], () => resolve((performance.now() - started) / 1000));
      }),
  );
  const version = await repeated(async () => (await cli(['--version'])).seconds);
  const help = await repeated(async () => (await cli(['--help'])).seconds);
  const bareSeconds = row('node -e 0', bare, 's');
  const versionSeconds = row('fleetledger --version', version, 's');
  const helpSeconds = row('fleetledger --help', help, 's');
  return {
    bareNodeSeconds: round(bareSeconds, 3),
    versionSeconds: round(versionSeconds, 3),
    helpSeconds: round(helpSeconds, 3),
    versionRatio: round(versionSeconds / bareSeconds),
  };
}

async function functionsBench(): Promise<FunctionFigures[]> {
  const measured = await measureFunctions(join(scratch, 'functions'), Math.max(REPEAT, 3));
  for (const f of measured) {
    rows.push([`function ${f.name} bundle`, statOf([f.bundleBytes / 1024 / 1024]), 'MB']);
    rows.push([`function ${f.name} loaded at init`, statOf([f.initBytes / 1024 / 1024]), 'MB']);
    rows.push([`function ${f.name} init`, statOf(f.initMsRuns), 'ms']);
  }
  return measured.map(({ initMsRuns: _, ...figures }) => figures);
}

const MEASUREMENTS = {
  startup: startupBench,
  largeCluster: largeClusterBench,
  fleet: fleetBench,
  reporting: reportingBench,
  largeReport: largeReportBench,
  ledgerAge: ledgerAgeBench,
  functions: functionsBench,
} as const;

scratch = await mkdtemp(join(tmpdir(), 'fleetledger-bench-'));
const results: Record<string, unknown> = {
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    node: process.version,
    platform: process.platform,
  },
  scale: SCALE,
  repeat: REPEAT,
  measuredAt: new Date().toISOString(),
};
try {
  for (const [name, measure] of Object.entries(MEASUREMENTS)) {
    if (ONLY && !ONLY.includes(name)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    results[name] = await measure();
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
await mkdir(join(OUT, '..'), { recursive: true });
await writeFile(OUT, `${JSON.stringify(results, null, 2)}\n`);

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`${'measurement'.padEnd(width)}  median (min / max), scale ${SCALE}, ${REPEAT} run(s) after a warm-up`);
for (const [name, stat, unit] of rows) {
  const f = (v: number) =>
    unit === 'ms' || (unit === 'MB' && v >= 10) ? v.toFixed(0) : v < 1 ? v.toFixed(3) : v.toFixed(2);
  console.log(`${name.padEnd(width)}  ${f(stat.median)} ${unit} (${f(stat.min)} / ${f(stat.max)})`);
}
console.log(`written to ${OUT}`);
