/**
 * One schema check per snapshot: the collector checks each snapshot it builds (quarantining invalid
 * sections) and the ledger checks each snapshot it stores; on a large cluster the second check of the
 * same object cost a quarter of a second. A snapshot the schema returned is remembered (by identity),
 * and checking it again returns it as it is. Snapshots are plain data nobody changes after the check.
 */
import { Snapshot } from './schema.js';

const validated = new WeakSet<object>();

/** The snapshot as the schema returns it (ZodError when invalid); one checked before is returned as is. */
export function validSnapshot(value: unknown): Snapshot {
  if (typeof value === 'object' && value !== null && validated.has(value)) return value as Snapshot;
  const parsed = Snapshot.parse(value);
  validated.add(parsed);
  return parsed;
}

/** The snapshot the schema returned from a successful safeParse, remembered as checked. */
export function rememberValidated(snapshot: Snapshot): Snapshot {
  validated.add(snapshot);
  return snapshot;
}
