/**
 * A second report of the same period names the report it supersedes (its folder, when it was
 * generated, and the SHA-256 of its report.json as the run manifest recorded it) and why
 * (`--reason`); report.html, the e-mail and `fleetledger email` say so.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { ReportDocument } from '../../src/report/schema.js';
import { runCliInProcess } from '../support/cli.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { type RunningSmtpServer, startSmtpServer } from '../support/smtp.js';
import { snapshotAt } from './fixtures.js';

const cli = (...argv: string[]) => runCliInProcess(argv);
const FIRST = 'reports/2026-W48/2026-11-24T09-00-00.000Z/';
const SECOND = 'reports/2026-W48/2026-11-25T09-00-00.000Z/';
const THIRD = 'reports/2026-W48/2026-11-27T09-00-00.000Z/';
const REASON = 'waivers file corrected (PLAT-1501)';

describe('a report that supersedes another of the same period', () => {
  let root: string;
  let smtp: RunningSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp.stop();
  });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'supersedes-'));
    const store = new DirectoryLedgerStore(root);
    await writeSnapshot(store, snapshotAt('a', '2026-11-24T08:00:00.000Z'));
    await writeSnapshot(store, snapshotAt('a', '2026-11-26T08:00:00.000Z'));
    await recordStoredSnapshots(store);
    smtp.messages.length = 0;
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const report = (now: string, ...extra: string[]) =>
    cli('report', '--store', root, '--period', '2026-W48', '--now', now, ...extra);
  const stored = async (folder: string) => {
    const bytes = await readFile(join(root, folder, 'report.json'));
    return {
      doc: ReportDocument.parse(JSON.parse(bytes.toString('utf8'))),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  };
  /** The run manifest that records the key. */
  const manifestRecording = async (key: string) => {
    for (const name of await readdir(join(root, 'manifests'))) {
      const manifest = JSON.parse(await readFile(join(root, 'manifests', name), 'utf8'));
      if (manifest.objects.some((object: { key: string }) => object.key === key)) return `manifests/${name}`;
    }
    return null;
  };

  it('chains three reports of one period, each naming the one before by its recorded hash, with the reason given', async () => {
    // Act
    const first = await report('2026-11-24T09:00:00Z');
    const second = await report('2026-11-25T09:00:00Z');
    const third = await report('2026-11-27T09:00:00Z', '--reason', `  ${REASON} `);

    // Assess
    expect([first.status, second.status, third.status]).toEqual([0, 0, 0]);
    const [r1, r2, r3] = await Promise.all([stored(FIRST), stored(SECOND), stored(THIRD)]);
    expect([r1.doc.supersedes, r1.doc.reason]).toEqual([null, null]);
    expect(r2.doc.supersedes).toEqual({
      folder: FIRST,
      generatedAt: '2026-11-24T09:00:00.000Z',
      reportJsonSha256: r1.sha256,
      manifest: await manifestRecording(`${FIRST}report.json`),
    });
    expect(r2.doc.reason).toBeNull();
    expect(r3.doc.supersedes).toEqual({
      folder: SECOND,
      generatedAt: '2026-11-25T09:00:00.000Z',
      reportJsonSha256: r2.sha256,
      manifest: await manifestRecording(`${SECOND}report.json`),
    });
    expect(r3.doc.reason).toBe(REASON);
    expect(first.stdout).not.toContain('\n  supersedes ');
    expect(second.stdout).toContain(
      `\n  supersedes ${FIRST} (generated at 2026-11-24T09:00:00.000Z); no reason given (--reason)\n`,
    );
    expect(third.stdout).toContain(
      `\n  supersedes ${SECOND} (generated at 2026-11-25T09:00:00.000Z); reason: ${REASON}\n`,
    );

    // report.html and the e-mail files say so.
    const html = await readFile(join(root, THIRD, 'report.html'), 'utf8');
    expect(html).toContain(
      `<strong>This report supersedes the report of 2026-W48 generated 2026-11-25 09:00 UTC</strong> (<code>${SECOND}</code>, report.json SHA-256 <span class="mono hash-inline">${r2.sha256}</span>).`,
    );
    expect(html).toContain(`Reason: ${REASON}`);
    expect(await readFile(join(root, SECOND, 'report.html'), 'utf8')).toContain('No reason was given.');
    expect(await readFile(join(root, THIRD, 'email.txt'), 'utf8')).toContain(
      `This report supersedes the report of 2026-W48 generated 2026-11-25 09:00 UTC (${SECOND}).\nReason: ${REASON}\n`,
    );
  });

  it('never supersedes itself: a re-run at the same instant with the same reason stores the same bytes', async () => {
    await report('2026-11-24T09:00:00Z');
    await report('2026-11-25T09:00:00Z', '--reason', REASON);
    const before = await stored(SECOND);

    const again = await report('2026-11-25T09:00:00Z', '--reason', REASON);

    expect(again.status).toBe(0);
    const after = await stored(SECOND);
    expect(after.sha256).toBe(before.sha256);
    expect(after.doc.supersedes?.folder).toBe(FIRST);
  });

  it('rejects an empty --reason before anything is stored', async () => {
    const result = await report('2026-11-24T09:00:00Z', '--reason', '  ');

    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: --reason: expected a text saying why the report is generated\n');
    await expect(readdir(join(root, 'reports'))).rejects.toThrow(/ENOENT/);
  });

  it('fleetledger email says which report it sends and that it supersedes another, and so does the mail', async () => {
    // Prepare
    await report('2026-11-24T09:00:00Z');
    await report('2026-11-25T09:00:00Z', '--reason', REASON);

    // Act
    const result = await cli(
      'email',
      '--store',
      root,
      '--period',
      '2026-W48',
      '--to',
      'secops@example.com',
      '--from',
      'audit@example.com',
      '--smtp',
      smtp.url,
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `report 2026-W48 (UTC) generated at 2026-11-25T09:00:00.000Z: ${SECOND}`,
      `  supersedes ${FIRST} (generated at 2026-11-24T09:00:00.000Z); reason: ${REASON}`,
    ]);
    expect(lines[2]).toMatch(
      /^sent "fleetledger 2026-W48 \(revised\): fleet compliance .+" to secops@example\.com \(<.+>\)$/,
    );
    expect(smtp.messages).toHaveLength(1);
    const { parsed } = smtp.messages[0]!;
    expect(parsed.subject).toMatch(/^fleetledger 2026-W48 \(revised\): /);
    expect(parsed.text).toContain(
      `This report supersedes the report of 2026-W48 generated 2026-11-24 09:00 UTC (${FIRST}).\nReason: ${REASON}\n`,
    );
    expect(parsed.html).toContain(
      `<strong>This report supersedes the report of 2026-W48 generated 2026-11-24 09:00 UTC</strong> (<span style="font-family:Consolas,Menlo,monospace;">${FIRST}</span>). Reason: ${REASON}`,
    );
  });
});
