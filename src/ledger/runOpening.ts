/**
 * A run's opening record: written before any of the run's objects, it says which objects the run
 * may write (its scope) and until when (its window). A run that completes links its opening from
 * its manifest. A run that dies (killed, out of memory, the store gone) leaves the opening and
 * whatever it wrote; the first run after the window ends closes it, recording those leftovers as
 * abandoned (never evidence). So the leftovers of an interrupted run are accounted for, and an
 * object that no run opened or recorded still stands out (see verify.ts).
 *
 * The opening is one object, a DSSE envelope of the opening document: written in one put, it is
 * either there and signed, or not there at all.
 */
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import * as z from 'zod';
import { isoUtc } from '../core/clock.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import { type Envelope, payloadOf, sealEnvelope } from '../signing/dsse.js';
import type { Signer, VerificationKey } from '../signing/signer.js';
import { envelopeProblem, parseEnvelope, type RecordSignatureProblem } from './attestation.js';
import { HEADS_INDEX_PREFIX, keyInstant, openingKey, parseManifestEnvelopeKey, parseOpeningKey } from './keys.js';
import { MANIFEST_HASH_DIGITS } from './manifest.js';
import { CorruptObjectError, encodeJson, parseJsonObject, sha256Hex, writeJson } from './objects.js';
import type { LedgerStore } from './store.js';

export const RUN_OPENING_PAYLOAD_TYPE = 'application/vnd.fleetledger.run-opening+json';

/**
 * How long a run may write after its start. Runs take minutes (a Lambda at most 15); the window
 * is wide so that no real run outlives it, and narrow enough that the next day's run closes an
 * interrupted one. A run refuses to write past its window (see LedgerRun).
 */
export const RUN_WINDOW = { hours: 12 } as const;

export const RunScope = z.object({
  /** Exact keys the run may write (a report's files). */
  keys: z.array(z.string()),
  /** Prefixes under which the run may write keys whose time is inside its window (snapshots of its clusters). */
  prefixes: z.array(z.string()),
});
export type RunScope = z.infer<typeof RunScope>;

export const RunOpening = z.object({
  format: z.literal('fleetledger-run-opening'),
  formatVersion: z.literal(1),
  kind: z.enum(['snapshot', 'report']),
  runAt: z.iso.datetime({ offset: false }),
  /** End of the window (exclusive): the run writes nothing later, and a run at or after it may close this one. */
  until: z.iso.datetime({ offset: false }),
  fleetledgerVersion: z.string(),
  backfill: z.literal(true).optional(),
  scope: RunScope,
  /** Random: two runs opened at the same instant with the same scope still get two records. */
  nonce: z.string(),
});
export type RunOpening = z.infer<typeof RunOpening>;

/** An opening as stored: its key, the hash of the stored envelope, the envelope and the document. */
export interface StoredOpening {
  key: string;
  size: number;
  sha256: string;
  envelope: Envelope;
  opening: RunOpening;
}

/** The opening document of a run starting now. */
export function runOpening(plan: {
  kind: RunOpening['kind'];
  runAt: DateTime;
  scope: RunScope;
  backfill: boolean;
}): RunOpening {
  return {
    format: 'fleetledger-run-opening',
    formatVersion: 1,
    kind: plan.kind,
    runAt: isoUtc(plan.runAt),
    until: isoUtc(plan.runAt.plus(RUN_WINDOW)),
    fleetledgerVersion: FLEETLEDGER_VERSION,
    ...(plan.backfill ? { backfill: true as const } : {}),
    // Every run writes its heads index (headsIndex.ts) under index/heads/ at its own time.
    scope: { ...plan.scope, prefixes: [...plan.scope.prefixes, HEADS_INDEX_PREFIX] },
    nonce: randomBytes(8).toString('hex'),
  };
}

/**
 * Whether the opening's run may write `key`: one of its exact keys, a key under one of its
 * prefixes whose time is inside its window, or its own manifest's signature (written before the
 * manifest, so an interrupted run may leave it alone).
 */
export function inOpeningScope(opening: RunOpening, key: string): boolean {
  if (opening.scope.keys.includes(key)) return true;
  if (parseManifestEnvelopeKey(key)?.runAt === opening.runAt) return true;
  const instant = keyInstant(key);
  return (
    instant !== null &&
    opening.scope.prefixes.some((prefix) => key.startsWith(prefix)) &&
    Date.parse(instant) >= Date.parse(opening.runAt) &&
    Date.parse(instant) < Date.parse(opening.until)
  );
}

/** Seals and stores the opening; its key carries the time and a short hash of the document. */
export async function writeOpening(
  store: LedgerStore,
  opening: RunOpening,
  signer: Signer | null,
): Promise<StoredOpening> {
  const payload = encodeJson(opening);
  const envelope = await sealEnvelope(RUN_OPENING_PAYLOAD_TYPE, payload, signer);
  const runAt = DateTime.fromISO(opening.runAt, { zone: 'utc' });
  const key = openingKey(runAt, sha256Hex(payload).slice(0, MANIFEST_HASH_DIGITS));
  const written = await writeJson(store, key, envelope, { pretty: true });
  return { key, size: written.size, sha256: written.sha256, envelope, opening };
}

/** An opening read back, or CorruptObjectError when it is no envelope of an opening document. */
export async function readOpening(store: LedgerStore, key: string): Promise<StoredOpening | CorruptObjectError> {
  return parseOpening(key, await store.get(key));
}

/** The opening in stored bytes (from a store, or from any copy of the ledger's files), or CorruptObjectError. */
export function parseOpening(key: string, bytes: Uint8Array): StoredOpening | CorruptObjectError {
  const envelope = parseEnvelope(key, bytes);
  if (envelope instanceof CorruptObjectError) return envelope;
  if (envelope.payloadType !== RUN_OPENING_PAYLOAD_TYPE) {
    return new CorruptObjectError(key, `a ${envelope.payloadType} envelope, not a run opening`);
  }
  try {
    const parsed = RunOpening.safeParse(parseJsonObject(key, payloadOf(envelope)));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return new CorruptObjectError(key, `not a fleetledger run opening (${issue?.path.join('.')}: ${issue?.message})`);
    }
    return { key, size: bytes.byteLength, sha256: sha256Hex(bytes), envelope, opening: parsed.data };
  } catch (error) {
    if (error instanceof CorruptObjectError) return error;
    throw error;
  }
}

/** Null when the opening carries a valid signature by the key. */
export function openingSignatureProblem(stored: StoredOpening, key: VerificationKey): RecordSignatureProblem | null {
  return envelopeProblem(stored.key, stored.envelope, RUN_OPENING_PAYLOAD_TYPE, key);
}

/** Whether the key names the opening's own time and document (a renamed or altered opening does not). */
export function openingMatchesItsKey(stored: StoredOpening): boolean {
  const parts = parseOpeningKey(stored.key);
  return (
    parts?.runAt === stored.opening.runAt &&
    parts.discriminator === sha256Hex(payloadOf(stored.envelope)).slice(0, MANIFEST_HASH_DIGITS)
  );
}
