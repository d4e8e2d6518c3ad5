/** Geometry of the horizontal "open findings by severity" bars. Pure. */
import { SEVERITIES, type Severity, type SeverityCounts } from '../../evaluate/types.js';

export interface SeverityBar {
  severity: Severity;
  count: number;
  y: number;
  width: number;
}

export interface SeverityBars {
  width: number;
  height: number;
  /** Where bars start (after the severity label). */
  barLeft: number;
  /** Width of the full-length track behind each bar. */
  trackWidth: number;
  barHeight: number;
  bars: SeverityBar[];
}

const LABEL_WIDTH = 72;
const COUNT_WIDTH = 44;
const ROW = 26;
const BAR_HEIGHT = 16;

/**
 * One bar per severity, critical first, widths proportional to the largest count; a non-zero
 * count always gets at least 2px so it stays visible next to a large one.
 */
export function buildSeverityBars(counts: SeverityCounts, width = 360): SeverityBars {
  const max = Math.max(...SEVERITIES.map((severity) => counts[severity]), 0);
  const track = width - LABEL_WIDTH - COUNT_WIDTH;
  const bars = SEVERITIES.map((severity, index) => {
    const count = counts[severity];
    const scaled = max === 0 ? 0 : (count / max) * track;
    return {
      severity,
      count,
      y: index * ROW + (ROW - BAR_HEIGHT) / 2,
      width: count === 0 ? 0 : Math.max(2, Math.round(scaled * 10) / 10),
    };
  });
  return {
    width,
    height: SEVERITIES.length * ROW,
    barLeft: LABEL_WIDTH,
    trackWidth: track,
    barHeight: BAR_HEIGHT,
    bars,
  };
}
