/**
 * `npm start` signs: the demo generates a key pair beside its ledger on its first start, reuses it
 * (never replacing it) on the next, and ends with the verify command that checks every signature
 * and the head this week's report names, which passes; it exports this week's auditor's bundle,
 * whose offline verify command passes too.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliInProcess, runFleetledger } from '../support/cli.js';

describe('the demo signs its ledger', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signed-demo-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('generates a key beside the ledger once, reuses it, and prints a verify command with --public-key and --expect-head that passes', async () => {
    // As `npm start` runs it: a process of its own (the demo prints with console.log).
    const demo = (now: string) =>
      runFleetledger(['demo', '--store', join(dir, 'ledger'), '--out', join(dir, 'out'), '--now', now]);
    const privateKey = join(dir, 'fleetledger-signing.key');

    const first = await demo('2026-11-25T09:00:00Z');
    const generated = await readFile(privateKey);
    const second = await demo('2026-11-25T10:00:00Z');
    const command = second.stdout.split('\n').find((line) => line.startsWith('verify the ledger: '))!;
    const verified = await runCliInProcess(command.replace('verify the ledger: npx fleetledger ', '').split(' '));
    const bundleCommand = second.stdout.split('\n').find((line) => line.startsWith('verify the bundle offline: '))!;
    const bundleVerified = await runCliInProcess(
      bundleCommand.replace('verify the bundle offline: npx fleetledger ', '').split(' '),
    );

    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stdout).toMatch(
      new RegExp(`\\nledger: signed with ${privateKey} \\(generated now; fingerprint sha256:[0-9a-f]{64}\\)\\n`),
    );
    expect(second.stdout).toContain(`ledger: signed with ${privateKey} (reused; fingerprint sha256:`);
    expect(await readFile(privateKey)).toEqual(generated);
    expect(command).toMatch(
      new RegExp(
        `^verify the ledger: npx fleetledger verify --store ${join(dir, 'ledger')} --public-key ${join(dir, 'fleetledger-signing.pub')} --expect-head [0-9a-f]{64}$`,
      ),
    );
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'));
    expect(command.endsWith(report.ledger.head.sha256)).toBe(true);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/\nsignatures: checked with sha256:[0-9a-f]{64} \(8 of 8 manifest\(s\) signed\)\n/);
    expect(verified.stdout).toContain(
      `expected head: ${report.ledger.head.manifest} (SHA-256 ${report.ledger.head.sha256})`,
    );
    // The demo exports this week's auditor's bundle beside the report, which verifies offline.
    expect(bundleCommand).toMatch(
      new RegExp(
        `^verify the bundle offline: npx fleetledger verify --bundle ${join(dir, 'out')}/fleetledger-2026-W48-[0-9T.Z-]+\\.tar\\.gz --public-key ${join(dir, 'fleetledger-signing.pub')} --expect-head ${report.ledger.head.sha256}$`,
      ),
    );
    expect(bundleVerified.status).toBe(0);
    expect(bundleVerified.stdout).toMatch(/\nbundle verified: \d+ file\(s\), \d+ manifest\(s\) in /);
  }, 240_000);
});
