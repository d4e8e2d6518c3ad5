/**
 * The shapes the reading layer relies on in an API server's JSON: a list page (an object with an
 * `items` array of objects and an optional string continue token) and a discovery document (an
 * object with a `resources` array). An answer of another shape is a problem named by its field,
 * which the reading layer records as the request's error: reading `items: {}` as an empty list
 * would report a cluster without namespaces, quotas or policies that it does not have.
 */

export interface ListPage {
  readonly items: readonly Record<string, unknown>[];
  readonly continueToken: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "an array", "null", "a string" ...: what a JSON value is, for a message. */
export function jsonTypeOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `field: expected X, got Y` when `value` is no array of objects; the objects otherwise (null: none). */
function arrayOfObjects(value: unknown, field: string): Record<string, unknown>[] | string {
  // Go servers write a nil slice as null.
  if (value === null) return [];
  if (!Array.isArray(value)) return `${field}: expected an array, got ${jsonTypeOf(value)}`;
  const index = value.findIndex((item) => !isRecord(item));
  if (index >= 0) return `${field}[${index}]: expected an object, got ${jsonTypeOf(value[index])}`;
  return value as Record<string, unknown>[];
}

/** The items and continue token of a list answer, or the problem with its shape. */
export function listPageOf(document: unknown): ListPage | string {
  if (!isRecord(document)) return `expected a JSON object, got ${jsonTypeOf(document)}`;
  const items = arrayOfObjects(document['items'], 'items');
  if (typeof items === 'string') return items;
  const metadata = document['metadata'] ?? {};
  if (!isRecord(metadata)) return `metadata: expected an object, got ${jsonTypeOf(metadata)}`;
  const next = metadata['continue'] ?? '';
  if (typeof next !== 'string') return `metadata.continue: expected a string, got ${jsonTypeOf(next)}`;
  return { items, continueToken: next === '' ? undefined : next };
}

/** The resource entries of a discovery document (APIResourceList), or the problem with its shape. */
export function discoveryResourcesOf(document: unknown): Record<string, unknown>[] | string {
  if (!isRecord(document)) return `expected a JSON object, got ${jsonTypeOf(document)}`;
  return arrayOfObjects(document['resources'] ?? null, 'resources');
}
