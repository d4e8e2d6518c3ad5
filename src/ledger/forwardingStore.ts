/**
 * A view of a ledger store that passes every call through: the base of the views that change one
 * thing about a store (what a run may write, what a report read, injected faults).
 */
import type { LedgerStore, PutBody, PutOptions, PutResult, StoredObjectInfo, StoreEntry } from './store.js';

export class ForwardingLedgerStore implements LedgerStore {
  constructor(protected readonly inner: LedgerStore) {}

  get location(): string {
    return this.inner.location;
  }

  put(key: string, body: PutBody, options: PutOptions): Promise<PutResult> {
    return this.inner.put(key, body, options);
  }

  get(key: string): Promise<Uint8Array> {
    return this.inner.get(key);
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
