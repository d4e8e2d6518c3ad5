/**
 * Narrowing helpers for Kubernetes JSON (unknown in, typed values out): every object read from a
 * cluster is untrusted and may lack any field.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of keys, or undefined. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A whole number, or null: clusters do serve `blockSize: 26.5`, and the schema wants integers where counts are meant. */
export function int(value: unknown): number | null {
  return Number.isSafeInteger(value) ? (value as number) : null;
}

export function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

export function records(value: unknown): JsonRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A map of string values (labels, quota amounts); other values are dropped, numbers kept as text. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number') out[key] = String(v);
  }
  return out;
}

/** An RFC 3339 time as ISO 8601 UTC with milliseconds, or null when absent or unreadable. */
export function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function metadataOf(item: unknown): { namespace: string | null; name: string } {
  return { namespace: str(at(item, 'metadata', 'namespace')), name: str(at(item, 'metadata', 'name')) ?? '' };
}

/** The condition of a type in `status.conditions[]`. */
export function conditionOf(item: unknown, type: string): JsonRecord | undefined {
  return records(at(item, 'status', 'conditions')).find((c) => c['type'] === type);
}
