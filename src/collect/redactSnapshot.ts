/**
 * The last step of collecting a cluster, before the snapshot is stored, printed or logged: every
 * string in it goes through the one redaction module (src/core/redaction.ts). Every field at once
 * rather than field by field in each collector, so a field added later cannot be forgotten; the
 * fields fleetledger itself writes (names, timestamps, fingerprints) hold nothing that matches.
 * The snapshot records how many markers it holds, by kind (`meta.redactions`).
 */
import { redactCredentialsDeep } from '../core/redaction.js';
import type { Snapshot } from '../snapshot/schema.js';

/**
 * The snapshot with every credential found in its text replaced by a `[REDACTED:<kind>]` marker,
 * and `meta.redactions` counting the markers by kind (absent when there are none).
 */
export function redactSnapshot(snapshot: Snapshot): Snapshot {
  const { meta, ...rest } = snapshot;
  const { redactions: _recount, ...metaText } = meta;
  const { value, markers } = redactCredentialsDeep({ meta: metaText, ...rest });
  if (markers.size === 0) return value as Snapshot;
  const redactions = Object.fromEntries([...markers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...value, meta: { ...value.meta, redactions } } as Snapshot;
}
