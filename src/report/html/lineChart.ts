/**
 * Geometry of the compliance/coverage line chart over the report's series. Pure: the template
 * only lays out the numbers computed here (no data ever becomes markup in TypeScript).
 *
 * Periods sit on a time axis: every ISO week from the first point to the last has its place, so
 * a week without a report takes its room instead of being squeezed out. A period without data (a
 * week with no point, or a point whose scores are null) is a gap: the lines stop before it and
 * start again after it, never drawn through it.
 */
import { isoWeekIdAt, isoWeekOrdinal } from '../../core/period.js';
import type { SeriesPoint } from '../schema.js';
import { formatPercent } from './format.js';

export interface ChartPoint {
  x: number;
  y: number;
  /** Tooltip text, e.g. "2026-W48: compliance 72.4%". */
  title: string;
}

export interface ChartLine {
  name: 'compliance' | 'coverage';
  /** One SVG path per unbroken run of known values: a period without data breaks the line. */
  paths: string[];
  points: ChartPoint[];
}

/** A period on the axis without data: drawn as a marked gap. */
export interface ChartGap {
  x: number;
  period: string;
  /** e.g. "2026-W45: no data". */
  title: string;
}

export interface LineChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  gridlines: Array<{ y: number; label: string }>;
  xLabels: Array<{ x: number; label: string }>;
  lines: ChartLine[];
  gaps: ChartGap[];
  /** How many periods the axis spans, first to last, those without data included. */
  periods: number;
  empty: boolean;
}

export interface LineChartSize {
  width: number;
  height: number;
  /** Space for the axis labels; default { left: 44, right: 16, top: 12, bottom: 30 }. */
  margin?: { left: number; right: number; top: number; bottom: number };
  /**
   * The least room between two period labels; labels are then shown for every n-th period,
   * counted back from the last (which is always labelled). Default 0: every period.
   */
  minLabelSpacing?: number;
}

const MARGIN = { left: 44, right: 16, top: 12, bottom: 30 } as const;
const round = (value: number) => Math.round(value * 10) / 10;

interface Slot {
  period: string;
  point: SeriesPoint | undefined;
}

/**
 * One slot per period of the axis. ISO weeks (what reports cover) are placed on the time axis,
 * from the first to the last; any other id (not written by fleetledger) falls back to one slot
 * per point in the order given, so such a series still draws.
 */
function slotsOf(series: readonly SeriesPoint[]): Slot[] {
  const ordinals = series.map((point) => isoWeekOrdinal(point.period));
  if (series.length === 0 || ordinals.some((ordinal) => ordinal === null)) {
    return series.map((point) => ({ period: point.period, point }));
  }
  const byOrdinal = new Map(series.map((point, index) => [ordinals[index]!, point]));
  const first = Math.min(...byOrdinal.keys());
  const last = Math.max(...byOrdinal.keys());
  return Array.from({ length: last - first + 1 }, (_, offset) => ({
    period: isoWeekIdAt(first + offset),
    point: byOrdinal.get(first + offset),
  }));
}

const hasData = (point: SeriesPoint | undefined): point is SeriesPoint =>
  point !== undefined && (point.compliance !== null || point.coverage !== null);

/**
 * Lays out the series (oldest first) on a 0–100% axis, one place per ISO week.
 *
 * @example
 * const chart = buildLineChart(doc.trend.series.fleet, { width: 640, height: 220, minLabelSpacing: 30 });
 * // chart.lines[0].paths -> ['M44,120L97.6,110', 'M204.8,90L258.4,84'] (a gap in between)
 */
export function buildLineChart(
  series: readonly SeriesPoint[],
  size: LineChartSize = { width: 640, height: 220 },
): LineChart {
  const margin = size.margin ?? MARGIN;
  const plot = {
    left: margin.left,
    top: margin.top,
    right: size.width - margin.right,
    bottom: size.height - margin.bottom,
  };
  const plotWidth = plot.right - plot.left;
  const plotHeight = plot.bottom - plot.top;
  const slots = slotsOf(series);
  const xOf = (index: number) =>
    round(slots.length <= 1 ? plot.left + plotWidth / 2 : plot.left + (index * plotWidth) / (slots.length - 1));
  const yOf = (ratio: number) => round(plot.bottom - Math.min(Math.max(ratio, 0), 1) * plotHeight);

  const gridlines = [0, 0.25, 0.5, 0.75, 1].map((ratio) => ({ y: yOf(ratio), label: `${ratio * 100}%` }));
  const spacing = slots.length <= 1 ? plotWidth : plotWidth / (slots.length - 1);
  const every = Math.max(1, Math.ceil((size.minLabelSpacing ?? 0) / spacing));
  const xLabels = slots.flatMap((slot, index) =>
    (slots.length - 1 - index) % every === 0 ? [{ x: xOf(index), label: slot.period.replace(/^\d{4}-/, '') }] : [],
  );
  const gaps = slots.flatMap((slot, index) =>
    hasData(slot.point) ? [] : [{ x: xOf(index), period: slot.period, title: `${slot.period}: no data` }],
  );

  const lineOf = (name: ChartLine['name']): ChartLine => {
    const paths: string[] = [];
    const points: ChartPoint[] = [];
    let current = '';
    slots.forEach((slot, index) => {
      const value = slot.point?.[name] ?? null;
      if (value === null) {
        if (current) paths.push(current);
        current = '';
        return;
      }
      const x = xOf(index);
      const y = yOf(value);
      current += `${current ? 'L' : 'M'}${x},${y}`;
      points.push({ x, y, title: `${slot.period}: ${name} ${formatPercent(value)}` });
    });
    if (current) paths.push(current);
    return { name, paths, points };
  };

  const lines = [lineOf('compliance'), lineOf('coverage')];
  return {
    width: size.width,
    height: size.height,
    plot,
    gridlines,
    xLabels,
    lines,
    gaps,
    periods: slots.length,
    empty: lines.every((line) => line.points.length === 0),
  };
}
