/**
 * What each Lambda bundle carries (issue 12: each function bundle under 1.5 MB, init under 200 ms).
 * A bundle's size and module init follow from its static import graph: a function carries only the
 * dependencies its own step uses. Bundled with the stack's options (bench/functions.ts), read from
 * esbuild's metafile: the modules in the output, by path.
 */
import { build } from 'esbuild';
import { HANDLERS, handlerBuildOptions } from '../../bench/functions.js';

type Handler = (typeof HANDLERS)[number];

const inputs = new Map<Handler, string[]>();

async function bundledModules(name: Handler): Promise<string[]> {
  let modules = inputs.get(name);
  if (!modules) {
    const result = await build({
      ...handlerBuildOptions(name, `/nonexistent/${name}/index.mjs`),
      write: false,
      metafile: true,
    });
    const [output] = Object.values(result.metafile.outputs);
    modules = Object.entries(output!.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    inputs.set(name, modules);
  }
  return modules;
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
});
