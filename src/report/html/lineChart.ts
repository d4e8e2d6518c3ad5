/**
 * Geometry of the 12-period compliance/coverage line chart. Pure: the template only lays out the
 * numbers computed here (no data ever becomes markup in TypeScript).
 */
import type { SeriesPoint } from '../schema.js';
import { formatPercent } from './format.js';

export interface ChartPoint {
  x: number;
  y: number;
  /** Tooltip text, e.g. "2026-W48: 72.4%". */
  title: string;
}

export interface ChartLine {
  name: 'compliance' | 'coverage';
  /** One SVG path per unbroken run of known values: a period without data breaks the line. */
  paths: string[];
  points: ChartPoint[];
}

export interface LineChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  gridlines: Array<{ y: number; label: string }>;
  xLabels: Array<{ x: number; label: string }>;
  lines: ChartLine[];
  empty: boolean;
}

export interface LineChartSize {
  width: number;
  height: number;
  /** Space for the axis labels; default { left: 44, right: 16, top: 12, bottom: 30 }. */
  margin?: { left: number; right: number; top: number; bottom: number };
}

const MARGIN = { left: 44, right: 16, top: 12, bottom: 30 } as const;
const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Lays out the series (oldest first) on a 0–100% axis, periods evenly spaced.
 *
 * @example
 * const chart = buildLineChart(doc.trend.series.fleet);
 * // chart.lines[0].paths -> ['M44,120L97.6,110', ...]
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
  const xOf = (index: number) =>
    round(series.length <= 1 ? plot.left + plotWidth / 2 : plot.left + (index * plotWidth) / (series.length - 1));
  const yOf = (ratio: number) => round(plot.bottom - Math.min(Math.max(ratio, 0), 1) * plotHeight);

  const gridlines = [0, 0.25, 0.5, 0.75, 1].map((ratio) => ({ y: yOf(ratio), label: `${ratio * 100}%` }));
  const xLabels = series.map((point, index) => ({ x: xOf(index), label: point.period.replace(/^\d{4}-/, '') }));

  const lineOf = (name: ChartLine['name']): ChartLine => {
    const paths: string[] = [];
    const points: ChartPoint[] = [];
    let current = '';
    series.forEach((point, index) => {
      const value = point[name];
      if (value === null) {
        if (current) paths.push(current);
        current = '';
        return;
      }
      const x = xOf(index);
      const y = yOf(value);
      current += `${current ? 'L' : 'M'}${x},${y}`;
      points.push({ x, y, title: `${point.period}: ${name} ${formatPercent(value)}` });
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
    empty: lines.every((line) => line.points.length === 0),
  };
}
