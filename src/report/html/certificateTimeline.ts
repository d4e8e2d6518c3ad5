/**
 * Geometry of the certificate expiry timeline: certificates expiring within the next 90 days of
 * the report (and those already expired), one row each, on a day axis starting at generatedAt.
 * Pure.
 */
import { DateTime } from 'luxon';
import type { ReportCluster } from '../schema.js';
import { fitText, maxTextWidth } from './textWidth.js';

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

/** Where one certificate is drawn in one layout. */
export interface TimelineMark {
  /** "cluster · name", fitted to the space the layout gives labels. */
  label: string;
  labelX: number;
  labelY: number;
  /** Top of the bar. */
  y: number;
  /** Vertical centre of the bar (the marker). */
  centerY: number;
  /** Marker position on the axis (expired ones sit at day 0). */
  x: number;
  /** Start of the bar (day 0) to the marker. */
  barX: number;
  barWidth: number;
  urgency: TimelineCertificate['urgency'];
  /** Tooltip: the full label and the days left. */
  title: string;
}

export interface TimelineLayout {
  width: number;
  height: number;
  fontSize: number;
  /** Where the axis starts and ends. */
  axisLeft: number;
  axisRight: number;
  /** Where the tick lines start (under their labels). */
  gridTop: number;
  ticks: Array<{ x: number; label: string; anchor: 'start' | 'middle' | 'end' }>;
  marks: TimelineMark[];
}

export interface CertificateTimeline {
  /** Every certificate within the window, soonest first (the table). */
  rows: Array<TimelineCertificate & { exactDays: number }>;
  /** Labels beside the bars: for a page at least 760 px wide. */
  wide: TimelineLayout;
  /** Labels on a line of their own above each bar: for a phone (320 px, drawn at that size). */
  narrow: TimelineLayout;
  /** How many rows the chart draws (at most TIMELINE_MAX_ROWS, the soonest). */
  drawnCount: number;
  moreThanDrawn: boolean;
  /** Certificates valid beyond the window, not drawn. */
  laterCount: number;
  total: number;
}

interface LayoutSpec {
  width: number;
  fontSize: number;
  /** Labels beside the bars (wide) or above them (narrow). */
  labelsBeside: boolean;
}

const WIDE: LayoutSpec = { width: 880, fontSize: 11, labelsBeside: true };
const NARROW: LayoutSpec = { width: 320, fontSize: 12, labelsBeside: false };
/** In the wide layout, the label column. */
const LABEL_WIDTH = 260;
const BAR = 14;
const MARKER_RADIUS = 5;

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

const round = (value: number) => Math.round(value * 10) / 10;

function layOut(
  spec: LayoutSpec,
  rows: ReadonlyArray<TimelineCertificate & { exactDays: number }>,
  now: DateTime,
): TimelineLayout {
  const { width, fontSize, labelsBeside } = spec;
  const line = Math.ceil(fontSize * 1.4);
  const axisLeft = labelsBeside ? LABEL_WIDTH : MARKER_RADIUS;
  const axisRight = width - MARKER_RADIUS - 5;
  const xOfDays = (days: number) =>
    round(axisLeft + (Math.min(Math.max(days, 0), TIMELINE_DAYS) / TIMELINE_DAYS) * (axisRight - axisLeft));
  const axisHeight = line + 8;
  const rowHeight = labelsBeside ? Math.max(BAR, line) + 6 : line + BAR + 8;
  const marks = rows.map((row, index): TimelineMark => {
    const top = axisHeight + index * rowHeight;
    const y = labelsBeside ? top : top + line;
    const x = xOfDays(row.exactDays);
    const full = `${row.cluster} · ${row.name}`;
    return {
      label: fitText(full, labelsBeside ? LABEL_WIDTH - 10 : width, fontSize).text,
      labelX: 0,
      labelY: labelsBeside ? y + BAR / 2 + fontSize * 0.36 : top + fontSize,
      y,
      centerY: y + BAR / 2,
      x,
      barX: axisLeft,
      barWidth: round(x - axisLeft),
      urgency: row.urgency,
      title: `${row.cluster} ${row.source} ${row.namespace ? `${row.namespace}/` : ''}${row.name}: ${row.expired ? 'expired' : `${row.daysLeft} days left`}`,
    };
  });
  // Tick labels: "today" at the start, the last date at the end, the others centred when they fit between.
  const candidates = [0, 30, 60, 90].map((days) => ({
    x: xOfDays(days),
    label: days === 0 ? 'today' : now.plus({ days }).toFormat('yyyy-MM-dd'),
    anchor: days === 0 ? ('start' as const) : days === TIMELINE_DAYS ? ('end' as const) : ('middle' as const),
  }));
  const extent = (tick: (typeof candidates)[number]) => {
    const w = maxTextWidth(tick.label, fontSize);
    const left = tick.anchor === 'start' ? tick.x : tick.anchor === 'end' ? tick.x - w : tick.x - w / 2;
    return { left, right: left + w };
  };
  const ticks: typeof candidates = [];
  const last = candidates.at(-1)!;
  for (const tick of candidates) {
    const box = extent(tick);
    const clearOfKept = ticks.every((kept) => extent(kept).right + 6 <= box.left);
    const clearOfLast = tick === last || box.right + 6 <= extent(last).left;
    if (clearOfKept && clearOfLast) ticks.push(tick);
  }
  return {
    width,
    height: axisHeight + Math.max(marks.length, 1) * rowHeight,
    fontSize,
    axisLeft,
    axisRight,
    gridTop: line + 2,
    ticks,
    marks,
  };
}

/** Lays out the certificates that expired or expire within TIMELINE_DAYS of `generatedAt`, in both layouts. */
export function buildCertificateTimeline(clusters: readonly ReportCluster[], generatedAt: string): CertificateTimeline {
  const all = certificatesByExpiry(clusters, generatedAt);
  const now = DateTime.fromISO(generatedAt, { zone: 'utc' });
  const horizon = now.plus({ days: TIMELINE_DAYS });
  const rows = all
    .filter((certificate) => DateTime.fromISO(certificate.notAfter, { zone: 'utc' }) <= horizon)
    .map((certificate) => ({
      ...certificate,
      exactDays: DateTime.fromISO(certificate.notAfter, { zone: 'utc' }).diff(now, 'days').days,
    }));
  const drawn = rows.slice(0, TIMELINE_MAX_ROWS);
  return {
    rows,
    wide: layOut(WIDE, drawn, now),
    narrow: layOut(NARROW, drawn, now),
    drawnCount: drawn.length,
    moreThanDrawn: rows.length > TIMELINE_MAX_ROWS,
    laterCount: all.length - rows.length,
    total: all.length,
  };
}
