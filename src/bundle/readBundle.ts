/**
 * Reads an auditor's bundle (a gzip tar) in memory, never extracting it: each file is hashed as it
 * streams by, and only the files verification reads whole are kept (bundleLayout.ts). A bundle comes
 * from whoever handed it over, so it is read as hostile: an entry that is not a regular file (a
 * symbolic or hard link, a device), a name that could lead out of a folder (absolute, `..`, a
 * backslash), a file outside the bundle's one folder, a name given twice (extracting would keep
 * only the last), more entries or bytes than any bundle holds: each is refused with the entry named,
 * before anything of it is read.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { ConfigError, errorMessage, OperationalError } from '../core/errors.js';
import { firstLine } from '../core/text.js';
import { keyProblemOf } from '../ledger/keys.js';
import { type BundleContents, type BundleFile, isReadWhole } from './bundleLayout.js';

/** How much of a bundle is read at most: far beyond a real one, well within memory and time. */
export interface BundleLimits {
  entries: number;
  /** Bytes of one file. */
  fileBytes: number;
  /** Bytes of one file read whole (a manifest, a signature, report.json). */
  wholeFileBytes: number;
  /** Bytes of all the files read whole together: what the bundle may hold in memory. */
  keptBytes: number;
  /** Bytes of the whole archive once decompressed (a gzip bomb stops here). */
  totalBytes: number;
}

const MiB = 1024 * 1024;

export const BUNDLE_LIMITS: BundleLimits = {
  entries: 100_000,
  fileBytes: 1024 * MiB,
  wholeFileBytes: 64 * MiB,
  keptBytes: 512 * MiB,
  totalBytes: 16 * 1024 * MiB,
};

/** A bundle that is not read at all: damaged, or hostile. Exit 1, one line naming the file and the entry. */
export class BundleRefusedError extends OperationalError {}

function entryNameProblem(name: string, isDirectory: boolean): string | null {
  const problem = keyProblemOf(name, isDirectory ? 'prefix' : 'key');
  return problem ? `not a path inside the bundle's folder: ${problem}` : null;
}

/** Why the archive could not be read, in words: gzip's and tar's own messages are terse. */
function readFailure(file: string, error: unknown): BundleRefusedError {
  if (error instanceof BundleRefusedError) return error;
  const code = (error as { code?: unknown }).code;
  const message = firstLine(errorMessage(error));
  if (code === 'Z_DATA_ERROR' || code === 'Z_STREAM_ERROR') {
    return new BundleRefusedError(`${file}: not a gzip-compressed tar archive (${message})`);
  }
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) {
    return new BundleRefusedError(`${file}: the archive is cut short (${message})`);
  }
  return new BundleRefusedError(`${file}: not a readable tar archive (${message})`);
}

/**
 * The bundle's files, by path inside its folder. ConfigError (exit 2) when the file cannot be
 * opened; BundleRefusedError (exit 1) when it is no gzip tar or holds an entry no bundle holds.
 *
 * @example
 * const contents = await readBundle('fleetledger-2026-W48.tar.gz');
 */
export async function readBundle(file: string, limits: BundleLimits = BUNDLE_LIMITS): Promise<BundleContents> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch (error) {
    throw new ConfigError(`--bundle: cannot read ${file}: ${firstLine(errorMessage(error))}`);
  }
  const refuse = (entry: string, reason: string) =>
    new BundleRefusedError(`${file}: refused: entry ${JSON.stringify(entry)}: ${reason}`);

  let total = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.byteLength;
      if (total > limits.totalBytes) {
        done(new BundleRefusedError(`${file}: refused: more than ${limits.totalBytes} bytes once decompressed`));
      } else {
        done(null, chunk);
      }
    },
  });
  const extract = tarExtract();
  const piping = pipeline(createReadStream(file), createGunzip(), counted, extract);
  // The loop below ends early on a refusal: the pipeline's own failure is then reported there.
  piping.catch(() => undefined);

  const files = new Map<string, BundleFile>();
  let folder: string | null = null;
  let entries = 0;
  let kept = 0;
  try {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      entries += 1;
      if (entries > limits.entries) throw refuse(name, `more than ${limits.entries} entries`);
      if (type !== 'file' && type !== 'directory') {
        const target = entry.header.linkname ? ` to ${JSON.stringify(entry.header.linkname)}` : '';
        throw refuse(name, `a ${type} entry${target}: a bundle holds regular files only`);
      }
      const nameProblem = entryNameProblem(name, type === 'directory');
      if (nameProblem) throw refuse(name, nameProblem);
      const [top, ...rest] = name.replace(/\/$/, '').split('/');
      folder ??= top!;
      if (top !== folder) throw refuse(name, `outside the bundle's folder ${folder}/`);
      const path = rest.join('/');
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (path === '') throw refuse(name, "a file in place of the bundle's folder");
      if (files.has(path)) throw refuse(name, 'given twice (extracting it would keep only the last)');
      const whole = isReadWhole(path);
      const limit = whole ? limits.wholeFileBytes : limits.fileBytes;
      if (size > limit) throw refuse(name, `${size} bytes, more than the ${limit} a file of a bundle may have`);
      kept += whole ? size : 0;
      if (kept > limits.keptBytes)
        throw refuse(name, `more than ${limits.keptBytes} bytes of records and reports in all`);

      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let read = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        read += chunk.byteLength;
        hash.update(chunk);
        if (whole) chunks.push(chunk);
      }
      files.set(path, {
        size: read,
        sha256: hash.digest('hex'),
        ...(whole ? { bytes: new Uint8Array(Buffer.concat(chunks)) } : {}),
      });
    }
    await piping;
  } catch (error) {
    extract.destroy();
    throw readFailure(file, error);
  }
  if (folder === null) throw new BundleRefusedError(`${file}: an empty archive, not a bundle`);
  return { folder, files };
}
