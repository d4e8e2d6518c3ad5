/**
 * A read-through view of a ledger that remembers the SHA-256 and size of every object read
 * through it. The report's evidence must hash exactly the bytes the evaluation parsed, so each
 * snapshot is read once and hashed on the way, never fetched a second time for its hash.
 */
import { sha256Hex } from '../ledger/objects.js';
import type { LedgerStore, PutOptions, PutResult, StoredObjectInfo, StoreEntry } from '../ledger/store.js';

export interface ObjectDigest {
  sha256: string;
  size: number;
}

export class DigestingLedgerStore implements LedgerStore {
  readonly #digests = new Map<string, ObjectDigest>();

  constructor(private readonly inner: LedgerStore) {}

  get location(): string {
    return this.inner.location;
  }

  /** The digest of the bytes last read at `key`, or undefined when it was not read through this view. */
  digestOf(key: string): ObjectDigest | undefined {
    return this.#digests.get(key);
  }

  async get(key: string): Promise<Uint8Array> {
    const bytes = await this.inner.get(key);
    this.#digests.set(key, { sha256: sha256Hex(bytes), size: bytes.byteLength });
    return bytes;
  }

  put(key: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
    return this.inner.put(key, body, options);
  }

  head(key: string): Promise<StoredObjectInfo | null> {
    return this.inner.head(key);
  }

  list(prefix: string): Promise<StoredObjectInfo[]> {
    return this.inner.list(prefix);
  }

  inventory(): Promise<StoreEntry[]> {
    return this.inner.inventory();
  }
}
