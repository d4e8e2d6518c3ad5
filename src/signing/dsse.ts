/**
 * DSSE, the Dead Simple Signing Envelope (github.com/secure-systems-lab/dsse, the envelope of
 * in-toto attestations and Sigstore bundles): a payload, its type, and signatures over the
 * pre-authentication encoding of both, so a signature can never be replayed for another type.
 *
 * About twenty lines of format: written here over Node's crypto rather than with @sigstore/sign,
 * whose bundles add a Fulcio/Rekor-shaped wrapper and a dependency tree for what a plain DSSE
 * envelope (which sigstore, cosign, in-toto and openssl all read) already gives.
 */
import { verify } from 'node:crypto';
import * as z from 'zod';
import type { Signer, VerificationKey } from './signer.js';

export const DsseSignature = z.object({ keyid: z.string().optional(), sig: z.string() });

export const Envelope = z.object({
  payloadType: z.string(),
  /** Base64 (standard alphabet when written here; the URL-safe one is read too, as DSSE allows). */
  payload: z.string(),
  signatures: z.array(DsseSignature),
});
export type Envelope = z.infer<typeof Envelope>;

/** `DSSEv1 <len(type)> <type> <len(payload)> <payload>`, lengths as ASCII decimal byte counts. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  const header = Buffer.from(`DSSEv1 ${type.byteLength} ${payloadType} ${payload.byteLength} `, 'utf8');
  return new Uint8Array(Buffer.concat([header, payload]));
}

/** DSSE allows either base64 alphabet: URL-safe text has '-' or '_', standard text has neither. */
function decodeBase64(text: string): Buffer {
  return Buffer.from(text, /[-_]/.test(text) ? 'base64url' : 'base64');
}

/** The payload bytes of an envelope. */
export function payloadOf(envelope: Envelope): Uint8Array {
  return new Uint8Array(decodeBase64(envelope.payload));
}

/**
 * An envelope of the payload, signed by the signer, or with no signature when there is none (an
 * unsigned ledger still writes the same records, so that signing can start at any run).
 */
export async function sealEnvelope(payloadType: string, payload: Uint8Array, signer: Signer | null): Promise<Envelope> {
  const signatures: Envelope['signatures'] = [];
  if (signer) {
    const { keyId } = await signer.verificationKey();
    const sig = await signer.sign(preAuthEncoding(payloadType, payload));
    signatures.push({ keyid: keyId, sig: Buffer.from(sig).toString('base64') });
  }
  return { payloadType, payload: Buffer.from(payload).toString('base64'), signatures };
}

/** unsigned: no signature; other-key: signed, by other keys only; invalid: no signature verifies. */
export type SignatureProblem = { kind: 'unsigned' | 'other-key' | 'invalid'; detail: string };

/**
 * Whether one of the envelope's signatures is the key's over this envelope; null when it is.
 * A signature naming another keyid is that key's (a forger may name ours, and then fails to verify).
 */
export function signatureProblem(envelope: Envelope, key: VerificationKey): SignatureProblem | null {
  if (envelope.signatures.length === 0) return { kind: 'unsigned', detail: 'carries no signature' };
  const message = preAuthEncoding(envelope.payloadType, payloadOf(envelope));
  const ours = envelope.signatures.filter((s) => s.keyid === undefined || s.keyid === '' || s.keyid === key.keyId);
  for (const signature of ours) {
    if (verify('sha256', message, { key: key.publicKey, dsaEncoding: 'der' }, decodeBase64(signature.sig))) return null;
  }
  if (ours.length === 0) {
    const others = [...new Set(envelope.signatures.map((s) => s.keyid))].join(', ');
    return { kind: 'other-key', detail: `signed by ${others}, not by ${key.keyId}` };
  }
  return { kind: 'invalid', detail: `the signature does not verify with ${key.keyId}` };
}
