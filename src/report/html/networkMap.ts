/**
 * Geometry of the cross-cluster network map: every cluster's pod ranges, Service ranges and IP
 * pools on one address axis, so ranges that collide line up vertically.
 *
 * A linear axis over all of IPv4 would shrink a /16 to nothing next to 10.0.0.0/8 and
 * 192.168.0.0/16, so the axis is broken into regions: the merged extents of all ranges, each
 * given an equal share of the width and scaled linearly inside. Overlapping ranges always fall in
 * the same region. Pure.
 */
import ipaddr from 'ipaddr.js';
import type { ReportCluster, ReportFinding } from '../schema.js';

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
  title: string;
}

export interface MapRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
}

export interface NetworkMap {
  width: number;
  height: number;
  labelWidth: number;
  laneHeight: number;
  rows: Array<{ cluster: string; y: number; height: number; labelY: number }>;
  regions: MapRegion[];
  bars: MapBar[];
  /** Ranges that could not be placed (not a CIDR). */
  unplaceable: ClusterRange[];
  /** Every range, overlapping ones first, for the table next to the map. */
  ranges: ClusterRange[];
}

export const CIDR_OVERLAP_RULE = 'CIDR-OVERLAP';

const KINDS: readonly RangeKind[] = ['pod', 'service', 'pool'];
const LABEL_WIDTH = 150;
const LANE = 9;
const ROW_GAP = 10;
const AXIS_HEIGHT = 30;
const REGION_GAP = 14;
/** Regions are drawn from just under their labels to the bottom. */
const REGION_TOP = 22;

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

function mergeRegions(parsed: readonly ParsedRange[]): ParsedRange[] {
  const sorted = [...parsed].sort((a, b) =>
    a.family !== b.family ? (a.family === 'ipv4' ? -1 : 1) : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const regions: ParsedRange[] = [];
  for (const range of sorted) {
    const last = regions.at(-1);
    if (last && last.family === range.family && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else {
      regions.push({ ...range });
    }
  }
  return regions;
}

/** Fraction of the way from start to end (inclusive range), as a float in [0, 1]. */
function fraction(value: bigint, region: ParsedRange): number {
  const span = region.end - region.start + 1n;
  return Number(((value - region.start) * 1_000_000n) / span) / 1_000_000;
}

/**
 * Lays out the ranges: one row per cluster (in the given order) with a lane per kind (pod,
 * Service, pool), regions along the x axis.
 */
export function buildNetworkMap(
  clusters: readonly ReportCluster[],
  findings: readonly ReportFinding[],
  width = 880,
): NetworkMap {
  const ranges = clusterRanges(clusters, findings);
  const placed = ranges.map((range) => ({ range, parsed: parseRange(range.cidr) }));
  const regionExtents = mergeRegions(placed.flatMap(({ parsed }) => (parsed ? [parsed] : [])));

  const track = width - LABEL_WIDTH;
  const regionWidth =
    regionExtents.length === 0 ? 0 : (track - REGION_GAP * (regionExtents.length - 1)) / regionExtents.length;
  const regionX = (index: number) => LABEL_WIDTH + index * (regionWidth + REGION_GAP);
  const regions: MapRegion[] = regionExtents.map((region, index) => ({
    x: Math.round(regionX(index) * 10) / 10,
    y: REGION_TOP,
    width: Math.round(regionWidth * 10) / 10,
    height: 0,
    label: `${addressText(region.family, region.start)} – ${addressText(region.family, region.end)}`,
  }));

  const clusterNames = clusters.filter((cluster) => cluster.facts).map((cluster) => cluster.name);
  const rowHeight = KINDS.length * LANE + ROW_GAP;
  const rows = clusterNames.map((cluster, index) => {
    const y = AXIS_HEIGHT + index * rowHeight;
    return { cluster, y, height: KINDS.length * LANE, labelY: y + (KINDS.length * LANE) / 2 + 4 };
  });
  const rowY = new Map(rows.map((row) => [row.cluster, row.y]));

  const bars: MapBar[] = [];
  const unplaceable: ClusterRange[] = [];
  for (const { range, parsed } of placed) {
    const regionIndex = parsed
      ? regionExtents.findIndex(
          (region) => region.family === parsed.family && parsed.start >= region.start && parsed.end <= region.end,
        )
      : -1;
    const region = regionExtents[regionIndex];
    if (!parsed || !region) {
      unplaceable.push(range);
      continue;
    }
    const left = regionX(regionIndex) + fraction(parsed.start, region) * regionWidth;
    const right = regionX(regionIndex) + fraction(parsed.end + 1n, region) * regionWidth;
    const kindLabel = range.kind === 'pool' ? `IP pool ${range.name ?? ''}`.trim() : `${range.kind} range`;
    bars.push({
      ...range,
      x: Math.round(left * 10) / 10,
      y: (rowY.get(range.cluster) ?? 0) + KINDS.indexOf(range.kind) * LANE + 1,
      width: Math.max(3, Math.round((right - left) * 10) / 10),
      title: `${range.cluster}: ${kindLabel} ${range.cidr}${range.overlap ? ' (overlap)' : ''}`,
    });
  }

  const height = AXIS_HEIGHT + rows.length * rowHeight;
  for (const region of regions) region.height = height - REGION_TOP;
  const sortedRanges = [...ranges].sort((a, b) => Number(b.overlap) - Number(a.overlap));
  return {
    width,
    height,
    labelWidth: LABEL_WIDTH,
    laneHeight: LANE - 2,
    rows,
    regions,
    bars,
    unplaceable,
    ranges: sortedRanges,
  };
}
