/**
 * The package as people install it: `npm pack`, then `npm install --omit=dev` of the tarball in a
 * fresh project, then the installed `fleetledger` on this Node.js 24. The CLI is one build with
 * every dependency inlined (scripts/build.ts), so the package has no runtime dependencies and the
 * install needs no registry. The demo run proves snapshot (simulated fleet over HTTPS), report
 * (templates) and the shipped examples work from the installed copy alone.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// npm and the installed bin's `#!/usr/bin/env node` both find this Node.js 24 first.
const PATH = [dirname(process.execPath), join(ROOT, 'node_modules/.bin'), process.env['PATH'] ?? ''].join(delimiter);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(program: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { cwd, env: { ...process.env, PATH, npm_config_update_notifier: 'false' }, timeout: 200_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the packed package', () => {
  let dir: string;
  let app: string;
  let tarball: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'packed-'));
    app = join(dir, 'app');
    await mkdir(app);
    // The build is there already (test/support/globalSetup.js): --ignore-scripts skips `prepare`.
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
    if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    tarball = join(dir, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]!.filename);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    const install = await run(
      'npm',
      ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
      app,
    );
    if (install.code !== 0) throw new Error(`npm install failed: ${install.stderr}`);
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('installs only fleetledger itself, with its build, templates, schemas and examples', async () => {
    const installed = join(app, 'node_modules/fleetledger');
    expect((await readdir(join(app, 'node_modules'))).filter((name) => !name.startsWith('.'))).toEqual(['fleetledger']);
    expect((await readdir(installed)).sort()).toEqual([
      'README.md',
      'bin',
      'dist',
      'examples',
      'package.json',
      'schemas',
      'templates',
    ]);
    expect((await stat(join(installed, 'dist/cli.js'))).isFile()).toBe(true);
    expect(await readdir(join(installed, 'schemas'))).toEqual(await readdir(join(ROOT, 'schemas')));
    expect((await readdir(join(installed, 'templates'), { recursive: true })).sort()).toEqual(
      (await readdir(join(ROOT, 'templates'), { recursive: true })).sort(),
    );
  });

  it('runs `fleetledger rules --format json` and prints the catalog the checkout prints', async () => {
    const installed = await run(join(app, 'node_modules/.bin/fleetledger'), ['rules', '--format', 'json'], app);
    const checkout = await run(process.execPath, [join(ROOT, 'bin/fleetledger.js'), 'rules', '--format', 'json'], app);

    expect([installed.code, installed.stderr]).toEqual([0, '']);
    expect(JSON.parse(installed.stdout)).toEqual(JSON.parse(checkout.stdout));
    expect((JSON.parse(installed.stdout) as unknown[]).length).toBeGreaterThan(20);
  });

  it('states the version of its package.json', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const installed = await run(join(app, 'node_modules/.bin/fleetledger'), ['--version'], app);
    expect([installed.code, installed.stdout, installed.stderr]).toEqual([0, `${version}\n`, '']);
  });

  it('snapshots the demo fleet and writes its report from the installed copy alone', async () => {
    const demo = await run(join(app, 'node_modules/.bin/fleetledger'), ['demo'], app);

    expect([demo.code, demo.stderr]).toEqual([0, '']);
    expect(demo.stdout).toContain(`report: ${join(app, 'out/report/report.html')}`);
    const html = readFileSync(join(app, 'out/report/report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(
      (await readdir(join(app, 'ledger/snapshots'), { recursive: true })).filter((f) => f.endsWith('.json.gz')).length,
    ).toBe(6);
  }, 200_000);
});
