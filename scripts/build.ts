/**
 * `npm run build`: the CLI compiled once into dist/ (also run by `prepare`, so `npm ci` and
 * `npm pack` build it; bin/fleetledger.js rebuilds in a checkout whose src/ changed since).
 *
 * One ESM bundle for Node.js >= 22.19 with every dependency inlined: nothing is compiled at start-up
 * and no package is resolved file by file (@kubernetes/client-node alone is about 2,700 modules), so
 * the packed package needs no dependency installed. Each command's module (src/cli/commands/index.ts
 * imports them on demand) becomes chunks of its own: `--version`, `--help` and `rules` load none of
 * the AWS SDK, the Kubernetes client, Handlebars or X.509. Not minified: stack traces stay readable,
 * and every module keeps esbuild's `// path` comment (a test reads them to see what a command loads).
 *
 * Files are written under temporary names and renamed into place, the entry (dist/cli.js) last, so a
 * CLI started during a rebuild runs either build, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../infra/bundling.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = join(ROOT, 'dist');
/** The file bin/fleetledger.js imports. */
export const ENTRY = 'cli.js';

export interface BuildOptions {
  /** @default dist/ of the project */
  outdir?: string;
  /** Remove files of earlier builds that this one did not write. @default true */
  clean?: boolean;
}

/** Builds the CLI; resolves to the files written, relative to outdir. */
export async function buildCli(options: BuildOptions = {}): Promise<string[]> {
  const outdir = options.outdir ?? DIST;
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // engines: client-node 2.x (undici 8) needs Node.js 22.19.
    target: 'node22.19',
    mainFields: ['module', 'main'],
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'eof',
    logLevel: 'warning',
    write: false,
  });
  const files = result.outputFiles.map((file) => ({ path: relative(outdir, file.path), contents: file.contents }));
  // Chunks first, the entry last: the entry names the chunks, so it must not arrive before them.
  files.sort((a, b) => Number(a.path === ENTRY) - Number(b.path === ENTRY));
  for (const file of files) await writeAtomically(join(outdir, file.path), file.contents);
  if (options.clean ?? true) await removeOthers(outdir, new Set(files.map((file) => file.path)));
  return files.map((file) => file.path);
}

async function writeAtomically(path: string, contents: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

async function removeOthers(outdir: string, keep: ReadonlySet<string>): Promise<void> {
  for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
    const path = relative(outdir, join(entry.parentPath, entry.name));
    if (entry.isFile() && !keep.has(path)) await rm(join(outdir, path), { force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const files = await buildCli({ clean: !process.argv.includes('--keep-old-chunks') });
  process.stderr.write(
    `built ${relative(process.cwd(), join(DIST, ENTRY)) || ENTRY} and ${files.length - 1} chunk(s) in ${Math.round(performance.now() - started)} ms\n`,
  );
}
