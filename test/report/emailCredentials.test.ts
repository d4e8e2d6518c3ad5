/**
 * Who sends the e-mail and how it logs in: the sender is given (--from or FLEETLEDGER_MAIL_FROM),
 * never made up; SMTP credentials come from the environment or a file, never from the URL on the
 * command line. A real SMTP server that requires AUTH receives the messages.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { main } from '../../src/cli/main.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { type ReportFile, reportKey } from '../../src/ledger/keys.js';
import { recordRun } from '../../src/ledger/manifest.js';
import { describeWritten, type WrittenObject } from '../../src/ledger/objects.js';
import { captureOutput } from '../ledger/storeFixtures.js';
import { makeReportDocument } from '../support/reportFixture.js';
import { type RunningSmtpServer, startSmtpServer } from '../support/smtp.js';

const GENERATED = DateTime.fromISO('2026-11-26T09:00:00.000Z', { zone: 'utc' });
const VARIABLES = ['FLEETLEDGER_SMTP_USER', 'FLEETLEDGER_SMTP_PASSWORD', 'FLEETLEDGER_MAIL_FROM'] as const;

let smtp: RunningSmtpServer;
let directory: string;
const saved: Partial<Record<(typeof VARIABLES)[number], string>> = {};

beforeAll(async () => {
  smtp = await startSmtpServer({ users: { audit: 's3cret-pass' } });
  directory = await mkdtemp(join(tmpdir(), 'email-credentials-'));
  const store = new DirectoryLedgerStore(directory);
  const written: WrittenObject[] = [];
  const files: [ReportFile, string][] = [
    ['report.json', JSON.stringify(makeReportDocument())],
    ['report.html', '<!DOCTYPE html><title>r</title>'],
    ['findings.csv', 'id,rule,severity\r\n'],
  ];
  for (const [file, text] of files) {
    const key = reportKey('2026-W48', GENERATED, file);
    await store.put(key, Buffer.from(text), { contentType: 'application/octet-stream' });
    written.push(describeWritten(key, Buffer.from(text)));
  }
  await recordRun(store, { runAt: GENERATED, written, kind: 'report' });
  for (const name of VARIABLES) saved[name] = process.env[name];
});
afterAll(async () => {
  await smtp.stop();
  await rm(directory, { recursive: true, force: true });
});
beforeEach(() => {
  smtp.messages.length = 0;
  smtp.senders.length = 0;
  for (const name of VARIABLES) delete process.env[name];
});
afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const email = (...args: string[]) =>
  captureOutput(() =>
    main(['email', '--store', directory, '--period', '2026-W48', '--to', 'secops@example.com', ...args]),
  );

describe('fleetledger email credentials', () => {
  it('logs in with the user and password from FLEETLEDGER_SMTP_USER and FLEETLEDGER_SMTP_PASSWORD', async () => {
    process.env['FLEETLEDGER_SMTP_USER'] = 'audit';
    process.env['FLEETLEDGER_SMTP_PASSWORD'] = 's3cret-pass';

    const { result, stdout } = await email('--from', 'audit@example.com', '--smtp', smtp.url);

    expect(result).toBe(0);
    expect(smtp.senders).toEqual(['audit']);
    expect(stdout).not.toContain('s3cret-pass');
  });

  it('reads the password from the first line of --smtp-password-file, the user from the URL', async () => {
    const file = join(directory, 'smtp-password');
    await writeFile(file, 's3cret-pass\nignored second line\n');

    const { result } = await email(
      '--from',
      'audit@example.com',
      '--smtp',
      smtp.url.replace('smtp://', 'smtp://audit@'),
      '--smtp-password-file',
      file,
    );

    expect(result).toBe(0);
    expect(smtp.senders).toEqual(['audit']);
  });

  it('refuses a password in the --smtp URL with exit 2, without echoing it, and sends nothing', async () => {
    const { result, stdout, stderr } = await email(
      '--from',
      'audit@example.com',
      '--smtp',
      smtp.url.replace('smtp://', 'smtp://audit:s3cret-pass@'),
    );

    expect(result).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^error: --smtp: "smtp:\/\/\*\*\*@127\.0\.0\.1:\d+" carries a password: give it in FLEETLEDGER_SMTP_PASSWORD or --smtp-password-file instead/,
    );
    expect(stderr).not.toContain('s3cret-pass');
    expect(smtp.messages).toEqual([]);
  });

  it('refuses a user without a password (exit 2) before contacting the server', async () => {
    process.env['FLEETLEDGER_SMTP_USER'] = 'audit';

    const { result, stderr } = await email('--from', 'audit@example.com', '--smtp', smtp.url);

    expect(result).toBe(2);
    expect(stderr).toBe(
      'error: --smtp: user "audit" has no password: set FLEETLEDGER_SMTP_PASSWORD or --smtp-password-file\n',
    );
    expect(smtp.messages).toEqual([]);
  });

  it('takes the sender from FLEETLEDGER_MAIL_FROM when --from is not given', async () => {
    process.env['FLEETLEDGER_SMTP_USER'] = 'audit';
    process.env['FLEETLEDGER_SMTP_PASSWORD'] = 's3cret-pass';
    process.env['FLEETLEDGER_MAIL_FROM'] = 'compliance@example.com';

    const { result } = await email('--smtp', smtp.url);

    expect(result).toBe(0);
    expect(smtp.messages.map((message) => message.envelope.from)).toEqual(['compliance@example.com']);
  });
});
