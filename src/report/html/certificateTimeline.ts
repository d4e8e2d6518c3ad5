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
  y: number;
  /** Vertical centre of the row (the marker). */
  centerY: number;
  /** Marker position on the axis (expired ones sit at day 0). */
  x: number;
  /** Start of the bar (day 0) to the marker. */
  barX: number;
  barWidth: number;
}

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

const LABEL_WIDTH = 260;
const ROW = 20;
const AXIS = 26;

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
): CertificateTimeline {
  const all = certificatesByExpiry(clusters, generatedAt);
  const now = DateTime.fromISO(generatedAt, { zone: 'utc' });
  const horizon = now.plus({ days: TIMELINE_DAYS });
  const within = all.filter((certificate) => DateTime.fromISO(certificate.notAfter, { zone: 'utc' }) <= horizon);
  const track = width - LABEL_WIDTH - 10;
  const xOfDays = (days: number) =>
    Math.round((LABEL_WIDTH + (Math.min(Math.max(days, 0), TIMELINE_DAYS) / TIMELINE_DAYS) * track) * 10) / 10;

  const rows = within.map((certificate, index) => {
    const exactDays = DateTime.fromISO(certificate.notAfter, { zone: 'utc' }).diff(now, 'days').days;
    const x = xOfDays(exactDays);
    const y = AXIS + index * ROW;
    return {
      ...certificate,
      y,
      centerY: y + 7,
      x,
      barX: LABEL_WIDTH,
      barWidth: Math.round((x - LABEL_WIDTH) * 10) / 10,
    };
  });
  const ticks = [0, 30, 60, 90].map((days) => ({
    x: xOfDays(days),
    label: days === 0 ? 'today' : now.plus({ days }).toFormat('yyyy-MM-dd'),
    // The last label would overflow the right edge if centred on its tick.
    anchor: days === TIMELINE_DAYS ? ('end' as const) : ('middle' as const),
  }));
  return {
    width,
    height: AXIS + Math.max(Math.min(rows.length, TIMELINE_MAX_ROWS), 1) * ROW + 6,
    labelWidth: LABEL_WIDTH,
    rowHeight: ROW,
    ticks,
    rows,
    drawn: rows.slice(0, TIMELINE_MAX_ROWS),
    moreThanDrawn: rows.length > TIMELINE_MAX_ROWS,
    laterCount: all.length - within.length,
    total: all.length,
  };
}
