/**
 * The `functions` measurement of `npm run bench`: each Lambda handler bundled with the options the
 * CDK stack deploys it with (infra/bundling.ts: lambdaBundling), its size, and its module init time
 * (importing the bundled handler in a fresh process, median of several).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { lambdaBundling } from '../infra/bundling.js';

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
  bundleBytes: number;
  initMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The esbuild options of one handler as the stack bundles it (NodejsFunction runs esbuild with these). */
export function handlerBuildOptions(name: string, outfile: string): BuildOptions {
  const options = lambdaBundling();
  return {
    absWorkingDir: ROOT,
    entryPoints: [`lambda/${name}.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target ?? 'node24',
    mainFields: options.mainFields ?? ['module', 'main'],
    minify: options.minify ?? false,
    sourcemap: options.sourceMap ?? false,
    banner: { js: options.banner ?? '' },
    logLevel: 'error',
  };
}

/** Bundles one handler as the stack does. */
export async function bundleHandler(name: string, outdir: string): Promise<string> {
  const outfile = join(outdir, name, 'index.mjs');
  await mkdir(join(outdir, name), { recursive: true });
  await build(handlerBuildOptions(name, outfile));
  return outfile;
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

export async function measureFunctions(outdir: string, repeat: number): Promise<FunctionFigures[]> {
  const figures: FunctionFigures[] = [];
  for (const name of HANDLERS) {
    const file = await bundleHandler(name, outdir);
    initMs(file); // warm-up (file cache)
    const times = Array.from({ length: repeat }, () => initMs(file));
    figures.push({ name, bundleBytes: (await stat(file)).size, initMs: Math.round(median(times)) });
  }
  return figures;
}
