/**
 * What the weekly e-mail says, computed once for both parts (HTML and plain text) so they carry
 * the same content. Pure.
 */

import { SEVERITIES, type Severity } from '../../evaluate/types.js';
import { capList } from '../cappedList.js';
import {
  formatDeltaPoints,
  formatInstant,
  formatPercent,
  formatScore,
  trendArrow,
  trendDirection,
} from '../html/format.js';
import { secretReadsSentence } from '../html/secretReadsView.js';
import { ledgerPinOf, verifyCommandOf } from '../ledgerPin.js';
import type { ReportDocument, ReportFinding } from '../schema.js';

export interface ReportLinks {
  report: string;
  json: string;
  csv: string;
  /** ISO 8601: when presigned links stop working; stated in the mail. */
  expiresAt?: string;
}

/** At most this many rows per list in the mail; the full report has everything. */
export const EMAIL_LIST_LIMIT = 20;

const URGENT: readonly Severity[] = ['critical', 'high'];

// Untrusted text in a text/plain part cannot run, but a newline in it could forge lines (a fake
// link, a fake "all clear"): control characters collapse to a space.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Untrusted text made safe to place on one line of a plain-text mail or a header. */
export function singleLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ');
}

function nullableLine(text: string | null): string | null {
  return text === null ? null : singleLine(text);
}

function clustersOf(finding: ReportFinding): string {
  if (finding.clusters && finding.clusters.length > 0) return finding.clusters.join(', ');
  return finding.cluster ?? 'fleet';
}

const capped = <T>(items: readonly T[]) => capList(items, EMAIL_LIST_LIMIT);

function linkView(label: string, target: string) {
  return { label, target: singleLine(target), isUrl: /^https?:\/\//i.test(target) };
}

/** The new open critical and high findings of the period, most severe first. */
export function newUrgentFindings(doc: ReportDocument): ReportFinding[] {
  const newIds = new Set(doc.trend.new);
  return doc.findings
    .filter((finding) => newIds.has(finding.id) && finding.status === 'open' && URGENT.includes(finding.severity))
    .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.rule.localeCompare(b.rule));
}

/**
 * `fleetledger 2026-W48: fleet compliance 72.4% (+3.1 pts), 2 new critical/high findings`.
 * Built from numbers and the period id only, never from cluster-supplied text.
 */
export function emailSubject(doc: ReportDocument): string {
  // A revised report says so first: its readers received the one it replaces.
  const period = doc.supersedes ? `${doc.period} (revised)` : doc.period;
  if (doc.noData) return singleLine(`fleetledger ${period}: no data (no snapshot of any expected cluster)`);
  const delta = formatDeltaPoints(doc.fleet.delta.compliance);
  const urgent = newUrgentFindings(doc).length;
  const findings = `${urgent} new critical/high finding${urgent === 1 ? '' : 's'}`;
  return singleLine(
    `fleetledger ${period}: fleet compliance ${formatPercent(doc.fleet.compliance)}${delta ? ` (${delta})` : ''}, ${findings}`,
  );
}

export function buildEmailView(doc: ReportDocument, links: ReportLinks) {
  const tz = doc.timeZone;
  const score = (value: number | null, delta: number | null) => {
    const direction = trendDirection(delta);
    return {
      value: formatScore(value, doc.noData),
      delta: doc.noData ? 'nothing was evaluated' : (formatDeltaPoints(delta) ?? 'no previous data'),
      arrow: trendArrow(direction),
      color: direction === 'up' ? '#2f7a4b' : direction === 'down' ? '#b42318' : '#5f6b7a',
    };
  };
  const urgent = capped(
    newUrgentFindings(doc).map((finding) => ({
      severity: finding.severity,
      severityColor: finding.severity === 'critical' ? '#8b1a1a' : '#c2410c',
      rule: finding.rule,
      clusters: singleLine(clustersOf(finding)),
      resource: singleLine(finding.resource),
      message: singleLine(finding.message),
    })),
  );
  const changes = capped(
    doc.trend.changes.map((change) => ({
      cluster: singleLine(change.cluster ?? 'fleet'),
      area: change.area,
      change: change.change,
      subject: singleLine(change.subject),
      description: singleLine(change.description),
    })),
  );
  const attention = capped(
    doc.clusters
      .filter((cluster) => cluster.status !== 'ok')
      .map((cluster) => ({
        name: singleLine(cluster.name),
        status: cluster.status,
        reason: cluster.statusReason === null ? null : singleLine(cluster.statusReason),
      })),
  );
  return {
    subject: emailSubject(doc),
    period: doc.period,
    noData: doc.noData ?? false,
    supersedes: doc.supersedes
      ? {
          folder: singleLine(doc.supersedes.folder),
          generatedAt: formatInstant(doc.supersedes.generatedAt, tz),
          reason: doc.reason ? singleLine(doc.reason) : null,
        }
      : null,
    previousPeriod: doc.previousPeriod,
    generatedAt: formatInstant(doc.generatedAt, tz),
    compliance: score(doc.fleet.compliance, doc.fleet.delta.compliance),
    coverage: score(doc.fleet.coverage, doc.fleet.delta.coverage),
    open: SEVERITIES.map((severity) => ({ severity, count: doc.fleet.open[severity] })),
    clusters: doc.fleet.clusters,
    newCount: doc.trend.new.length,
    resolvedCount: doc.trend.resolved.length,
    persistingCount: doc.trend.persisting.length,
    urgent,
    changes,
    attention,
    links: [
      linkView('Full report (HTML)', links.report),
      linkView('report.json', links.json),
      linkView('findings.csv', links.csv),
    ],
    linksExpire: links.expiresAt ? formatInstant(links.expiresAt, tz) : null,
    version: doc.fleetledgerVersion,
    store: singleLine(doc.store),
    secretReads: nullableLine(secretReadsSentence(doc)),
    ledger: ledgerLine(doc),
    verifyCommand: singleLine(verifyCommandOf(doc)),
  };
}

/** The checkpoint every recipient keeps: the ledger head the report rests on and who signs the ledger. */
function ledgerLine(doc: ReportDocument): string | null {
  const pin = ledgerPinOf(doc);
  if (!pin) return null;
  const head = pin.headSha256 ? `${pin.headSha256} (${pin.headManifest})` : 'none (the ledger was empty)';
  const signed = pin.signingKey ? `signed by ${pin.signingKey}` : 'unsigned';
  return singleLine(`Ledger head ${head}, ${signed}${pin.backfill ? '; this report is a backfill' : ''}`);
}

export type EmailView = ReturnType<typeof buildEmailView>;
