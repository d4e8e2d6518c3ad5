/**
 * Reading and writing documents in a ledger: JSON (optionally gzip-compressed), with the hash of the
 * stored bytes returned so a run can record what it wrote in its manifest.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import type { LedgerStore, PutOptions, PutResult } from './store.js';

/** What a run wrote: recorded in the run's manifest. */
export interface WrittenObject {
  key: string;
  /** Size of the stored bytes. */
  size: number;
  /** SHA-256 of the stored bytes, lower-case hex. */
  sha256: string;
}

/** A stored object whose bytes cannot be read as what its key says it is. */
export class CorruptObjectError extends Error {
  override readonly name = 'CorruptObjectError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`corrupt object ${key}: ${reason}`);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function describeWritten(key: string, bytes: Uint8Array): WrittenObject {
  return { key, size: bytes.byteLength, sha256: sha256Hex(bytes) };
}

/**
 * gzip with a fixed header (zlib writes mtime 0), so identical documents give identical bytes.
 * zlib's default level: on a large cluster's snapshot level 9 took twice the time for 2% fewer bytes.
 */
export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes, { level: 6 }));
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Decompresses, or throws CorruptObjectError saying whether the bytes are not gzip or are cut short. */
export function gunzipObject(key: string, bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength < 2 || bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) {
    throw new CorruptObjectError(key, 'not gzip data (no gzip header)');
  }
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = code === 'Z_BUF_ERROR' ? 'truncated gzip data (unexpected end of file)' : 'damaged gzip data';
    throw new CorruptObjectError(key, `${reason}: ${(error as Error).message}`);
  }
}

/** Parses UTF-8 JSON, or throws CorruptObjectError. */
export function parseJsonObject(key: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CorruptObjectError(key, `not JSON: ${(error as Error).message}`);
  }
}

export interface WriteJsonOptions {
  /** Compress (Content-Encoding gzip); the key should then end with .gz. */
  gzip?: boolean;
  /** Pretty-print (for small documents people read: manifests, indexes). */
  pretty?: boolean;
  /** Extra S3 user metadata; `fleetledger-version` is always added. */
  metadata?: Record<string, string>;
}

/** The bytes writeJson stores for a value. */
export function encodeJson(value: unknown, options: Pick<WriteJsonOptions, 'gzip' | 'pretty'> = {}): Uint8Array {
  const text = options.pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value);
  const bytes = new TextEncoder().encode(text);
  return options.gzip ? gzip(bytes) : bytes;
}

/** Writes a JSON document once (see LedgerStore.put) and returns what was stored. */
export async function writeJson(
  store: LedgerStore,
  key: string,
  value: unknown,
  options: WriteJsonOptions = {},
): Promise<WrittenObject & { result: PutResult }> {
  const bytes = encodeJson(value, options);
  const result = await store.put(key, bytes, {
    contentType: 'application/json',
    ...(options.gzip ? { contentEncoding: 'gzip' } : {}),
    metadata: { 'fleetledger-version': FLEETLEDGER_VERSION, ...options.metadata },
  });
  return { ...describeWritten(key, bytes), result };
}

/** Reads a JSON document (gunzipping when the key ends with .gz); CorruptObjectError when unreadable. */
export async function readJson(store: LedgerStore, key: string): Promise<unknown> {
  const stored = await store.get(key);
  return parseJsonObject(key, key.endsWith('.gz') ? gunzipObject(key, stored) : stored);
}

// Small pieces are gathered to about this many bytes before they are written: each write is a trip
// through the event loop, which on a busy machine costs a wait for the CPU (180 MB of report files
// in 64 KB writes took seconds longer than in 1 MB ones). They are gathered as bytes, outside the
// JavaScript heap: joined as text, each block was a large string that lived until a full collection.
const WRITE_SIZE = 1 << 20;

/**
 * The UTF-8 bytes of text given in pieces, in blocks of about WRITE_SIZE. A surrogate pair split
 * between two pieces would encode as two replacement characters: its high half waits for the rest.
 */
function* utf8Pieces(pieces: Iterable<string>): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  let gathered: Uint8Array[] = [];
  let size = 0;
  let pending = '';
  for (const piece of pieces) {
    const text = pending + piece;
    const last = text.charCodeAt(text.length - 1);
    const split = last >= 0xd800 && last <= 0xdbff;
    pending = split ? text.slice(-1) : '';
    const bytes = encoder.encode(split ? text.slice(0, -1) : text);
    gathered.push(bytes);
    size += bytes.byteLength;
    if (size < WRITE_SIZE) continue;
    yield gathered.length === 1 ? bytes : Buffer.concat(gathered, size);
    gathered = [];
    size = 0;
  }
  if (pending.length > 0) gathered.push(encoder.encode(pending));
  if (gathered.length > 0) yield gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered);
}

/**
 * Writes text given in pieces once (see LedgerStore.put), each piece encoded as UTF-8 and hashed
 * as it passes to the store: a report file of tens of megabytes is never held whole, and what is
 * returned (for the run's manifest) is the size and SHA-256 of exactly the bytes the store took.
 * `copy` gets the same bytes as they pass (a report's --out copy), before the store does. As with
 * writeJson, `fleetledger-version` is always added to the metadata.
 *
 * @example
 * const written = await writeTextPieces(run.store, key, yamlDocuments(reports), { contentType: 'application/yaml' });
 */
export async function writeTextPieces(
  store: LedgerStore,
  key: string,
  pieces: Iterable<string>,
  options: PutOptions,
  copy?: (bytes: Uint8Array) => Promise<void>,
): Promise<WrittenObject & { result: PutResult }> {
  const hash = createHash('sha256');
  let size = 0;
  let finished = false;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (const encoded of utf8Pieces(pieces)) {
      hash.update(encoded);
      size += encoded.byteLength;
      await copy?.(encoded);
      yield encoded;
    }
    finished = true;
  }
  const result = await store.put(key, bytes(), {
    ...options,
    metadata: { 'fleetledger-version': FLEETLEDGER_VERSION, ...options.metadata },
  });
  // The hash describes what was stored only if the store read every piece.
  if (!finished) throw new Error(`programmer error: the store returned before reading all of ${key}`);
  return { key, size, sha256: hash.digest('hex'), result };
}
