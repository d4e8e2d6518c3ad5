/**
 * How every Lambda function of the stack is bundled: one esbuild build per handler, so each function
 * (HandlerFunction, and any construct that adds one) ships the same kind of code: ESM for Node.js
 * 24, minified, tree-shaken, the AWS SDK included (the function runs the SDK versions the tests
 * ran), without source maps (a map inside the deployed code is bytes to download and parse at every
 * cold start; stack traces of a minified bundle still name the function and message).
 *
 * The code is split (`index.mjs` and `chunks/`): what a handler imports on demand (the AWS SDK's
 * credential providers, the KMS signer) is a chunk loaded when it is first used, not at every cold
 * start. Four plugins keep out what the functions never run (issue 12: each function under 1.5 MB,
 * init under 200 ms; measured by `npm run bench`, kept by test/infra/lambdaBundles.test.ts):
 * - undici's WebAssembly HTTP parsers: undici 8 carries llhttp and the experimental Milo, each
 *   with and without SIMD (290 KB). Node.js 24 compiles llhttp with SIMD on arm64 and x64; Milo
 *   runs only when UNDICI_USE_MILO is set. The three others throw a clear error if ever required.
 * - undici is imported for `fetch`, `Agent` and `ProxyAgent` only (by @kubernetes/client-node and
 *   src/collect/kube.ts): its package entry also loads the mock agents, cache stores, WebSocket,
 *   EventSource and HTTP/2 helpers (200 KB); the bundle takes the three from undici's own modules
 *   and installs the dispatcher API as the entry does.
 * - @kubernetes/client-node's modules are side-effect free (its package.json does not say so), so
 *   the 990 generated API and model classes the collector never uses are left out (360 KB).
 * - Handlebars' optional source-map library (26 KB): see handlebarsWithoutSourceMaps.
 *
 * The CDK builds each function's asset with `buildLambdaCode` in a child process (the stack is
 * synthesized synchronously; esbuild plugins need its asynchronous API): no Docker, offline.
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * CommonJS dependencies inside an ESM bundle still call require() for Node built-ins: the bundle
 * gets a require of its own. The CLI's build (scripts/build.ts) takes the same banner.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The file Lambda loads (the function's handler is `index.handler`). */
export const LAMBDA_ENTRY = 'index.mjs';

export interface LambdaCodeOptions {
  /**
   * Copy templates/ into the code, beside index.mjs (the report function renders HTML from them).
   * @default false
   */
  readonly shipTemplates?: boolean;
}

/** A module standing in for code the functions never run: loading it is an error naming what and why. */
function leftOut(what: string, why = ''): { loader: 'js'; contents: string } {
  const message = `${what} is not in this Lambda bundle (infra/bundling.ts)${why ? `: ${why}` : ''}`;
  return { loader: 'js', contents: `throw new Error(${JSON.stringify(message)});` };
}

/** Modules of undici that stand in for code the functions never run; requiring one is an error. */
const UNDICI_PARSERS_LEFT_OUT = /[\\/]undici[\\/]lib[\\/](milo[\\/](simd|no-simd)|llhttp[\\/]llhttp-wasm)\.js$/;

const undiciOneParser: Plugin = {
  name: 'undici-one-parser',
  setup(plugins) {
    plugins.onLoad({ filter: UNDICI_PARSERS_LEFT_OUT }, (args) =>
      leftOut(
        args.path.replace(/^.*[\\/]undici[\\/]/, 'undici/'),
        'the functions parse HTTP with llhttp compiled with WebAssembly SIMD; unset UNDICI_NO_WASM_SIMD and UNDICI_USE_MILO',
      ),
    );
  },
};

const UNDICI_FETCH_AND_AGENTS = `
import api from 'undici/lib/api/index.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import fetchModule from 'undici/lib/web/fetch/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
// As undici's index.js: dispatchers have request(), connect() ... (ProxyAgent tunnels with connect()).
Object.assign(Dispatcher.prototype, api);
export const fetch = fetchModule.fetch;
export { Agent, ProxyAgent };
`;

const undiciFetchAndAgents: Plugin = {
  name: 'undici-fetch-and-agents',
  setup(plugins) {
    plugins.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-fetch-and-agents' }));
    plugins.onLoad({ filter: /.*/, namespace: 'undici-fetch-and-agents' }, () => ({
      loader: 'js',
      resolveDir: PROJECT_ROOT,
      contents: UNDICI_FETCH_AND_AGENTS,
    }));
  },
};

/**
 * Handlebars' code generator requires the source-map library inside a try and, when it is not
 * there, uses a small stand-in of its own: source maps of compiled templates are made only for a
 * `srcName` option, which fleetledger never passes. The require gets a module that throws.
 */
const handlebarsWithoutSourceMaps: Plugin = {
  name: 'handlebars-without-source-maps',
  setup(plugins) {
    plugins.onResolve({ filter: /^source-map$/ }, (args) =>
      /[\\/]handlebars[\\/]/.test(args.importer)
        ? { path: 'source-map', namespace: 'handlebars-no-source-map' }
        : undefined,
    );
    plugins.onLoad({ filter: /.*/, namespace: 'handlebars-no-source-map' }, () => leftOut('source-map'));
  },
};

/** client-node's polyfill.js is the one module of the package that is imported for its effect. */
const CLIENT_NODE_MODULE = /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/](?!polyfill\.js$)/;

const clientNodeSideEffectFree: Plugin = {
  name: 'client-node-side-effect-free',
  setup(plugins) {
    plugins.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === clientNodeSideEffectFree) return undefined;
      if (args.path !== '@kubernetes/client-node' && !/[\\/]@kubernetes[\\/]client-node[\\/]/.test(args.importer)) {
        return undefined;
      }
      const resolved = await plugins.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: clientNodeSideEffectFree,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return CLIENT_NODE_MODULE.test(resolved.path) ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

/**
 * Builds one handler's code (lambda/<entryFile>) into outdir, as the stack deploys it.
 *
 * @example
 * await buildLambdaCode('reportHandler.ts', '/tmp/report', { shipTemplates: true });
 */
export async function buildLambdaCode(
  entryFile: string,
  outdir: string,
  options: LambdaCodeOptions = {},
): Promise<Metafile> {
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { index: join('lambda', entryFile) },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    sourcemap: false,
    banner: { js: ESM_REQUIRE_BANNER },
    plugins: [undiciOneParser, undiciFetchAndAgents, clientNodeSideEffectFree, handlebarsWithoutSourceMaps],
    metafile: true,
    logLevel: 'error',
  });
  if (options.shipTemplates) {
    await mkdir(outdir, { recursive: true });
    await cp(join(PROJECT_ROOT, 'templates'), join(outdir, 'templates'), { recursive: true });
  }
  return result.metafile;
}

// `tsx infra/bundling.ts <entryFile> <outdir> [--templates]`: what HandlerFunction runs at synthesis.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [entryFile, outdir] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  if (!entryFile || !outdir) {
    process.stderr.write('usage: tsx infra/bundling.ts <entry file under lambda/> <outdir> [--templates]\n');
    process.exit(2);
  }
  await buildLambdaCode(entryFile, outdir, { shipTemplates: process.argv.includes('--templates') });
}
