/**
 * Geometry of the certificate expiry timeline: certificates expiring within the next 90 days of
 * the report (and those already expired), one row each, on a day axis starting at generatedAt.
 * Pure.
 */
import { DateTime } from 'luxon';
import type { ReportCluster } from '../schema.js';

export const TIMELINE_DAYS = 90;
/** The chart draws at most this many rows (the soonest); the table lists them all. */
export const TIMELINE_MAX_ROWS = 60;

export interface TimelineCertificate {
  cluster: string;
  source: string;
  namespace: string | null;
  name: string;
  subject: string;
  notAfter: string;
  fingerprint256: string;
  /** Whole days from generatedAt to notAfter; negative when expired. */
  daysLeft: number;
  expired: boolean;
  /** critical: expired or under 7 days, warning: under 30, ok otherwise. */
  urgency: 'critical' | 'warning' | 'ok';
}

export interface TimelineRow extends TimelineCertificate {
  /** Top of the row. */
  y: number;
  /** "cluster · name", shortened to fit a stacked (phone) row. */
  label: string;
  /** Where the label's line starts (the text's top; the template adds the baseline offset). */
  labelY: number;
  /** Top of the bar. */
  barY: number;
  /** Vertical centre of the row (the marker). */
  centerY: number;
  /** Marker position on the axis (expired ones sit at day 0). */
  x: number;
  /** Start of the bar (day 0) to the marker. */
  barX: number;
  barWidth: number;
}

/**
 * `side`: the label left of the bar, one line per certificate (desktop); `stacked`: the label on
 * its own line above a full-width bar, so a phone-sized chart keeps its text full size.
 */
export type TimelineLayout = 'side' | 'stacked';

export interface CertificateTimeline {
  width: number;
  height: number;
  labelWidth: number;
  rowHeight: number;
  ticks: Array<{ x: number; label: string; anchor: 'start' | 'middle' | 'end' }>;
  /** Every certificate within the window, soonest first. */
  rows: TimelineRow[];
  /** The rows the chart draws (at most TIMELINE_MAX_ROWS). */
  drawn: TimelineRow[];
  moreThanDrawn: boolean;
  /** Certificates valid beyond the window, not drawn. */
  laterCount: number;
  total: number;
}

const LAYOUTS: Readonly<
  Record<TimelineLayout, { labelWidth: number; row: number; barOffset: number; tickFormat: string }>
> = {
  side: { labelWidth: 260, row: 20, barOffset: 0, tickFormat: 'yyyy-MM-dd' },
  // The bar starts a marker's radius in, so an expired certificate's marker is not cut off; the
  // tick dates are short so that four fit on a phone.
  stacked: { labelWidth: 6, row: 36, barOffset: 17, tickFormat: 'LLL d' },
};
const AXIS = 26;
/** A stacked label longer than this is cut with an ellipsis (the table below the chart has it whole). */
const STACKED_LABEL_CHARACTERS = 42;

function labelOf(certificate: TimelineCertificate, layout: TimelineLayout): string {
  const label = `${certificate.cluster} · ${certificate.name}`;
  if (layout === 'side' || label.length <= STACKED_LABEL_CHARACTERS) return label;
  return `${label.slice(0, STACKED_LABEL_CHARACTERS - 1)}…`;
}

function urgencyOf(daysLeft: number, expired: boolean): TimelineCertificate['urgency'] {
  if (expired || daysLeft < 7) return 'critical';
  return daysLeft < 30 ? 'warning' : 'ok';
}

/** Every certificate of every cluster with its days left at `generatedAt`, soonest first. */
export function certificatesByExpiry(clusters: readonly ReportCluster[], generatedAt: string): TimelineCertificate[] {
  const now = DateTime.fromISO(generatedAt, { zone: 'utc' });
  const certificates: TimelineCertificate[] = [];
  for (const cluster of clusters) {
    for (const certificate of cluster.facts?.certificates ?? []) {
      const notAfter = DateTime.fromISO(certificate.notAfter, { zone: 'utc' });
      const daysLeft = Math.floor(notAfter.diff(now, 'days').days);
      const expired = notAfter <= now;
      certificates.push({
        cluster: cluster.name,
        ...certificate,
        daysLeft,
        expired,
        urgency: urgencyOf(daysLeft, expired),
      });
    }
  }
  return certificates.sort((a, b) => a.notAfter.localeCompare(b.notAfter) || a.cluster.localeCompare(b.cluster));
}

/** Lays out the certificates that expired or expire within TIMELINE_DAYS of `generatedAt`. */
export function buildCertificateTimeline(
  clusters: readonly ReportCluster[],
  generatedAt: string,
  width = 880,
  layout: TimelineLayout = 'side',
): CertificateTimeline {
  const { labelWidth, row, barOffset, tickFormat } = LAYOUTS[layout];
  const all = certificatesByExpiry(clusters, generatedAt);
  const now = DateTime.fromISO(generatedAt, { zone: 'utc' });
  const horizon = now.plus({ days: TIMELINE_DAYS });
  const within = all.filter((certificate) => DateTime.fromISO(certificate.notAfter, { zone: 'utc' }) <= horizon);
  const track = width - labelWidth - 10;
  const xOfDays = (days: number) =>
    Math.round((labelWidth + (Math.min(Math.max(days, 0), TIMELINE_DAYS) / TIMELINE_DAYS) * track) * 10) / 10;

  const rows = within.map((certificate, index) => {
    const exactDays = DateTime.fromISO(certificate.notAfter, { zone: 'utc' }).diff(now, 'days').days;
    const x = xOfDays(exactDays);
    const y = AXIS + index * row;
    return {
      ...certificate,
      y,
      label: labelOf(certificate, layout),
      labelY: y,
      barY: y + barOffset,
      centerY: y + barOffset + 7,
      x,
      barX: labelWidth,
      barWidth: Math.round((x - labelWidth) * 10) / 10,
    };
  });
  const ticks = [0, 30, 60, 90].map((days) => ({
    x: xOfDays(days),
    label: days === 0 ? 'today' : now.plus({ days }).setLocale('en-US').toFormat(tickFormat),
    // The last label would overflow the right edge if centred on its tick, and so would the first
    // where the axis starts at the chart's left edge (stacked).
    anchor:
      days === TIMELINE_DAYS
        ? ('end' as const)
        : days === 0 && layout === 'stacked'
          ? ('start' as const)
          : ('middle' as const),
  }));
  return {
    width,
    height: AXIS + Math.max(Math.min(rows.length, TIMELINE_MAX_ROWS), 1) * row + 6,
    labelWidth,
    rowHeight: row,
    ticks,
    rows,
    drawn: rows.slice(0, TIMELINE_MAX_ROWS),
    moreThanDrawn: rows.length > TIMELINE_MAX_ROWS,
    laterCount: all.length - within.length,
    total: all.length,
  };
}
