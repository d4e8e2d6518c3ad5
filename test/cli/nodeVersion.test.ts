/**
 * On a Node.js older than the one the Kubernetes client needs (22.19: undici 8), bin/fleetledger.js
 * says so in one line and exits 1, before it loads anything that would fail with a TypeError.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/fleetledger.js', import.meta.url));

/** `fleetledger ARGS` on this Node.js, which reports `version` as its own. */
function runAs(version: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const pretend = `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'})`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', pretend, BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the Node.js version check', () => {
  it.each(['22.18.0', '20.19.5', '18.20.8'])('refuses Node.js %s in one line naming the minimum', async (version) => {
    const result = await runAs(version, ['rules', '--format', 'json']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `fleetledger needs Node.js 22.19 or later (this is v${version} at ${process.execPath})\n`,
    });
  });

  it.each(['22.19.0', '23.0.0', '24.0.0'])('runs on Node.js %s', async (version) => {
    const result = await runAs(version, ['--version']);
    expect([result.code, result.stderr]).toEqual([0, '']);
  });
});
