/**
 * Step 4 of the weekly run: evaluate and report a period (the current one, or the event's) into
 * the ledger: its own run, opened, signed and recorded as `fleetledger report` does. The e-mail is
 * the next step's (deliverHandler.ts), so a mail outage never costs a report.
 */
import { createLogger, withLogContext } from '../src/core/logger.js';
import { waiverLimits } from '../src/evaluate/waivers.js';
import { EmptyPeriodError } from '../src/report/emptyPeriod.js';
import { generateReport } from '../src/report/generateReport.js';
import { reportFleetOf } from '../src/report/reportFleet.js';
import type { ReportDocument } from '../src/report/schema.js';
import { readFleet, readWaivers } from './configFiles.js';
import { readHandlerEnvironment } from './handlerEnvironment.js';
import { parseInvocationEvent } from './invocationEvent.js';
import { createLedgerClients, createSigner } from './ledgerClients.js';
import { optionalRunOf, runClock } from './stepEvents.js';

const environment = readHandlerEnvironment(process.env);
const { s3, store } = createLedgerClients(environment);
const signer = await createSigner(environment);
const logger = createLogger();

export interface ReportRunSummary {
  readonly period: string;
  readonly reportFolder: string;
  readonly gaps: number;
  /** The ledger head the report rests on (report.json ledger.head: what verify --expect-head takes). */
  readonly ledgerHead: NonNullable<ReportDocument['ledger']>['head'];
  /** The fingerprint of the key that signed the run; null when unsigned. */
  readonly signingKey: string | null;
}

export async function handler(event: unknown): Promise<ReportRunSummary> {
  const request = parseInvocationEvent(event, environment.timeZone);
  // In a scheduled run the report comes after the run's snapshots, on the run's clock.
  const run = optionalRunOf(event);
  const now = run ? runClock(run)() : request.now;
  const { period, backfill } = request;
  const log = withLogContext(logger, run ? { runId: run.opening } : {});
  const fleetFile = await readFleet(environment.fleetFile, s3, { checkAccess: false });
  // The fleet file bounds the waivers (rules.waiverMaxTermDays).
  const waiversFile = await readWaivers(environment.waiversFile, s3, waiverLimits(now, fleetFile.fleet.rules));
  const generated = await generateReport({
    store,
    now,
    timeZone: environment.timeZone,
    waivers: waiversFile.waivers,
    fleet: reportFleetOf(fleetFile.fleet),
    configurationFiles: { fleetFile: fleetFile.source, waiversFile: waiversFile.source },
    logger: log,
    signer,
    backfill,
    ...(period ? { period } : {}),
  }).catch((error: unknown) => {
    // Nothing was stored and nothing is sent; the step fails so the execution and the alarm show it.
    if (error instanceof EmptyPeriodError) log.error('no report: the period has no data', { error: error.message });
    throw error;
  });
  const summary: ReportRunSummary = {
    period: generated.doc.period,
    reportFolder: generated.reportFolder,
    gaps: generated.doc.gaps.length,
    ledgerHead: generated.doc.ledger?.head ?? null,
    signingKey: generated.doc.ledger?.signingKey ?? null,
  };
  log.info('report stored', { ledger: store.location, ...summary });
  return summary;
}
