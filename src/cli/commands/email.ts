import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Command } from 'commander';
import { resolveNow } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import { assertPeriodStarted, parsePeriod } from '../../core/period.js';
import { openStore } from '../../ledger/open.js';
import { parseExpiry } from '../../ledger/share.js';
import { parseAddressList } from '../../report/email/addresses.js';
import { createMailTransport, type MailTransportSpec, parseSmtpUrl } from '../../report/email/mailTransport.js';
import { renderEmail } from '../../report/email/renderEmail.js';
import { sendReportEmail } from '../../report/email/sendReportEmail.js';
import { SMTP_PASSWORD_VARIABLE, SMTP_USER_VARIABLE, smtpCredentials } from '../../report/email/smtpCredentials.js';
import { readLatestReport, reportLinks } from '../../report/email/storedReport.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printError, printJson, printLines } from '../output.js';
import type { RunState } from './index.js';
import { supersessionLines } from './report.js';

interface EmailFlags {
  store: string;
  period: string;
  to: string;
  from?: string;
  smtp?: string;
  smtpPasswordFile?: string;
  format: string;
  ses?: boolean;
  region?: string;
  attach?: boolean;
  timeZone: string;
  s3Endpoint?: string;
  expires: string;
  now?: string;
}

/** The transport --smtp or --ses names (also for `doctor`); ConfigError unless exactly one is given. */
export function transportSpec(
  flags: Pick<EmailFlags, 'smtp' | 'smtpPasswordFile' | 'ses' | 'region'>,
): MailTransportSpec {
  if ((flags.smtp === undefined) === !flags.ses) {
    throw new ConfigError('email: give exactly one of --smtp smtp://host:port and --ses');
  }
  if (flags.smtp !== undefined) {
    const url = parseSmtpUrl(flags.smtp);
    return { kind: 'smtp', url: url.toString(), auth: smtpCredentials(url, flags.smtpPasswordFile) };
  }
  if (flags.smtpPasswordFile !== undefined) throw new ConfigError('--smtp-password-file goes with --smtp');
  return { kind: 'ses', client: new SESv2Client(flags.region ? { region: flags.region } : {}) };
}

export const MAIL_FROM_VARIABLE = 'FLEETLEDGER_MAIL_FROM';

/** The sender: --from, else FLEETLEDGER_MAIL_FROM; never a made-up address (mail from localhost is dropped or spoofs). */
function senderOf(flags: EmailFlags): string {
  const from = flags.from ?? process.env[MAIL_FROM_VARIABLE];
  if (!from) {
    throw new ConfigError(`email: expected --from ADDRESS (or ${MAIL_FROM_VARIABLE}): who the report is sent by`);
  }
  const [sender] = parseAddressList(flags.from === undefined ? MAIL_FROM_VARIABLE : '--from', from);
  return sender as string;
}

/** `fleetledger email`: sends the latest report of a period by SMTP or Amazon SES. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('email')
    .description('E-mail the latest report of a period (HTML + text, links to the full report, attachments on request)')
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .requiredOption('--period <period>', 'ISO week, e.g. 2026-W48')
    .requiredOption('--to <addresses>', 'recipients, comma-separated')
    .option('--from <address>', `sender address (default: $${MAIL_FROM_VARIABLE}; one of them is required)`)
    .option(
      '--smtp <url>',
      `send through this SMTP server: smtp://[user@]host:port (smtps:// for implicit TLS); user also from $${SMTP_USER_VARIABLE}, password from $${SMTP_PASSWORD_VARIABLE} or --smtp-password-file, never in the URL`,
    )
    .option('--smtp-password-file <file>', 'the SMTP password: the first line of this file')
    .option('--ses', 'send through Amazon SES v2 (standard AWS configuration)')
    .option('--region <region>', 'AWS region for SES (default: from the environment)')
    .option('--attach', 'attach report.html, report.json and findings.csv')
    .option('--time-zone <tz>', 'time zone the period is read in (IANA)', 'UTC')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--expires <duration>', 'how long presigned links work (S3 stores): 12h, 7d (at most 7d)', '7d')
    .option('--now <iso>', 'the signing time (default: now)')
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: EmailFlags) => {
      // Every flag is checked before the store is read or anything is sent.
      const period = parsePeriod(flags.period, flags.timeZone);
      const to = parseAddressList('--to', flags.to);
      const from = senderOf(flags);
      const spec = transportSpec(flags);
      const expiresInSeconds = parseExpiry(flags.expires);
      const now = resolveNow(flags.now);
      assertPeriodStarted(period, now);

      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const report = await readLatestReport(store, period.id);
      // Which report goes out: several may exist for a period, the latest replacing the others.
      if (flags.format === 'text') {
        printLines(
          `report ${report.doc.period} (${report.doc.timeZone}) generated at ${report.doc.generatedAt}: ${report.folder}`,
          ...supersessionLines(report.doc),
        );
      }
      const links = await reportLinks(store, report, { now, expiresInSeconds });
      const email = renderEmail(report.doc, links);
      const attachments = flags.attach
        ? {
            reportHtml: await report.read('report.html'),
            reportJson: report.reportJson,
            findingsCsv: await report.read('findings.csv'),
          }
        : {};
      const sent = await sendReportEmail(createMailTransport(spec), { from, to, email, attachments });
      if (flags.format === 'json') {
        printJson({ report: report.folder, period: report.doc.period, subject: email.subject, from, ...sent });
      } else {
        printLines(`sent "${email.subject}" to ${sent.accepted.join(', ') || to.join(', ')} (${sent.messageId})`);
      }
      if (sent.rejected.length > 0) {
        printError(`rejected by the server: ${sent.rejected.join(', ')}`);
        run.exitCode = EXIT.failure;
      }
    });
  examples(command, [
    'fleetledger email --store ./ledger --period 2026-w48 --to secops@example.com --from audit@example.com --smtp smtp://mail.internal:25 --attach',
    `${SMTP_USER_VARIABLE}=audit ${SMTP_PASSWORD_VARIABLE}=... fleetledger email --store ./ledger --period 2026-W48 --to secops@example.com --from audit@example.com --smtp smtps://mail.example.com:465`,
    'fleetledger email --store s3://audit-ledger/fleet --period 2026-W48 --to secops@example.com --from audit@example.com --ses --region eu-west-1',
  ]);
}
