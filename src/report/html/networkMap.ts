/**
 * Geometry of the cross-cluster network map: every cluster's pod ranges, Service ranges and IP
 * pools on one address axis, so ranges that collide line up vertically.
 *
 * A linear axis over all of IPv4 would shrink a /16 to nothing next to 10.0.0.0/8 and
 * 192.168.0.0/16, so the axis is broken into blocks: the merged extents of all ranges (the
 * closest ones merged further until at most MAX_BLOCKS remain), each given an equal share of the
 * width and drawn to scale inside: within a block, x is linear in the address. Overlapping ranges
 * always fall in the same block. A range too small to see at its block's scale is drawn as a
 * marker (and says so in its tooltip), never widened.
 *
 * Two layouts of the same blocks: `wide` for a page at least 760 px wide and `narrow` for a phone
 * (320 px, drawn at its own size rather than the wide one shrunk, so text stays readable). Every
 * label has a line of its own or is fitted to its block with an upper bound of its width
 * (textWidth.ts), so no label overlaps another or a bar, whatever font renders it. Pure.
 */
import ipaddr from 'ipaddr.js';
import type { ReportCluster, ReportFinding } from '../schema.js';
import { fitText, maxTextWidth } from './textWidth.js';

export type RangeKind = 'pod' | 'service' | 'pool';

export interface ClusterRange {
  cluster: string;
  kind: RangeKind;
  cidr: string;
  /** For IP pools: the pool name. */
  name: string | null;
  /** Named in a CIDR-OVERLAP finding about this cluster. */
  overlap: boolean;
  /** Disabled IP pool. */
  disabled: boolean;
}

export interface MapBar extends ClusterRange {
  x: number;
  y: number;
  width: number;
  /** Too small to draw to scale: drawn as a marker of MARKER_WIDTH. */
  marker: boolean;
  title: string;
}

/** One stretch of the address axis, numbered from 1 in address order. */
export interface MapBlock {
  number: number;
  /** "10.96.0.0 – 10.111.255.255" */
  range: string;
  addresses: string;
}

export interface MapBlockView {
  number: number;
  x: number;
  width: number;
  /** The block's label in the chart: its range when that fits, else its number (see the key). */
  label: string;
}

export interface MapRow {
  cluster: string;
  /** The cluster name fitted to the chart width (the full name is in `cluster`). */
  label: string;
  labelY: number;
  /** Top of the first lane. */
  y: number;
}

export interface NetworkMapLayout {
  width: number;
  height: number;
  fontSize: number;
  laneHeight: number;
  /** Blocks are drawn from just under their labels to the bottom. */
  blockTop: number;
  blockHeight: number;
  blocks: MapBlockView[];
  rows: MapRow[];
  bars: MapBar[];
}

export interface NetworkMap {
  wide: NetworkMapLayout;
  narrow: NetworkMapLayout;
  /** The blocks of the axis, for the key under the chart. */
  blocks: MapBlock[];
  /** Ranges that could not be placed (not a CIDR). */
  unplaceable: ClusterRange[];
  /** Every range, overlapping ones first, for the table next to the map. */
  ranges: ClusterRange[];
  /** Some range is drawn as a marker rather than to scale. */
  hasMarkers: boolean;
}

export const CIDR_OVERLAP_RULE = 'CIDR-OVERLAP';

const KINDS: readonly RangeKind[] = ['pod', 'service', 'pool'];
/** At most this many blocks: more would leave each too narrow to read. */
export const MAX_BLOCKS = 4;
/** Ranges narrower than this at their block's scale are drawn as markers this wide. */
const MARKER_WIDTH = 2;

interface LayoutSpec {
  width: number;
  fontSize: number;
  blockGap: number;
}

export const WIDE_LAYOUT: LayoutSpec = { width: 880, fontSize: 11, blockGap: 14 };
/** A 390 px phone shows 320 px of chart (page and panel padding): drawn at that size. */
export const NARROW_LAYOUT: LayoutSpec = { width: 320, fontSize: 12, blockGap: 8 };
const LANE = 9;
const ROW_GAP = 10;

interface ParsedRange {
  family: 'ipv4' | 'ipv6';
  start: bigint;
  /** Inclusive. */
  end: bigint;
}

function parseRange(cidr: string): ParsedRange | null {
  if (!ipaddr.isValidCIDR(cidr)) return null;
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const bytes = address.toByteArray();
  const bits = bytes.length * 8;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const size = 1n << BigInt(bits - prefix);
  const start = value - (value % size);
  return { family: address.kind(), start, end: start + size - 1n };
}

function addressText(family: ParsedRange['family'], value: bigint): string {
  const length = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let index = length - 1; index >= 0; index--) bytes.push(Number((value >> BigInt(index * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    into.add(value);
    for (const token of value.split(/[\s,;()'"]+/)) if (token) into.add(token);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
}

/** `evidence.ranges` as written by the CIDR-OVERLAP rule: [{ cluster, cidr, ... }], or null. */
function evidenceRanges(evidence: Record<string, unknown>): Array<{ cluster: string; cidr: string }> | null {
  const ranges = evidence['ranges'];
  if (!Array.isArray(ranges)) return null;
  const pairs: Array<{ cluster: string; cidr: string }> = [];
  for (const range of ranges) {
    if (range === null || typeof range !== 'object') return null;
    const { cluster, cidr } = range as Record<string, unknown>;
    if (typeof cluster !== 'string' || typeof cidr !== 'string') return null;
    pairs.push({ cluster, cidr });
  }
  return pairs;
}

/**
 * (cluster, cidr) pairs named by CIDR-OVERLAP findings: exactly the ranges of `evidence.ranges`
 * when the finding has them; otherwise every CIDR mentioned in its resource, message or evidence,
 * for each of its clusters.
 */
export function overlappingRanges(findings: readonly ReportFinding[]): Set<string> {
  const pairs = new Set<string>();
  for (const finding of findings) {
    if (finding.rule !== CIDR_OVERLAP_RULE) continue;
    const exact = evidenceRanges(finding.evidence);
    if (exact) {
      for (const { cluster, cidr } of exact) pairs.add(rangeId(cluster, cidr));
      continue;
    }
    const texts = new Set<string>();
    collectStrings([finding.resource, finding.message, finding.evidence], texts);
    const cidrs = [...texts].filter((text) => ipaddr.isValidCIDR(text));
    const clusters = finding.clusters ?? (finding.cluster !== undefined ? [finding.cluster] : []);
    for (const cluster of clusters) for (const cidr of cidrs) pairs.add(rangeId(cluster, cidr));
  }
  return pairs;
}

const rangeId = (cluster: string, cidr: string) => JSON.stringify([cluster, cidr]);

/** Every range of every cluster that has facts, flagged when a CIDR-OVERLAP finding names it. */
export function clusterRanges(clusters: readonly ReportCluster[], findings: readonly ReportFinding[]): ClusterRange[] {
  const overlaps = overlappingRanges(findings);
  const ranges: ClusterRange[] = [];
  for (const cluster of clusters) {
    const facts = cluster.facts;
    if (!facts) continue;
    const add = (kind: RangeKind, cidr: string, name: string | null, disabled: boolean) =>
      ranges.push({
        cluster: cluster.name,
        kind,
        cidr,
        name,
        overlap: overlaps.has(rangeId(cluster.name, cidr)),
        disabled,
      });
    for (const cidr of facts.podCIDRs) add('pod', cidr, null, false);
    for (const cidr of facts.serviceCIDRs) add('service', cidr, null, false);
    for (const pool of facts.ipPools) add('pool', pool.cidr, pool.name, pool.disabled);
  }
  return ranges;
}

function compareRanges(a: ParsedRange, b: ParsedRange): number {
  if (a.family !== b.family) return a.family === 'ipv4' ? -1 : 1;
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

/**
 * The blocks of the axis: the merged extents of all ranges, then, while there are more than
 * `maxBlocks`, the two neighbours (of one family) whose union is smallest merged, so small ranges
 * stay apart from large ones as long as possible.
 */
export function axisBlocks(parsed: readonly ParsedRange[], maxBlocks = MAX_BLOCKS): ParsedRange[] {
  const blocks: ParsedRange[] = [];
  for (const range of [...parsed].sort(compareRanges)) {
    const last = blocks.at(-1);
    if (last && last.family === range.family && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else {
      blocks.push({ ...range });
    }
  }
  while (blocks.length > maxBlocks) {
    let best = -1;
    let bestSpan = 0n;
    for (let index = 0; index + 1 < blocks.length; index++) {
      const [left, right] = [blocks[index]!, blocks[index + 1]!];
      if (left.family !== right.family) continue;
      const span = right.end - left.start;
      if (best === -1 || span < bestSpan) [best, bestSpan] = [index, span];
    }
    // Only blocks of different families are left: at most two, within any sensible maximum.
    if (best === -1) break;
    blocks[best]!.end = blocks[best + 1]!.end;
    blocks.splice(best + 1, 1);
  }
  return blocks;
}

/** Fraction of the way from start to end (inclusive range), as a float in [0, 1]. */
function fraction(value: bigint, block: ParsedRange): number {
  const span = block.end - block.start + 1n;
  return Number(((value - block.start) * 1_000_000_000n) / span) / 1_000_000_000;
}

const round = (value: number) => Math.round(value * 100) / 100;

function blockRangeText(block: ParsedRange): string {
  return `${addressText(block.family, block.start)} – ${addressText(block.family, block.end)}`;
}

function layOut(
  spec: LayoutSpec,
  clusterNames: readonly string[],
  blocks: readonly ParsedRange[],
  placed: ReadonlyArray<{ range: ClusterRange; parsed: ParsedRange; block: number }>,
): NetworkMapLayout {
  const { width, fontSize, blockGap } = spec;
  const line = Math.ceil(fontSize * 1.4);
  const blockWidth = blocks.length === 0 ? 0 : (width - blockGap * (blocks.length - 1)) / blocks.length;
  const blockX = (index: number) => index * (blockWidth + blockGap);
  const blockViews = blocks.map((block, index) => {
    const full = `${index + 1} · ${blockRangeText(block)}`;
    return {
      number: index + 1,
      x: round(blockX(index)),
      width: round(blockWidth),
      label: maxTextWidth(full, fontSize) <= blockWidth - 4 ? full : String(index + 1),
    };
  });
  // Each cluster: its name on a line of its own, then one lane per kind.
  const blockTop = line + 4;
  const rowHeight = line + KINDS.length * LANE + ROW_GAP;
  const rows = clusterNames.map((cluster, index) => {
    const top = blockTop + 6 + index * rowHeight;
    return { cluster, label: fitText(cluster, width, fontSize).text, labelY: top + fontSize, y: top + line };
  });
  const rowY = new Map(rows.map((row) => [row.cluster, row.y]));
  const bars = placed.map(({ range, parsed, block: index }): MapBar => {
    const block = blocks[index]!;
    const left = blockX(index) + fraction(parsed.start, block) * blockWidth;
    const right = blockX(index) + fraction(parsed.end + 1n, block) * blockWidth;
    const marker = right - left < MARKER_WIDTH;
    const kindLabel = range.kind === 'pool' ? `IP pool ${range.name ?? ''}`.trim() : `${range.kind} range`;
    const x = marker
      ? Math.min(Math.max(blockX(index), (left + right - MARKER_WIDTH) / 2), width - MARKER_WIDTH)
      : left;
    return {
      ...range,
      x: round(x),
      y: (rowY.get(range.cluster) ?? 0) + KINDS.indexOf(range.kind) * LANE,
      width: marker ? MARKER_WIDTH : round(right - left),
      marker,
      title: `${range.cluster}: ${kindLabel} ${range.cidr}${range.overlap ? ' (overlap)' : ''}${marker ? ' (too small to draw to scale: marker)' : ''}`,
    };
  });
  const height = blockTop + 6 + rows.length * rowHeight;
  return {
    width,
    height,
    fontSize,
    laneHeight: LANE - 2,
    blockTop,
    blockHeight: height - blockTop,
    blocks: blockViews,
    rows,
    bars,
  };
}

/**
 * Lays out the ranges of every cluster that has facts (in the given order), in both layouts.
 *
 * @example
 * const map = buildNetworkMap(doc.clusters, doc.findings);
 * // map.wide.bars, map.narrow.bars, map.blocks (the key)
 */
export function buildNetworkMap(clusters: readonly ReportCluster[], findings: readonly ReportFinding[]): NetworkMap {
  const ranges = clusterRanges(clusters, findings);
  const parsedRanges = ranges.map((range) => ({ range, parsed: parseRange(range.cidr) }));
  const blocks = axisBlocks(parsedRanges.flatMap(({ parsed }) => (parsed ? [parsed] : [])));
  const placed: Array<{ range: ClusterRange; parsed: ParsedRange; block: number }> = [];
  const unplaceable: ClusterRange[] = [];
  for (const { range, parsed } of parsedRanges) {
    // A node's Pod CIDR inside its cluster's Pod range adds nothing to the drawing (the table lists it).
    const covered =
      parsed !== null &&
      parsedRanges.some(
        (other) =>
          other.range !== range &&
          other.range.cluster === range.cluster &&
          other.range.kind === range.kind &&
          (other.range.overlap || !range.overlap) &&
          other.parsed !== null &&
          other.parsed.family === parsed.family &&
          other.parsed.start <= parsed.start &&
          other.parsed.end >= parsed.end &&
          (other.parsed.end - other.parsed.start > parsed.end - parsed.start || other.range.cidr < range.cidr),
      );
    if (covered) continue;
    const block = parsed
      ? blocks.findIndex((b) => b.family === parsed.family && parsed.start >= b.start && parsed.end <= b.end)
      : -1;
    if (parsed && block >= 0) placed.push({ range, parsed, block });
    else unplaceable.push(range);
  }
  const clusterNames = clusters.filter((cluster) => cluster.facts).map((cluster) => cluster.name);
  const wide = layOut(WIDE_LAYOUT, clusterNames, blocks, placed);
  const narrow = layOut(NARROW_LAYOUT, clusterNames, blocks, placed);
  return {
    wide,
    narrow,
    blocks: blocks.map((block, index) => ({
      number: index + 1,
      range: blockRangeText(block),
      addresses: (block.end - block.start + 1n).toLocaleString('en-US'),
    })),
    unplaceable,
    ranges: [...ranges].sort((a, b) => Number(b.overlap) - Number(a.overlap)),
    hasMarkers: wide.bars.some((bar) => bar.marker) || narrow.bars.some((bar) => bar.marker),
  };
}
