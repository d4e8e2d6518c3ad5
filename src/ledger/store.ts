/**
 * The ledger: an append-only object store holding snapshots, manifests, the trend index and
 * reports. One interface, two implementations: DirectoryLedgerStore (the embedded default) and
 * S3LedgerStore. Keys are '/'-separated, relative to the store root; see keys.ts for the layout.
 */
export interface StoredObjectInfo {
  key: string;
  size: number;
}

/** An entry under the store root as inventory() lists it: an object, or something no run writes. */
export interface StoreEntry extends StoredObjectInfo {
  /**
   * Why the entry cannot be a ledger object: a symbolic link, a temporary file, a name no key can
   * have, not a regular file. Absent for objects (what list() returns).
   */
  foreign?: string;
}

export interface PutOptions {
  contentType: string;
  /** 'gzip' when the bytes are gzip-compressed (snapshots). */
  contentEncoding?: string;
  /** Extra metadata (S3 user metadata); the directory store ignores it. */
  metadata?: Record<string, string>;
}

export type PutResult = 'created' | 'unchanged';

/**
 * What put() stores: the bytes, or the bytes in pieces, read once as they are written. A report
 * file of tens of megabytes is rendered into the store piece by piece and never held whole
 * (writeTextPieces in objects.ts hashes the pieces as they pass).
 */
export type PutBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface LedgerStore {
  /** Human-readable location, e.g. ./ledger or s3://bucket/prefix. */
  readonly location: string;
  /**
   * Writes an object once. An existing key with identical bytes is a no-op ('unchanged');
   * an existing key with other bytes is an error (ObjectExistsError): nothing is ever overwritten.
   * A body in pieces is read to its end (or until the store fails).
   */
  put(key: string, body: PutBody, options: PutOptions): Promise<PutResult>;
  /** The stored bytes, exactly as written; ObjectNotFoundError when missing. */
  get(key: string): Promise<Uint8Array>;
  /** Size, or null when missing. */
  head(key: string): Promise<StoredObjectInfo | null>;
  /** Every key under the prefix (all pages), sorted. */
  list(prefix: string): Promise<StoredObjectInfo[]>;
  /**
   * Everything under the store root, sorted by key: the objects list('') returns and every entry it
   * leaves out, marked `foreign` (verify names each one; readers never see them).
   */
  inventory(): Promise<StoreEntry[]>;
  /**
   * One cheap request proving the store can be used (a missing bucket, rejected credentials), for
   * stores reached over a network: prepareStore calls it before a run does any work.
   */
  checkAccess?(): Promise<void>;
}

export class ObjectExistsError extends Error {
  override readonly name = 'ObjectExistsError';
  constructor(readonly key: string) {
    super(`refusing to overwrite ${key}: an object with different content already exists`);
  }
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`no object at ${key}`);
  }
}
