/**
 * The CLI loads a command's module only when that command runs: the top-level help is printed from
 * the list in src/cli/commands/index.ts, and must say exactly what the modules register; and the
 * built CLI (dist/, what bin/fleetledger.js runs) reaches the heavy libraries only through the
 * commands that use them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandNamed, commands, type RunState } from '../../src/cli/commands/index.js';
import { buildProgram } from '../../src/cli/main.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Every module the built file imports statically, itself included (dynamic `import()` not followed). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(
    /^(?:import|export)\b[^;]*?from\s*"(\.{1,2}\/[^"]+)"|^import\s*"(\.{1,2}\/[^"]+)"/gms,
  )) {
    staticClosure(join(dirname(file), (match[1] ?? match[2])!), seen);
  }
  return seen;
}

/** The packages whose code the files hold (esbuild marks each inlined module with `// node_modules/<path>`). */
function packagesIn(files: Iterable<string>): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    for (const [, path] of readFileSync(file, 'utf8').matchAll(/^\/\/ node_modules\/(\S+)$/gm)) {
      const parts = path!.split('/');
      packages.add(parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return packages;
}

/** The chunk a command entry of dist/cli.js imports on demand. */
function commandChunk(name: string): string {
  const cli = readFileSync(join(DIST, 'cli.js'), 'utf8');
  const chunk = new RegExp(`name: "${name}",[^}]*?import\\("(\\./chunks/[^"]+)"\\)`, 's').exec(cli)?.[1];
  if (!chunk) throw new Error(`dist/cli.js has no entry for ${name}`);
  return join(DIST, chunk);
}

const HEAVY = ['@aws-sdk/client-s3', '@kubernetes/client-node', 'handlebars', '@peculiar/x509', 'aws-cdk-lib'];

describe('commands loaded on demand', () => {
  it('prints the top-level help the command modules register', async () => {
    // Prepare: a program with every module loaded, as before commands were loaded on demand
    const run: RunState = { exitCode: 0 };
    const full = await buildProgram(run, ['--help'], { loadAll: true });

    // Act
    const lazy = await buildProgram(run, ['--help']);

    // Assess
    expect(lazy.helpInformation()).toBe(full.helpInformation());
    expect(full.commands.map((command) => command.name())).toEqual(commands.map((entry) => entry.name));
    // Loaded for real, each module registers the command its entry names (not a named-only stand-in).
    expect(full.commands.every((command) => command.options.length > 0 || command.commands.length > 0)).toBe(true);
  });

  it('finds the command an argument list runs or asks help for', () => {
    const named = (argv: string[]) => commandNamed(argv)?.name ?? null;
    expect([
      named(['snapshot', '--fleet', 'fleet.yaml']),
      named(['help', 'report']),
      named(['rules', '--help']),
      named(['--version']),
      named(['--help']),
      named([]),
      named(['snapshto']),
    ]).toEqual(['snapshot', 'report', 'rules', null, null, null, null]);
  });

  it('runs --version and --help of the built CLI without the AWS SDK, the Kubernetes client, Handlebars, X.509 or the CDK', () => {
    const startUp = packagesIn(staticClosure(join(DIST, 'cli.js')));
    expect(HEAVY.filter((name) => startUp.has(name))).toEqual([]);
    expect(startUp.has('commander')).toBe(true);
  });

  it('loads the heavy libraries only in the commands that use them', () => {
    const loads = (name: string) => {
      const packages = packagesIn(staticClosure(commandChunk(name)));
      return HEAVY.filter((heavy) => packages.has(heavy));
    };
    expect({
      rules: loads('rules'),
      keygen: loads('keygen'),
      snapshot: loads('snapshot'),
      report: loads('report'),
    }).toEqual({
      rules: [],
      keygen: [],
      // Certificates are read with node:crypto's X509Certificate; @peculiar/x509 only makes the simulator's.
      // The S3 client is loaded only for an s3:// store (src/ledger/open.ts).
      snapshot: ['@kubernetes/client-node'],
      // The fleet file's kubeconfigs are checked with the Kubernetes client's own loader.
      report: ['@kubernetes/client-node', 'handlebars'],
    });
  });

  it('snapshots without the CEL library, which only a fleet file with custom rules needs', () => {
    const cel = (name: string) =>
      [...packagesIn(staticClosure(commandChunk(name)))].filter((pkg) => pkg.startsWith('@bufbuild/')).sort();
    expect(cel('snapshot')).toEqual([]);
    // `run` reads the fleet file itself (its bytes go into the report), custom rules and all.
    expect(cel('run')).toEqual(['@bufbuild/cel', '@bufbuild/cel-spec', '@bufbuild/protobuf', '@bufbuild/re2']);
  });
});
