/**
 * Step 5 of the weekly run: e-mail the period's latest recorded report (as `fleetledger email`
 * does: its bytes checked against the manifest that records them) with presigned links, through
 * Amazon SES v2, or SMTP_URL. A failed delivery fails this step only; the state machine then hands
 * the event to the dead-letter queue, and the report stays in the ledger.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { ConfigError } from '../src/core/errors.js';
import { createLogger, withLogContext } from '../src/core/logger.js';
import { createMailTransport } from '../src/report/email/mailTransport.js';
import { renderEmail } from '../src/report/email/renderEmail.js';
import { type SentReportEmail, sendReportEmail } from '../src/report/email/sendReportEmail.js';
import { readLatestReport, reportLinks } from '../src/report/email/storedReport.js';
import { readHandlerEnvironment } from './handlerEnvironment.js';
import { parseInvocationEvent } from './invocationEvent.js';
import { createLedgerClients } from './ledgerClients.js';

const environment = readHandlerEnvironment(process.env);
const { store } = createLedgerClients(environment);
const mail = createMailTransport(
  environment.smtpUrl ? { kind: 'smtp', url: environment.smtpUrl } : { kind: 'ses', client: new SESv2Client({}) },
);
const logger = createLogger();

export interface DeliveredReport extends SentReportEmail {
  readonly period: string;
  readonly reportFolder: string;
}

export async function handler(event: unknown): Promise<DeliveredReport> {
  if (!environment.email) throw new ConfigError('RECIPIENTS: no recipients are set, so there is nothing to deliver');
  const { now, period } = parseInvocationEvent(event, environment.timeZone);
  if (!period) throw new ConfigError('event.period: expected the period the report step stored, e.g. 2026-W48');
  const log = withLogContext(logger, { period });
  const { sender, recipients, linkExpiresInSeconds } = environment.email;
  const stored = await readLatestReport(store, period);
  // Known limit: a presigned URL stops working when the signing credentials expire, and a Lambda
  // role's session credentials last hours, not the LINK_EXPIRES days.
  const links = await reportLinks(store, stored, { now, expiresInSeconds: linkExpiresInSeconds });
  const sent = await sendReportEmail(mail, { from: sender, to: recipients, email: renderEmail(stored.doc, links) });
  if (sent.rejected.length > 0) log.error('recipients refused the report e-mail', { rejected: sent.rejected });
  log.info('report delivered', {
    reportFolder: stored.folder,
    messageId: sent.messageId,
    recipients: recipients.length,
  });
  return { ...sent, period, reportFolder: stored.folder };
}
