/**
 * How every Lambda function of the stack is bundled: one esbuild build per handler, so each function
 * (HandlerFunction, and any construct that adds one) ships the same kind of code: ESM for Node.js
 * 24, minified, tree-shaken, the AWS SDK included (the function runs the SDK versions the tests
 * ran), without source maps (a map inside the deployed code is bytes to download and parse at every
 * cold start; stack traces of a minified bundle still name the function and message).
 *
 * The code is split (`index.mjs` and `chunks/`): what a handler imports on demand (the container
 * credentials provider, the KMS signer, the EKS and Secrets Manager clients, CEL) is a chunk loaded
 * when it is first used, not at every cold start. Plugins keep out what the functions never run
 * (issue 12: each function's code, every file counted, under 1.5 MB (1,500,000 bytes); init under
 * 200 ms; measured by `npm run bench`, kept by test/infra/lambdaBundles.test.ts):
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
 * - The AWS SDK's default credential chain (SSO, SSO-OIDC, login, Cognito, shared ini files,
 *   credential processes, web identity, instance metadata: 110 KB of chunks in each function):
 *   lambda/lambdaCredentialProvider.ts stands in for it, with the credentials the Lambda runtime
 *   puts in the environment (or a container credentials endpoint). See lambdaCredentials.
 * - bowser (35 KB), which the SDK loads only to parse a browser's user agent.
 * - js-yaml in the snapshot function (47 KB): client-node parses YAML only in loaders fleetledger
 *   does not call. See clientNodeWithoutJsYaml.
 * - The titles and descriptions of the vendored OSCAL schema in the report function (48 KB).
 * And `yaml` is bundled from its ES module build: see yamlAsModules.
 * What a function loads on demand is kept small in the source as well: an SDK client package loaded
 * with import() is bundled whole (esbuild cannot tell which exports are used), so the EKS, Secrets
 * Manager and KMS clients are imported through modules that name the one client and its commands
 * (src/collect/access/eksDescribeCluster.ts, secretsManagerGetSecret.ts, src/signing/kmsSigner.ts).
 *
 * The CDK builds each function's asset with `buildLambdaCode` in a child process (the stack is
 * synthesized synchronously; esbuild plugins need its asynchronous API): no Docker, offline.
 */
import { cp, mkdir, readFile } from 'node:fs/promises';
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

/**
 * The AWS SDK's default credential chain (`@aws-sdk/credential-provider-node`) is replaced by
 * lambda/lambdaCredentialProvider.ts: the environment (where the Lambda runtime puts the execution
 * role's credentials) and the container credentials endpoint. The chain's other providers (SSO,
 * shared ini files, credential processes, web identity, Cognito, login, instance metadata), which
 * `@aws-sdk/credential-providers` also names, are left out: a function never reaches them.
 */
const CREDENTIAL_PROVIDERS_LEFT_OUT =
  /^@aws-sdk\/credential-provider-(sso|ini|process|web-identity|cognito-identity|login)$|^@smithy\/credential-provider-imds$/;

const lambdaCredentials: Plugin = {
  name: 'lambda-credentials',
  setup(plugins) {
    plugins.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: join(PROJECT_ROOT, 'lambda', 'lambdaCredentialProvider.ts'),
    }));
    plugins.onResolve({ filter: CREDENTIAL_PROVIDERS_LEFT_OUT }, (args) => ({
      path: args.path,
      namespace: 'credential-provider-left-out',
    }));
    plugins.onLoad({ filter: /.*/, namespace: 'credential-provider-left-out' }, (args) =>
      leftOut(
        args.path,
        'a Lambda function takes its credentials from the environment (lambda/lambdaCredentialProvider.ts)',
      ),
    );
  },
};

/**
 * The SDK's browser user-agent provider loads `bowser` to parse `navigator.userAgent`; in Node.js
 * the SDK uses its Node user agent, so the import is never run.
 */
const withoutBowser: Plugin = {
  name: 'without-bowser',
  setup(plugins) {
    plugins.onResolve({ filter: /^bowser$/ }, () => ({ path: 'bowser', namespace: 'bowser-left-out' }));
    plugins.onLoad({ filter: /.*/, namespace: 'bowser-left-out' }, () =>
      leftOut('bowser', 'the AWS SDK parses a browser user agent only in a browser'),
    );
  },
};

/**
 * client-node parses YAML with js-yaml only in `loadFromString` / `loadFromFile` / `loadFromDefault`
 * and its `loadYaml` / `dumpYaml` helpers (47 KB). fleetledger parses kubeconfig files itself, with
 * the `yaml` package the rest of the code uses (src/collect/access/kubeconfigDocuments.ts), and gives
 * client-node the result with `loadFromOptions`. The module stands in with functions that throw.
 */
const JS_YAML_LEFT_OUT = ['load', 'loadAll', 'dump']
  .map(
    (name) =>
      `export function ${name}() { throw new Error(${JSON.stringify(`js-yaml ${name}() is not in this Lambda bundle (infra/bundling.ts): kubeconfig files are parsed with the yaml package and given to KubeConfig.loadFromOptions`)}); }`,
  )
  .join('\n');

const clientNodeWithoutJsYaml: Plugin = {
  name: 'client-node-without-js-yaml',
  setup(plugins) {
    plugins.onResolve({ filter: /^js-yaml$/ }, (args) =>
      /[\\/]@kubernetes[\\/]client-node[\\/]/.test(args.importer)
        ? { path: 'js-yaml', namespace: 'client-node-js-yaml-left-out' }
        : undefined,
    );
    plugins.onLoad({ filter: /.*/, namespace: 'client-node-js-yaml-left-out' }, () => ({
      loader: 'js',
      contents: JS_YAML_LEFT_OUT,
    }));
  },
};

/**
 * The vendored OSCAL JSON Schema (schemas/oscal/) is half annotations: the `title` and `description`
 * of every definition and property (48 KB of the report function). Validation never reads them
 * (annotation keywords: JSON Schema draft-07, validation section 10.1; `$comment`, core section 9),
 * so the bundle carries the schema without them.
 */
export function withoutSchemaAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutSchemaAnnotations);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      // Only string values: a property *named* title or description (under `properties`) is a schema.
      .filter(([key, value]) => !(SCHEMA_ANNOTATIONS.has(key) && typeof value === 'string'))
      .map(([key, value]) => [key, withoutSchemaAnnotations(value)]),
  );
}

const SCHEMA_ANNOTATIONS = new Set(['title', 'description', '$comment']);

const oscalSchemaWithoutAnnotations: Plugin = {
  name: 'oscal-schema-without-annotations',
  setup(plugins) {
    plugins.onLoad({ filter: /[\\/]schemas[\\/]oscal[\\/][^\\/]+\.json$/ }, async (args) => ({
      loader: 'json',
      contents: JSON.stringify(withoutSchemaAnnotations(JSON.parse(await readFile(args.path, 'utf8')))),
    }));
  },
};

/**
 * The `yaml` package's Node.js entry is CommonJS: every one of its modules became a wrapper run at
 * init, and it takes `process` and `Buffer` through require(). Its ES module build (the package's
 * `default` export condition, for every platform but Node.js: the same code, with `console.warn`
 * for warnings and the globals for base64) is tree-shaken and needs no require: 17 KB less, and a
 * cold start about 5% shorter for each function that parses YAML (the fleet and waivers files).
 */
const yamlAsModules: Plugin = {
  name: 'yaml-as-modules',
  setup(plugins) {
    plugins.onResolve({ filter: /^yaml$/ }, () => ({ path: join(PROJECT_ROOT, 'node_modules/yaml/browser/index.js') }));
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
    plugins: [
      undiciOneParser,
      undiciFetchAndAgents,
      clientNodeSideEffectFree,
      handlebarsWithoutSourceMaps,
      lambdaCredentials,
      withoutBowser,
      clientNodeWithoutJsYaml,
      oscalSchemaWithoutAnnotations,
      yamlAsModules,
    ],
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
