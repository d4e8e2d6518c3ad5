/**
 * Which manifests a signing key vouches for: every manifest whose signature verifies with the key
 * and, through the SHA-256 links it signed, every manifest before it. A signing run trusts only
 * those: it follows their heads (so a forger's manifest, which it cannot sign, is never joined into
 * the signed chain) and takes evidence only from them (so a forged snapshot is never reported on).
 *
 * A ledger with no signed manifest at all is adopted as it stands (trust on first use): the first
 * signed run vouches for the history it follows. `verify --public-key` still names every unsigned
 * manifest, so an adopted history shows.
 */
import type { Envelope } from '../signing/dsse.js';
import type { VerificationKey } from '../signing/signer.js';
import { manifestSignatureProblem, readEnvelope } from './attestation.js';
import { manifestEnvelopeKey } from './keys.js';
import { chainHeads, linksOf, type ManifestReadout, type StoredManifest } from './manifest.js';
import type { CorruptObjectError } from './objects.js';
import type { LedgerStore } from './store.js';

/** Reads each manifest's signature at most once per run. */
export class EnvelopeReader {
  readonly #read = new Map<string, Promise<Envelope | CorruptObjectError | null>>();

  constructor(private readonly store: LedgerStore) {}

  /** The signature of the manifest, or null when the listing shows none (no request then). */
  envelopeOf(manifestKey: string, readout: ManifestReadout): Promise<Envelope | CorruptObjectError | null> {
    const key = manifestEnvelopeKey(manifestKey);
    if (!readout.envelopeKeys.has(key)) return Promise.resolve(null);
    let read = this.#read.get(key);
    if (!read) {
      read = readEnvelope(this.store, key);
      this.#read.set(key, read);
    }
    return read;
  }
}

export interface TrustedManifests {
  /** The manifests the key vouches for (all of them when the ledger is adopted), in key order. */
  manifests: StoredManifest[];
  /** True when no manifest carries the key's signature, so the ledger is taken as it stands. */
  adopted: boolean;
}

/**
 * Walks back from every head: a head signed by the key vouches for itself and its ancestors; an
 * unsigned one is looked past, to the manifests it follows. Only heads and the unsigned manifests
 * on top of the signed chain have their signatures read.
 *
 * @example
 * const { manifests } = await trustedManifests(readout, await signer.verificationKey(), new EnvelopeReader(store));
 */
export async function trustedManifests(
  readout: ManifestReadout,
  key: VerificationKey,
  envelopes: EnvelopeReader,
): Promise<TrustedManifests> {
  const byKey = new Map(readout.manifests.map((stored) => [stored.key, stored]));
  const vouched = new Set<string>();
  const vouchFor = (start: StoredManifest) => {
    const pending = [start];
    vouched.add(start.key);
    for (let stored = pending.pop(); stored; stored = pending.pop()) {
      for (const link of linksOf(stored.manifest)) {
        const target = byKey.get(link.key);
        // A link vouches only for the bytes it names: a manifest altered since is not vouched for.
        if (target && target.sha256 === link.sha256 && !vouched.has(target.key)) {
          vouched.add(target.key);
          pending.push(target);
        }
      }
    }
  };
  const looked = new Set<string>();
  const pending = chainHeads(readout.manifests);
  for (let stored = pending.pop(); stored; stored = pending.pop()) {
    if (looked.has(stored.key) || vouched.has(stored.key)) continue;
    looked.add(stored.key);
    if (manifestSignatureProblem(stored, await envelopes.envelopeOf(stored.key, readout), key) === null) {
      vouchFor(stored);
    } else {
      for (const link of linksOf(stored.manifest)) {
        const target = byKey.get(link.key);
        if (target) pending.push(target);
      }
    }
  }
  if (vouched.size === 0) return { manifests: readout.manifests, adopted: true };
  return { manifests: readout.manifests.filter((stored) => vouched.has(stored.key)), adopted: false };
}
