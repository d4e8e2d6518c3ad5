/**
 * The `functions` measurement of `npm run bench`: each Lambda handler's code built as the CDK stack
 * deploys it (infra/bundling.ts: buildLambdaCode, index.mjs and its chunks), its size (every code
 * file of the asset), the part of it a cold start loads (index.mjs and the chunks it imports
 * statically), and its module init time (importing the handler in a fresh process, median of
 * several).
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { buildLambdaCode, LAMBDA_ENTRY } from '../infra/bundling.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const HANDLERS = [
  'openRunHandler',
  'snapshotClusterHandler',
  'finishRunHandler',
  'reportHandler',
  'deliverHandler',
] as const;

export interface FunctionFigures {
  name: string;
  /** Every code file of the function's asset (templates not counted). */
  bundleBytes: number;
  /** What a cold start loads: index.mjs and the chunks it imports statically, transitively. */
  initBytes: number;
  initMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The output files of a build (paths as the metafile names them) a cold start loads, from the entry. */
export function loadedAtInit(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => path.endsWith(`/${LAMBDA_ENTRY}`) || path === LAMBDA_ENTRY);
  if (!entry) throw new Error(`no ${LAMBDA_ENTRY} among the outputs: ${Object.keys(outputs).join(', ')}`);
  const loaded = new Set([entry]);
  for (const path of loaded) {
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external && outputs[imported.path])
        loaded.add(imported.path);
    }
  }
  return [...loaded];
}

/** Builds one handler as the stack does; the entry file and the build's metafile. */
export async function bundleHandler(name: string, outdir: string): Promise<{ file: string; metafile: Metafile }> {
  const dir = join(outdir, name);
  await rm(dir, { recursive: true, force: true });
  const metafile = await buildLambdaCode(`${name}.ts`, dir);
  return { file: join(dir, LAMBDA_ENTRY), metafile };
}

/** The time to import the bundle in a fresh Node.js (module init as a cold start pays it). */
function initMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t))`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    // As the stack sets them (infra/constructs/HandlerFunction.ts): a bundle has no package.json above it.
    // The handlers read their settings at init; nothing is contacted before an invocation.
    env: {
      ...process.env,
      FLEETLEDGER_BUNDLED_VERSION: '0.0.0-bench',
      FLEETLEDGER_TEMPLATES_DIR: join(ROOT, 'templates'),
      LEDGER: 's3://bench-ledger/ledger',
      FLEET_FILE: 's3://bench-ledger/config/fleet.yaml',
      TIME_ZONE: 'UTC',
      AWS_REGION: 'eu-west-1',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return Number(out.toString());
}

/** A function's figures, with the init time of each run (initMs is their median). */
export type MeasuredFunction = FunctionFigures & { initMsRuns: number[] };

export async function measureFunctions(outdir: string, repeat: number): Promise<MeasuredFunction[]> {
  const figures: MeasuredFunction[] = [];
  for (const name of HANDLERS) {
    const { file, metafile } = await bundleHandler(name, outdir);
    initMs(file); // warm-up (file cache)
    const times = Array.from({ length: repeat }, () => initMs(file));
    const bytes = (paths: readonly string[]) =>
      paths.reduce((sum, path) => sum + (metafile.outputs[path]?.bytes ?? 0), 0);
    figures.push({
      name,
      bundleBytes: bytes(Object.keys(metafile.outputs)),
      initBytes: bytes(loadedAtInit(metafile)),
      initMs: Math.round(median(times)),
      initMsRuns: times.map(Math.round),
    });
  }
  return figures;
}
