/**
 * `npm start` end to end, as a user runs it: the command of package.json's `start` script, in a
 * fresh working directory (so its default paths, ./ledger and ./out/report, land there and not in
 * the repository), twice, then `fleetledger verify --store ./ledger`. The second run adds to the
 * ledger and overwrites nothing stored; nothing printed carries a Secret value.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A `node ...` command line run in `cwd`, with this Node.js and paths taken from the repository. */
function runNodeCommand(commandLine: string, cwd: string): Promise<Run> {
  const [program, script, ...args] = commandLine.trim().split(/\s+/);
  if (program !== 'node' || !script) throw new Error(`expected "node <script> ...", got "${commandLine}"`);
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, script), ...args], { cwd, timeout: 200_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('npm start', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'npm-start-'));
  });

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('runs the demo twice into ./ledger and ./out/report, and the ledger then verifies', async () => {
    // Prepare: the start script as package.json has it
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts['start']).toBe('node bin/fleetledger.js demo');

    // Act
    const first = await runNodeCommand(scripts['start']!, cwd);
    const afterFirst = await filesUnder(join(cwd, 'ledger'));
    const second = await runNodeCommand(scripts['start']!, cwd);
    const afterSecond = await filesUnder(join(cwd, 'ledger'));
    const verify = await runNodeCommand('node bin/fleetledger.js verify --store ./ledger', cwd);

    // Assess
    expect([first.code, first.stderr, second.code, second.stderr]).toEqual([0, '', 0, '']);
    expect(first.stdout).toContain(`report: ${join(cwd, 'out/report/report.html')}`);
    // Two weeks of three clusters per run; the second run keeps every object of the first.
    const snapshots = (files: string[]) => files.filter((file) => file.startsWith('snapshots/')).length;
    expect([snapshots(afterFirst), snapshots(afterSecond)]).toEqual([6, 12]);
    expect(afterFirst.filter((file) => !afterSecond.includes(file))).toEqual([]);
    expect((await stat(join(cwd, 'out/report/report.html'))).size).toBeGreaterThan(0);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^ledger verified: \d+ manifest\(s\), \d+ object\(s\) checked/m);
    // Nothing printed carries a Secret value of the demo fleet (each starts with FAKE-, base64 RkFLRS).
    const printed = [first, second, verify].map((run) => run.stdout + run.stderr).join('\n');
    expect(printed).not.toMatch(/FAKE-|RkFLRS|PRIVATE KEY/);
  }, 450_000);
});
