/**
 * What each Lambda bundle carries (issue 12: each function bundle under 1.5 MB, init under 200 ms).
 * A bundle's size and module init follow from its static import graph: a function carries only the
 * dependencies its own step uses. Bundled with the stack's options (bench/functions.ts), read from
 * esbuild's metafile: the modules in the output, by path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleHandler, HANDLERS, loadedAtInit } from '../../bench/functions.js';

type Handler = (typeof HANDLERS)[number];

let outdir: string | undefined;
afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

const builds = new Map<Handler, Metafile>();

async function metafileOf(name: Handler): Promise<Metafile> {
  let metafile = builds.get(name);
  if (!metafile) {
    outdir ??= await mkdtemp(join(tmpdir(), 'lambda-bundles-'));
    metafile = (await bundleHandler(name, outdir)).metafile;
    builds.set(name, metafile);
  }
  return metafile;
}

/** The modules in the function's code (any of its files), by path, with their bytes. */
async function moduleBytes(name: Handler): Promise<Map<string, number>> {
  const modules = new Map<string, number>();
  for (const output of Object.values((await metafileOf(name)).outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      if (input.bytesInOutput > 0) modules.set(path, (modules.get(path) ?? 0) + input.bytesInOutput);
    }
  }
  return modules;
}

async function bundledModules(name: Handler): Promise<string[]> {
  return [...(await moduleBytes(name)).keys()];
}

const matching = (modules: readonly string[], pattern: RegExp) => modules.filter((path) => pattern.test(path));

describe('the Lambda bundles', () => {
  it.each(HANDLERS)('%s carries zod without its error-message locales other than English', async (name) => {
    const modules = await bundledModules(name);
    expect(matching(modules, /node_modules\/zod\//).length).toBeGreaterThan(0);
    expect(matching(modules, /node_modules\/zod\/v4\/locales\//)).toEqual(['node_modules/zod/v4/locales/en.js']);
  });

  it.each(['openRunHandler', 'finishRunHandler'] as const)(
    '%s does not carry the collector (only the snapshot step collects)',
    async (name) => {
      const modules = await bundledModules(name);
      expect(matching(modules, /^src\/collect\/(collectClusterSnapshot|kube|snapshotClusterStep)\.ts$/)).toEqual([]);
    },
  );

  it.each(['finishRunHandler', 'reportHandler', 'deliverHandler'] as const)(
    '%s does not carry the Kubernetes client or undici (it contacts no cluster)',
    async (name) => {
      const modules = await bundledModules(name);
      expect(matching(modules, /node_modules\/(@kubernetes\/client-node|undici)\//)).toEqual([]);
    },
  );

  it('the open-run step checks kubeconfig files with the client entry parsers alone, without KubeConfig or undici', async () => {
    const modules = await bundledModules('openRunHandler');
    expect(matching(modules, /node_modules\/(@kubernetes\/client-node|undici|ws|socks)\//)).toEqual([
      'node_modules/@kubernetes/client-node/dist/config_types.js',
    ]);
  });

  it('the snapshot step carries the collector and the Kubernetes client', async () => {
    const modules = await bundledModules('snapshotClusterHandler');
    expect(modules).toContain('src/collect/collectClusterSnapshot.ts');
    expect(matching(modules, /node_modules\/@kubernetes\/client-node\/dist\/config\.js$/)).toHaveLength(1);
  });

  it("the snapshot step carries one of undici's four WebAssembly HTTP parsers: llhttp with SIMD", async () => {
    const modules = await moduleBytes('snapshotClusterHandler');
    const parsers = [...modules].filter(([path]) =>
      /node_modules\/undici\/lib\/(llhttp\/llhttp(_simd)?-wasm|milo\/(simd|no-simd))\.js$/.test(path),
    );
    // The three others are stand-ins that throw when required: a few hundred bytes each.
    expect(parsers.filter(([, bytes]) => bytes > 1024).map(([path]) => path)).toEqual([
      'node_modules/undici/lib/llhttp/llhttp_simd-wasm.js',
    ]);
  });

  it("the snapshot step carries undici's fetch and agents, not its mock agents, cache stores, WebSocket or EventSource", async () => {
    const modules = await bundledModules('snapshotClusterHandler');
    expect(modules).toContain('node_modules/undici/lib/web/fetch/index.js');
    expect(modules).toContain('node_modules/undici/lib/dispatcher/agent.js');
    expect(matching(modules, /node_modules\/undici\/lib\/(mock|cache|web\/websocket|web\/eventsource)\//)).toEqual([]);
  });

  it("the snapshot step carries none of the client's generated API and model classes (it reads with generic paths)", async () => {
    const modules = await bundledModules('snapshotClusterHandler');
    expect(matching(modules, /node_modules\/@kubernetes\/client-node\/dist\/gen\/(apis|models|types)\//)).toEqual([]);
  });

  it.each(HANDLERS)(
    "%s gives the SDK clients the Lambda credential provider, without the SDK's other credential providers or bowser",
    async (name) => {
      const modules = await bundledModules(name);
      expect(modules).toContain('lambda/lambdaCredentialProvider.ts');
      expect(
        matching(
          modules,
          /node_modules\/(@aws-sdk\/(credential-provider-(node|sso|ini|process|web-identity|cognito-identity|login)|token-providers)|@smithy\/credential-provider-imds|bowser)\//,
        ),
      ).toEqual([]);
      expect(
        matching(
          modules,
          /node_modules\/@aws-sdk\/nested-clients\/dist-es\/submodules\/(sso|sso-oidc|signin|cognito-identity)\//,
        ),
      ).toEqual([]);
    },
  );

  it.each(HANDLERS)('%s loads the container credentials provider on demand, not at every cold start', async (name) => {
    const metafile = await metafileOf(name);
    const atInit = loadedAtInit(metafile).flatMap((path) => Object.keys(metafile.outputs[path]!.inputs));
    expect(matching(atInit, /node_modules\/@aws-sdk\/credential-provider-env\//).length).toBeGreaterThan(0);
    expect(matching(atInit, /node_modules\/@aws-sdk\/credential-provider-http\//)).toEqual([]);
    expect(
      matching(await bundledModules(name), /node_modules\/@aws-sdk\/credential-provider-http\//).length,
    ).toBeGreaterThan(0);
  });

  it('the snapshot step assumes cross-account roles with STS, and reads EKS and Secrets Manager with the one command each it sends', async () => {
    const modules = await bundledModules('snapshotClusterHandler');
    expect(modules).toContain('node_modules/@aws-sdk/credential-providers/dist-es/fromTemporaryCredentials.base.js');
    expect(
      matching(modules, /node_modules\/@aws-sdk\/nested-clients\/dist-es\/submodules\/sts\/STSClient\.js$/),
    ).toHaveLength(1);
    expect(
      matching(modules, /node_modules\/@aws-sdk\/client-(eks|secrets-manager)\/dist-es\/commands\//).sort(),
    ).toEqual([
      'node_modules/@aws-sdk/client-eks/dist-es/commands/DescribeClusterCommand.js',
      'node_modules/@aws-sdk/client-secrets-manager/dist-es/commands/GetSecretValueCommand.js',
    ]);
  });

  it.each(['snapshotClusterHandler', 'reportHandler'] as const)(
    '%s signs with KMS with the two commands the signer sends',
    async (name) => {
      const modules = await bundledModules(name);
      expect(matching(modules, /node_modules\/@aws-sdk\/client-kms\/dist-es\/commands\//)).toEqual([
        'node_modules/@aws-sdk/client-kms/dist-es/commands/GetPublicKeyCommand.js',
        'node_modules/@aws-sdk/client-kms/dist-es/commands/SignCommand.js',
      ]);
    },
  );

  it("the snapshot step carries no js-yaml: kubeconfig files are parsed with the yaml package, not client-node's loadFromString", async () => {
    const modules = await bundledModules('snapshotClusterHandler');
    expect(matching(modules, /node_modules\/yaml\//).length).toBeGreaterThan(0);
    expect(matching(modules, /node_modules\/(@kubernetes\/client-node\/node_modules\/)?js-yaml\//)).toEqual([]);
  });

  it('the report step carries the OSCAL schema without its titles and descriptions (annotations validation never reads)', async () => {
    const schemaBytes = (await moduleBytes('reportHandler')).get('schemas/oscal/oscal_assessment-results_schema.json');
    expect(schemaBytes).toBeGreaterThan(40_000);
    expect(schemaBytes).toBeLessThan(55_000);
  });

  it('snapshotClusterHandler carries no CEL at all: the open step validated the rules, the cluster step only collects', async () => {
    expect(matching(await bundledModules('snapshotClusterHandler'), /node_modules\/@bufbuild\//)).toEqual([]);
  });

  it.each(['reportHandler', 'deliverHandler'] as const)(
    '%s renders with Handlebars without the source-map library (Handlebars builds no source maps here)',
    async (name) => {
      const modules = await bundledModules(name);
      expect(matching(modules, /node_modules\/handlebars\/dist\/cjs\/handlebars\/compiler\//).length).toBeGreaterThan(
        0,
      );
      expect(matching(modules, /node_modules\/source-map\//)).toEqual([]);
    },
  );

  it.each(['openRunHandler', 'reportHandler'] as const)(
    '%s loads CEL and protobuf only for a fleet with custom rules: a chunk, not at every cold start',
    async (name) => {
      const metafile = await metafileOf(name);
      const atInit = loadedAtInit(metafile).flatMap((path) => Object.keys(metafile.outputs[path]!.inputs));
      expect(matching(atInit, /node_modules\/@bufbuild\/(cel|protobuf)\//)).toEqual([]);
      expect(matching(await bundledModules(name), /node_modules\/@bufbuild\/cel\//).length).toBeGreaterThan(0);
    },
  );

  it.each(HANDLERS)('%s loads less than 1.5 MiB of code at a cold start (issue 12)', async (name) => {
    const metafile = await metafileOf(name);
    const bytes = loadedAtInit(metafile).reduce((sum, path) => sum + metafile.outputs[path]!.bytes, 0);
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  it.each(HANDLERS)('%s deploys less than 1.5 MB of code, every file counted (issue 12)', async (name) => {
    const metafile = await metafileOf(name);
    const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
    expect(bytes).toBeLessThan(1_500_000);
  });

  it.each(['openRunHandler', 'snapshotClusterHandler', 'reportHandler'] as const)(
    '%s carries the yaml package as ES modules, none of its CommonJS build',
    async (name) => {
      const modules = await bundledModules(name);
      expect(matching(modules, /node_modules\/yaml\/browser\/dist\/parse\/parser\.js$/)).toHaveLength(1);
      expect(matching(modules, /node_modules\/yaml\/dist\//)).toEqual([]);
    },
  );
});
