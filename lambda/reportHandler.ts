/**
 * Lambda: generate the report of the current (or the event's) period into the ledger, then e-mail
 * it through Amazon SES v2 when RECIPIENTS is set (scheduled weekly).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createLogger } from '../src/core/logger.js';
import { waiverLimits } from '../src/evaluate/waivers.js';
import { type ReportFile, reportKey } from '../src/ledger/keys.js';
import { createMailTransport } from '../src/report/email/mailTransport.js';
import { renderEmail } from '../src/report/email/renderEmail.js';
import { type SentReportEmail, sendReportEmail } from '../src/report/email/sendReportEmail.js';
import { reportLinks } from '../src/report/email/storedReport.js';
import { EmptyPeriodError } from '../src/report/emptyPeriod.js';
import { generateReport } from '../src/report/generateReport.js';
import { reportFleetOf } from '../src/report/reportFleet.js';
import type { ReportDocument } from '../src/report/schema.js';
import { readFleet, readWaivers } from './configFiles.js';
import { readHandlerEnvironment } from './handlerEnvironment.js';
import { parseInvocationEvent } from './invocationEvent.js';
import { createLedgerClients, createSigner } from './ledgerClients.js';

const environment = readHandlerEnvironment(process.env);
const { s3, store } = createLedgerClients(environment);
const signer = await createSigner(environment);
const mail = environment.email ? createMailTransport({ kind: 'ses', client: new SESv2Client({}) }) : null;
const logger = createLogger();

export interface ReportRunSummary {
  readonly period: string;
  readonly reportFolder: string;
  readonly gaps: number;
  readonly email: SentReportEmail | null;
  /** The ledger head the report rests on (report.json ledger.head: what verify --expect-head takes). */
  readonly ledgerHead: NonNullable<ReportDocument['ledger']>['head'];
  /** The fingerprint of the key that signed the run; null when unsigned. */
  readonly signingKey: string | null;
}

export async function handler(event: unknown): Promise<ReportRunSummary> {
  const { now, period, backfill } = parseInvocationEvent(event, environment.timeZone);
  const fleetFile = await readFleet(environment.fleetFile, s3, { checkAccess: false });
  // The fleet file bounds the waivers (rules.waiverMaxTermDays).
  const waiversFile = await readWaivers(environment.waiversFile, s3, waiverLimits(now, fleetFile.fleet.rules));
  const { timeZone } = environment;
  const generated = await generateReport({
    store,
    now,
    timeZone,
    waivers: waiversFile.waivers,
    fleet: reportFleetOf(fleetFile.fleet),
    configurationFiles: { fleetFile: fleetFile.source, waiversFile: waiversFile.source },
    logger,
    signer,
    backfill,
    ...(period ? { period } : {}),
  }).catch((error: unknown) => {
    // Nothing was stored and nothing is sent; the invocation fails so the schedule's retries and
    // the function's error metric show it (a retry stores nothing either, until snapshots arrive).
    if (error instanceof EmptyPeriodError) logger.error('no report: the period has no data', { error: error.message });
    throw error;
  });

  let email: SentReportEmail | null = null;
  if (environment.email && mail) {
    const { sender, recipients, linkExpiresInSeconds } = environment.email;
    // The e-mail links the files of this very generation (a later one may exist when event.now is in the past).
    const keyOf = (file: ReportFile) => reportKey(generated.doc.period, now, file);
    const stored = { doc: generated.doc, reportJson: await store.get(keyOf('report.json')), keyOf };
    // Known limit: a presigned URL stops working when the signing credentials expire, and a Lambda
    // role's session credentials last hours, not the LINK_EXPIRES days.
    const links = await reportLinks(store, stored, { now, expiresInSeconds: linkExpiresInSeconds });
    email = await sendReportEmail(mail, { from: sender, to: recipients, email: renderEmail(stored.doc, links) });
    if (email.rejected.length > 0) logger.error('recipients refused the report e-mail', { rejected: email.rejected });
  }
  const summary: ReportRunSummary = {
    period: generated.doc.period,
    reportFolder: generated.reportFolder,
    gaps: generated.doc.gaps.length,
    email,
    ledgerHead: generated.doc.ledger?.head ?? null,
    signingKey: generated.doc.ledger?.signingKey ?? null,
  };
  logger.info('report stored', { ledger: store.location, ...summary });
  return summary;
}
