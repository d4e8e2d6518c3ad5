/**
 * A read-through view of a ledger that remembers the SHA-256 and size of every object read
 * through it. The report's evidence must hash exactly the bytes the evaluation parsed, so each
 * snapshot is read once and hashed on the way, never fetched a second time for its hash.
 */
import { ForwardingLedgerStore } from '../ledger/forwardingStore.js';
import { sha256Hex } from '../ledger/objects.js';

export interface ObjectDigest {
  sha256: string;
  size: number;
}

export class DigestingLedgerStore extends ForwardingLedgerStore {
  readonly #digests = new Map<string, ObjectDigest>();

  /** The digest of the bytes last read at `key`, or undefined when it was not read through this view. */
  digestOf(key: string): ObjectDigest | undefined {
    return this.#digests.get(key);
  }

  override async get(key: string): Promise<Uint8Array> {
    const bytes = await this.inner.get(key);
    this.#digests.set(key, { sha256: sha256Hex(bytes), size: bytes.byteLength });
    return bytes;
  }
}
