/**
 * The weekly e-mail end to end: a real SMTP server receives it and mailparser reads it back; SES
 * is mocked at the SDK boundary (SendEmailCommand) and the raw MIME it was given is parsed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { type ReportFile, reportKey } from '../../src/ledger/keys.js';
import { recordRun } from '../../src/ledger/manifest.js';
import { describeWritten, type WrittenObject } from '../../src/ledger/objects.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { parseAddressList } from '../../src/report/email/addresses.js';
import { createMailTransport } from '../../src/report/email/mailTransport.js';
import { renderEmail } from '../../src/report/email/renderEmail.js';
import { sendReportEmail } from '../../src/report/email/sendReportEmail.js';
import { captureOutput } from '../ledger/storeFixtures.js';
import { makeReportDocument } from '../support/reportFixture.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { type RunningSmtpServer, startSmtpServer } from '../support/smtp.js';

const LINKS = {
  report: 'https://example.com/report.html',
  json: 'https://example.com/report.json',
  csv: 'https://example.com/findings.csv',
};
const SUBJECT = 'fleetledger 2026-W48: fleet compliance 72.4% (+3.1 pts), 2 new critical/high findings';
const CSV = Buffer.from('id,rule,severity\r\nf0000000000000a1,CIDR-OVERLAP,critical\r\n', 'utf8');

let smtp: RunningSmtpServer;
let main: (argv: string[]) => Promise<number>;
beforeAll(async () => {
  ({ main } = await import('../../src/cli/main.js'));
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});
beforeEach(() => {
  smtp.messages.length = 0;
});

describe('sendReportEmail over SMTP', () => {
  it('delivers both parts to every recipient with report.json and findings.csv attached byte for byte', async () => {
    const doc = makeReportDocument();
    const reportJson = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');

    const sent = await sendReportEmail(createMailTransport({ kind: 'smtp', url: smtp.url }), {
      from: 'fleetledger@example.com',
      to: ['secops@example.com', 'platform@example.com'],
      email: renderEmail(doc, LINKS),
      attachments: { reportJson, findingsCsv: CSV },
    });

    expect(sent.accepted).toEqual(['secops@example.com', 'platform@example.com']);
    expect(sent.rejected).toEqual([]);
    expect(smtp.messages).toHaveLength(1);
    const { envelope, parsed } = smtp.messages[0]!;
    expect(envelope).toEqual({ from: 'fleetledger@example.com', to: ['secops@example.com', 'platform@example.com'] });
    expect(parsed.subject).toBe(SUBJECT);
    expect(parsed.from?.value.map((address) => address.address)).toEqual(['fleetledger@example.com']);
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    expect(to.flatMap((list) => list?.value.map((address) => address.address))).toEqual([
      'secops@example.com',
      'platform@example.com',
    ]);
    expect(parsed.html).toContain('<a href="https://example.com/report.html"');
    expect(parsed.html).toContain('72.4%');
    expect(parsed.text).toContain('Fleet compliance: 72.4% (+3.1 pts)');
    expect(parsed.text).toContain('- [high] CERT-EXPIRED | prod-east | Secret/payments/api-tls');
    expect(parsed.attachments.map((attachment) => [attachment.filename, attachment.contentType])).toEqual([
      ['report.json', 'application/json'],
      ['findings.csv', 'text/csv'],
    ]);
    expect(Buffer.compare(parsed.attachments[0]!.content, reportJson)).toBe(0);
    expect(Buffer.compare(parsed.attachments[1]!.content, CSV)).toBe(0);
  });

  it('sends no attachment unless asked', async () => {
    await sendReportEmail(createMailTransport({ kind: 'smtp', url: smtp.url }), {
      from: 'fleetledger@example.com',
      to: ['secops@example.com'],
      email: renderEmail(makeReportDocument(), LINKS),
    });
    expect(smtp.messages[0]!.parsed.attachments).toEqual([]);
  });

  it('reports an unreachable SMTP server as an operational error', async () => {
    await expect(
      sendReportEmail(createMailTransport({ kind: 'smtp', url: 'smtp://127.0.0.1:1' }), {
        from: 'fleetledger@example.com',
        to: ['secops@example.com'],
        email: renderEmail(makeReportDocument(), LINKS),
      }),
    ).rejects.toMatchObject({
      name: 'OperationalError',
      message: expect.stringMatching(/^sending the report e-mail failed: /),
    });
  });
});

describe('sendReportEmail through Amazon SES v2', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());
  afterAll(() => ses.restore());

  it('hands SendEmailCommand the raw MIME message with both parts and the attachment', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
    const reportJson = Buffer.from('{"schemaVersion":1}\n');
    const client = new SESv2Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });

    await sendReportEmail(createMailTransport({ kind: 'ses', client }), {
      from: 'fleetledger@example.com',
      to: ['secops@example.com'],
      email: renderEmail(makeReportDocument(), LINKS),
      attachments: { reportJson },
    });

    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.FromEmailAddress).toBe('fleetledger@example.com');
    expect(input.Destination?.ToAddresses).toEqual(['secops@example.com']);
    const raw = input.Content?.Raw?.Data;
    expect(raw).toBeDefined();
    const parsed = await simpleParser(Buffer.from(raw!));
    expect(parsed.subject).toBe(SUBJECT);
    expect(parsed.html).toContain('Fleet compliance 2026-W48');
    expect(parsed.text).toContain('Fleet compliance: 72.4% (+3.1 pts)');
    expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual(['report.json']);
    expect(Buffer.compare(parsed.attachments[0]!.content, reportJson)).toBe(0);
  });
});

describe('parseAddressList', () => {
  it('accepts comma-separated addresses and rejects each invalid one as a configuration error', () => {
    expect(parseAddressList('--to', ' a@example.com, b@mail.example.org ,')).toEqual([
      'a@example.com',
      'b@mail.example.org',
    ]);
    expect(() => parseAddressList('--to', 'a@example.com,nope,x@,Eve <e@example.com>')).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        problems: [
          '--to: not an e-mail address: "nope"',
          '--to: not an e-mail address: "x@"',
          '--to: not an e-mail address: "Eve <e@example.com>"',
        ],
      }),
    );
    expect(() => parseAddressList('--to', ' , ')).toThrow('--to: expected one or more e-mail addresses');
  });
});

const GENERATED = DateTime.fromISO('2026-11-26T09:00:00.000Z', { zone: 'utc' });

/**
 * Writes the report files of the fixture as `fleetledger report` would (recorded by a run
 * manifest), plus an older generation.
 */
async function seedReport(store: LedgerStore): Promise<{ reportJson: Buffer }> {
  const doc = makeReportDocument();
  const reportJson = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
  const older = { ...doc, generatedAt: '2026-11-25T09:00:00.000Z', fleet: { ...doc.fleet, compliance: 0.5 } };
  const written: WrittenObject[] = [];
  const put = async (generatedAt: DateTime, file: ReportFile, body: Uint8Array, contentType: string) => {
    const key = reportKey('2026-W48', generatedAt, file);
    await store.put(key, body, { contentType });
    written.push(describeWritten(key, body));
  };
  await put(GENERATED.minus({ days: 1 }), 'report.json', Buffer.from(JSON.stringify(older)), 'application/json');
  await put(GENERATED, 'report.json', reportJson, 'application/json');
  await put(GENERATED, 'report.html', Buffer.from('<!DOCTYPE html><title>r</title>'), 'text/html');
  await put(GENERATED, 'findings.csv', CSV, 'text/csv');
  await recordRun(store, { runAt: GENERATED, written, kind: 'report' });
  return { reportJson };
}

describe('fleetledger email', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'email-ledger-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('sends the latest report of the period from a directory store, with file paths as links and attachments', async () => {
    const { reportJson } = await seedReport(new DirectoryLedgerStore(directory));

    const { result, stdout } = await captureOutput(() =>
      main([
        'email',
        '--store',
        directory,
        '--period',
        '2026-W48',
        '--to',
        'secops@example.com,ciso@example.com',
        '--from',
        'audit@example.com',
        '--smtp',
        smtp.url,
        '--attach',
      ]),
    );

    expect(result).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        '^report 2026-W48 \\(UTC\\) generated at 2026-11-26T09:00:00\\.000Z: reports/2026-W48/2026-11-26T09-00-00\\.000Z/\\n' +
          `sent "${SUBJECT.replace(/[()+.]/g, '\\$&')}" to secops@example.com, ciso@example.com \\(<.+>\\)\\n$`,
      ),
    );
    const { envelope, parsed } = smtp.messages[0]!;
    expect(envelope.to).toEqual(['secops@example.com', 'ciso@example.com']);
    expect(parsed.subject).toBe(SUBJECT);
    const folder = resolve(directory, 'reports', '2026-W48', '2026-11-26T09-00-00.000Z');
    expect(parsed.text).toContain(`- Full report (HTML): ${join(folder, 'report.html')}\n`);
    expect(parsed.text).toContain(`- findings.csv: ${join(folder, 'findings.csv')}\n`);
    expect(parsed.text).not.toContain('presigned');
    expect(Buffer.compare(parsed.attachments[0]!.content, reportJson)).toBe(0);
    expect(Buffer.compare(parsed.attachments[1]!.content, CSV)).toBe(0);
    expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual([
      'report.json',
      'findings.csv',
      'report.html',
    ]);
    expect(parsed.attachments[2]!.content.toString('utf8')).toBe('<!DOCTYPE html><title>r</title>');
  });

  it('fails with one line when the period has no report', async () => {
    const { result, stderr } = await captureOutput(() =>
      main([
        'email',
        '--store',
        directory,
        '--period',
        '2026-W47',
        '--to',
        'secops@example.com',
        '--from',
        'audit@example.com',
        '--smtp',
        smtp.url,
      ]),
    );
    expect(result).toBe(1);
    expect(stderr).toBe(
      `error: ${directory}: no report for 2026-W47 (run fleetledger report --period 2026-W47 first)\n`,
    );
    expect(smtp.messages).toEqual([]);
  });

  const sendW48 = () =>
    captureOutput(() =>
      main([
        'email',
        '--store',
        directory,
        '--period',
        '2026-W48',
        '--to',
        'secops@example.com',
        '--from',
        'audit@example.com',
        '--smtp',
        smtp.url,
      ]),
    );

  it('sends the newest report a run manifest records, not a newer report.json planted beside it', async () => {
    const store = new DirectoryLedgerStore(directory);
    await seedReport(store);
    const planted = { ...makeReportDocument(), generatedAt: '2026-11-27T09:00:00.000Z' };
    planted.fleet = { ...planted.fleet, compliance: 0.999 };
    const plantedAt = GENERATED.plus({ days: 1 });
    await store.put(reportKey('2026-W48', plantedAt, 'report.json'), Buffer.from(JSON.stringify(planted)), {
      contentType: 'application/json',
    });

    const { result } = await sendW48();

    expect(result).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual([SUBJECT]);
  });

  it('sends nothing when the only report.json of the period is recorded by no run manifest', async () => {
    const store = new DirectoryLedgerStore(directory);
    await store.put(
      reportKey('2026-W48', GENERATED, 'report.json'),
      Buffer.from(JSON.stringify(makeReportDocument())),
      { contentType: 'application/json' },
    );

    const { result, stderr } = await sendW48();

    expect(result).toBe(1);
    expect(stderr).toBe(
      `error: ${directory}: no report for 2026-W48 recorded by a run manifest: the report.json files under reports/2026-W48/ were written by no run (run fleetledger verify)\n`,
    );
    expect(smtp.messages).toEqual([]);
  });

  it('sends nothing when the recorded report.json was changed after its run recorded it', async () => {
    await seedReport(new DirectoryLedgerStore(directory));
    const key = reportKey('2026-W48', GENERATED, 'report.json');
    const altered = { ...makeReportDocument(), fleet: { ...makeReportDocument().fleet, compliance: 0.999 } };
    await writeFile(join(directory, ...key.split('/')), `${JSON.stringify(altered, null, 2)}\n`);

    const { result, stderr } = await sendW48();

    expect(result).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^error: ${directory}: ${key} differs from what manifests/\\S+ recorded \\(run fleetledger verify\\)\\n$`,
      ),
    );
    expect(smtp.messages).toEqual([]);
  });

  it('rejects invalid addresses and a missing or doubled transport as configuration errors before sending', async () => {
    const run = (...args: string[]) =>
      captureOutput(() => main(['email', '--store', directory, '--period', '2026-W48', ...args]));
    await expect(run('--to', 'secops@example.com,not-an-address', '--smtp', smtp.url)).resolves.toMatchObject({
      result: 2,
      stderr: 'error: --to: not an e-mail address: "not-an-address"\n',
    });
    await expect(run('--to', 'secops@example.com', '--from', 'me', '--smtp', smtp.url)).resolves.toMatchObject({
      result: 2,
      stderr: 'error: --from: not an e-mail address: "me"\n',
    });
    await expect(run('--to', 'secops@example.com', '--from', 'audit@example.com')).resolves.toMatchObject({
      result: 2,
      stderr: 'error: email: give exactly one of --smtp smtp://host:port and --ses\n',
    });
    await expect(run('--to', 'secops@example.com', '--smtp', smtp.url)).resolves.toMatchObject({
      result: 2,
      stderr: 'error: email: expected --from ADDRESS (or FLEETLEDGER_MAIL_FROM): who the report is sent by\n',
    });
    await expect(
      run('--to', 'secops@example.com', '--from', 'audit@example.com', '--smtp', 'http://mail:25'),
    ).resolves.toMatchObject({
      result: 2,
      stderr: 'error: --smtp: expected smtp://host:port or smtps://host:port, got "http://mail:25"\n',
    });
    expect(smtp.messages).toEqual([]);
  });

  describe('with an S3 store', () => {
    let s3: RunningS3rver;
    const savedEnv = { ...process.env };
    beforeAll(async () => {
      s3 = await startS3rver();
      Object.assign(process.env, s3.environment);
    });
    afterAll(async () => {
      process.env = savedEnv;
      await s3.stop();
    });

    it('links presigned URLs that download the stored report, and states when they expire', async () => {
      await seedReport(s3.store('prod'));
      // Signed now (s3rver refuses expired URLs), to the minute so the stated expiry is exact.
      const signedAt = DateTime.utc().startOf('minute');
      const expiry = `${signedAt.plus({ days: 2 }).toFormat('yyyy-MM-dd HH:mm')} UTC`;

      const { result } = await captureOutput(() =>
        main([
          'email',
          '--store',
          `s3://${s3.bucket}/prod`,
          '--s3-endpoint',
          s3.endpoint,
          '--period',
          '2026-W48',
          '--to',
          'secops@example.com',
          '--from',
          'audit@example.com',
          '--smtp',
          smtp.url,
          '--expires',
          '2d',
          '--now',
          signedAt.toISO()!,
        ]),
      );

      expect(result).toBe(0);
      const { parsed } = smtp.messages[0]!;
      expect(parsed.text).toContain(`These links are presigned and stop working at ${expiry}.`);
      expect(parsed.html).toContain(`These links are presigned and stop working at ${expiry}.`);
      const csvUrl = /- findings\.csv: (\S+)\n/.exec(parsed.text ?? '')![1]!;
      expect(csvUrl).toContain(
        `${s3.endpoint}/${s3.bucket}/prod/reports/2026-W48/2026-11-26T09-00-00.000Z/findings.csv?`,
      );
      expect(csvUrl).toContain('X-Amz-Expires=172800');
      expect(csvUrl).toContain(`X-Amz-Date=${signedAt.toFormat("yyyyMMdd'T'HHmmss'Z'")}`);
      const download = await fetch(csvUrl);
      expect(download.status).toBe(200);
      expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), CSV)).toBe(0);
    });
  });
});
