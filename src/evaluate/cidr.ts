/**
 * CIDR range math with bigint, for IPv4 and IPv6 alike. ipaddr.js parses; the comparison is done
 * on [first, last] address intervals, so adjacent ranges (10.0.0.0/24, 10.0.1.0/24) do not overlap
 * and the intersection of two overlapping CIDRs is always the smaller one.
 */
import ipaddr from 'ipaddr.js';

export interface CidrRange {
  family: 'ipv4' | 'ipv6';
  /** Canonical text, network address and prefix, e.g. 10.0.0.0/16, fd00::/48. */
  cidr: string;
  prefix: number;
  first: bigint;
  last: bigint;
}

function bytesToBigint(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function bigintToBytes(value: bigint, length: number): number[] {
  const bytes: number[] = new Array(length).fill(0);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/**
 * Parses `10.0.0.0/16`, `fd00:10::/64`, or a single address (taken as /32 or /128, e.g. the
 * Service ClusterIP fallback). Host bits are cleared. Null for text that is not an address.
 */
export function parseCidr(text: string): CidrRange | null {
  const trimmed = text.trim();
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    if (trimmed.includes('/')) {
      [address, prefix] = ipaddr.parseCIDR(trimmed);
    } else {
      address = ipaddr.parse(trimmed);
      prefix = address.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    return null;
  }
  const family = address.kind();
  const width = family === 'ipv4' ? 32 : 128;
  const bytes = address.toByteArray();
  const hostBits = BigInt(width - prefix);
  const first = (bytesToBigint(bytes) >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  const network = ipaddr.fromByteArray(bigintToBytes(first, bytes.length));
  return { family, cidr: `${network.toString()}/${prefix}`, prefix, first, last };
}

/** The common addresses of two ranges as a CIDR, or null when they do not overlap. */
export function intersectCidrs(a: CidrRange, b: CidrRange): CidrRange | null {
  if (a.family !== b.family) return null;
  if (a.first > b.last || b.first > a.last) return null;
  // Two CIDR blocks either are disjoint or one contains the other.
  return a.prefix >= b.prefix ? a : b;
}

export function containsCidr(outer: CidrRange, inner: CidrRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}
