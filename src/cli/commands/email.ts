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
import { readLatestReport, reportLinks } from '../../report/email/storedReport.js';
import { EXIT } from '../exit.js';
import type { RunState } from './index.js';
import { supersessionLines } from './report.js';

interface EmailFlags {
  store: string;
  period: string;
  to: string;
  from: string;
  smtp?: string;
  ses?: boolean;
  region?: string;
  attach?: boolean;
  timeZone: string;
  s3Endpoint?: string;
  expires: string;
  now?: string;
}

function transportSpec(flags: EmailFlags): MailTransportSpec {
  if ((flags.smtp === undefined) === !flags.ses) {
    throw new ConfigError('email: give exactly one of --smtp smtp://host:port and --ses');
  }
  if (flags.smtp !== undefined) return { kind: 'smtp', url: parseSmtpUrl(flags.smtp).toString() };
  return { kind: 'ses', client: new SESv2Client(flags.region ? { region: flags.region } : {}) };
}

/** `fleetledger email`: sends the latest report of a period by SMTP or Amazon SES. */
export function register(program: Command, run: RunState): void {
  program
    .command('email')
    .description('E-mail the latest report of a period (HTML + text, links to the full report, attachments on request)')
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .requiredOption('--period <period>', 'ISO week, e.g. 2026-W48')
    .requiredOption('--to <addresses>', 'recipients, comma-separated')
    .option('--from <address>', 'sender address', 'fleetledger@localhost')
    .option('--smtp <url>', 'send through this SMTP server: smtp://host:port (smtps:// for implicit TLS)')
    .option('--ses', 'send through Amazon SES v2 (standard AWS configuration)')
    .option('--region <region>', 'AWS region for SES (default: from the environment)')
    .option('--attach', 'attach report.json and findings.csv')
    .option('--time-zone <tz>', 'time zone the period is read in (IANA)', 'UTC')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--expires <duration>', 'how long presigned links work (S3 stores): 12h, 7d (at most 7d)', '7d')
    .option('--now <iso>', 'the signing time (default: now)')
    .action(async (flags: EmailFlags) => {
      // Every flag is checked before the store is read or anything is sent.
      const period = parsePeriod(flags.period, flags.timeZone);
      const to = parseAddressList('--to', flags.to);
      const [from] = parseAddressList('--from', flags.from);
      const spec = transportSpec(flags);
      const expiresInSeconds = parseExpiry(flags.expires);
      const now = resolveNow(flags.now);
      assertPeriodStarted(period, now);

      const store = openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const report = await readLatestReport(store, period.id);
      // Which report goes out: several may exist for a period, the latest replacing the others.
      process.stdout.write(
        `${[
          `report ${report.doc.period} (${report.doc.timeZone}) generated at ${report.doc.generatedAt}: ${report.folder}`,
          ...supersessionLines(report.doc),
        ].join('\n')}\n`,
      );
      const links = await reportLinks(store, report, { now, expiresInSeconds });
      const email = renderEmail(report.doc, links);
      const attachments = flags.attach
        ? { reportJson: report.reportJson, findingsCsv: await report.read('findings.csv') }
        : {};
      const sent = await sendReportEmail(createMailTransport(spec), { from: from!, to, email, attachments });
      process.stdout.write(
        `sent "${email.subject}" to ${sent.accepted.join(', ') || to.join(', ')} (${sent.messageId})\n`,
      );
      if (sent.rejected.length > 0) {
        process.stderr.write(`rejected by the server: ${sent.rejected.join(', ')}\n`);
        run.exitCode = EXIT.failure;
      }
    });
}
