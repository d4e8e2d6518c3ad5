/**
 * A ledger store that counts what is read through it (get: the key and the bytes), the rest passing
 * through: how the heads index tests show that what a run reads does not grow with the ledger.
 */
import { ForwardingLedgerStore } from '../../src/ledger/forwardingStore.js';
import { parseManifestKey } from '../../src/ledger/keys.js';

export class CountingStore extends ForwardingLedgerStore {
  read: string[] = [];
  bytesRead = 0;
  override async get(key: string): Promise<Uint8Array> {
    const bytes = await super.get(key);
    this.read.push(key);
    this.bytesRead += bytes.byteLength;
    return bytes;
  }
  /** The manifests read, in order (a manifest read twice is listed twice). */
  get manifestsRead(): string[] {
    return this.read.filter((key) => parseManifestKey(key));
  }
}
