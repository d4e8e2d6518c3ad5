/**
 * A manifest's signature: a DSSE envelope (src/signing/dsse.ts) holding an in-toto Statement v1
 * whose subjects are the manifest (its key and SHA-256) followed by every object it records, stored
 * next to the manifest (`manifests/X.dsse.json`, keys.ts). Signing the manifest's hash signs the
 * chain behind it too: the manifest holds the SHA-256 of the manifests it follows.
 *
 * Any in-toto or DSSE tool can read the envelope; the README's recipe checks one with openssl alone.
 */
import * as z from 'zod';
import { Envelope, payloadOf, sealEnvelope, signatureProblem } from '../signing/dsse.js';
import type { Signer, VerificationKey } from '../signing/signer.js';
import { manifestEnvelopeKey } from './keys.js';
import type { Manifest, StoredManifest } from './manifest.js';
import { CorruptObjectError, encodeJson, parseJsonObject, type WrittenObject, writeJson } from './objects.js';
import { type LedgerStore, ObjectNotFoundError } from './store.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** What a fleetledger run statement asserts: this run wrote these objects and this manifest records them. */
export const LEDGER_RUN_PREDICATE_TYPE = 'https://fleetledger.dev/attestations/ledger-run/v1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const RunStatement = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(z.object({ name: z.string(), digest: z.object({ sha256 }) })).min(1),
  predicateType: z.literal(LEDGER_RUN_PREDICATE_TYPE),
  predicate: z.object({
    kind: z.enum(['snapshot', 'report']),
    runAt: z.string(),
    backfill: z.literal(true).optional(),
  }),
});
export type RunStatement = z.infer<typeof RunStatement>;

/** The statement a manifest's signature holds: the manifest first, then every object it records. */
export function runStatement(stored: { key: string; sha256: string; manifest: Manifest }): RunStatement {
  const { manifest } = stored;
  return {
    _type: STATEMENT_TYPE,
    subject: [
      { name: stored.key, digest: { sha256: stored.sha256 } },
      ...manifest.objects.map((object) => ({ name: object.key, digest: { sha256: object.sha256 } })),
    ],
    predicateType: LEDGER_RUN_PREDICATE_TYPE,
    predicate: { kind: manifest.kind, runAt: manifest.runAt, ...(manifest.backfill ? { backfill: true } : {}) },
  };
}

/** Signs the manifest's statement and stores the envelope beside where the manifest goes. */
export async function writeManifestEnvelope(
  store: LedgerStore,
  stored: { key: string; sha256: string; manifest: Manifest },
  signer: Signer,
): Promise<WrittenObject> {
  // Compact: one subject per `"name":"...","digest":{"sha256":"..."}`, which the README's recipe greps.
  const envelope = await sealEnvelope(IN_TOTO_PAYLOAD_TYPE, encodeJson(runStatement(stored)), signer);
  const written = await writeJson(store, manifestEnvelopeKey(stored.key), envelope, { pretty: true });
  return { key: written.key, size: written.size, sha256: written.sha256 };
}

/** A stored envelope: parsed, unreadable (CorruptObjectError), or null when there is none. */
export async function readEnvelope(store: LedgerStore, key: string): Promise<Envelope | CorruptObjectError | null> {
  try {
    return parseEnvelope(key, await store.get(key));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    if (error instanceof CorruptObjectError) return error;
    throw error;
  }
}

/** The envelope in stored bytes, or CorruptObjectError. */
export function parseEnvelope(key: string, bytes: Uint8Array): Envelope | CorruptObjectError {
  try {
    const parsed = Envelope.safeParse(parseJsonObject(key, bytes));
    return parsed.success ? parsed.data : new CorruptObjectError(key, 'not a DSSE envelope');
  } catch (error) {
    if (error instanceof CorruptObjectError) return error;
    throw error;
  }
}

/**
 * unsigned: no signature at all; other-key: signed by another key only; bad-signature: a signature
 * that does not verify, an unreadable envelope, or one that signs something other than this record.
 */
export type SignatureProblemKind = 'unsigned' | 'bad-signature' | 'other-key';

export interface RecordSignatureProblem {
  kind: SignatureProblemKind;
  detail: string;
}

/** The problem of an envelope checked with the key (the record-specific binding is the caller's). */
export function envelopeProblem(
  envelopeKey: string,
  envelope: Envelope | CorruptObjectError | null,
  payloadType: string,
  key: VerificationKey,
): RecordSignatureProblem | null {
  if (envelope === null) return { kind: 'unsigned', detail: `no signature (${envelopeKey} is missing)` };
  if (envelope instanceof CorruptObjectError) return { kind: 'bad-signature', detail: envelope.message };
  if (envelope.payloadType !== payloadType) {
    return { kind: 'bad-signature', detail: `${envelopeKey} signs a ${envelope.payloadType}, not a ${payloadType}` };
  }
  const problem = signatureProblem(envelope, key);
  if (!problem) return null;
  const kind = problem.kind === 'invalid' ? 'bad-signature' : problem.kind;
  return { kind, detail: `${envelopeKey} ${problem.detail}` };
}

/**
 * Null when the manifest carries a valid signature by the key over a statement that names exactly
 * this manifest (key and SHA-256) and the objects it records; otherwise what is wrong.
 */
export function manifestSignatureProblem(
  stored: StoredManifest,
  envelope: Envelope | CorruptObjectError | null,
  key: VerificationKey,
): RecordSignatureProblem | null {
  const envelopeKey = manifestEnvelopeKey(stored.key);
  const problem = envelopeProblem(envelopeKey, envelope, IN_TOTO_PAYLOAD_TYPE, key);
  if (problem || envelope === null || envelope instanceof CorruptObjectError) return problem;
  let statement: RunStatement;
  try {
    const parsed = RunStatement.safeParse(parseJsonObject(envelopeKey, payloadOf(envelope)));
    if (!parsed.success)
      return { kind: 'bad-signature', detail: `${envelopeKey} does not hold a fleetledger run statement` };
    statement = parsed.data;
  } catch {
    return { kind: 'bad-signature', detail: `${envelopeKey} holds no JSON statement` };
  }
  const [signed, ...objects] = statement.subject;
  if (signed?.name !== stored.key || signed.digest.sha256 !== stored.sha256) {
    return {
      kind: 'bad-signature',
      detail: `the signature is for ${signed?.name} with SHA-256 ${signed?.digest.sha256}, not for this manifest (SHA-256 ${stored.sha256})`,
    };
  }
  const recorded = stored.manifest.objects.map((object) => `${object.key} ${object.sha256}`).join('\n');
  if (objects.map((subject) => `${subject.name} ${subject.digest.sha256}`).join('\n') !== recorded) {
    return { kind: 'bad-signature', detail: 'the signed statement names other objects than the manifest records' };
  }
  return null;
}
