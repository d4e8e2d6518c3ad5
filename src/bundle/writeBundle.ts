/**
 * Writes a period's auditor's bundle (planBundle decides what goes in) as one gzip tar: VERIFY.md
 * and the public key first, the ledger's files under their keys, SHA256SUMS last. Every ledger
 * object is checked against what the ledger's records say its bytes are as it is copied, and the
 * finished archive is read back and verified the way `verify --bundle` will (verifyBundle.ts)
 * before it takes its name: an export never hands over a bundle that would fail.
 *
 * The archive is reproducible: entries in key order, every time stamp the report's generatedAt,
 * no owner names; the same ledger and period give the same bytes.
 *
 * The file is written beside its name and linked to it only once verified: an existing file is
 * never replaced (link fails on any existing name, a symbolic link included), and an interrupted
 * export leaves no half bundle under the name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, open, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DateTime } from 'luxon';
import { pack as tarPack } from 'tar-stream';
import { ConfigError, errorMessage, OperationalError } from '../core/errors.js';
import { firstLine } from '../core/text.js';
import { sha256Hex } from '../ledger/objects.js';
import { type LedgerStore, ObjectNotFoundError } from '../ledger/store.js';
import type { VerificationKey } from '../signing/signer.js';
import { BUNDLE_KEY_FILE, bundleFolder, SUMS_FILE, VERIFY_FILE } from './bundleLayout.js';
import { type BundlePlan, type PlannedObject, planBundle } from './planBundle.js';
import { readBundle } from './readBundle.js';
import { formatSha256Sums } from './sha256sums.js';
import { verifyBundleContents } from './verifyBundle.js';
import { BUNDLE_FILE_NAME, renderVerifyInstructions } from './verifyInstructions.js';

export interface ExportRequest {
  period: string;
  timeZone?: string;
  /** The ledger's public key: only what it vouches for is exported, and the bundle carries it. */
  publicKey: VerificationKey;
  /** The bundle file to write (`.tar.gz`); it must not exist. */
  out: string;
}

export interface ExportedBundle {
  file: string;
  plan: BundlePlan;
  /** Files in the bundle, SHA256SUMS included. */
  files: number;
  bytes: number;
  sha256: string;
}

const FILE_MODE = 0o644;

async function assertFree(out: string): Promise<void> {
  try {
    await lstat(out);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    throw new ConfigError(`--out: cannot use ${out}: ${firstLine(errorMessage(error))}`);
  }
  throw new ConfigError(`--out: ${out} exists; an export never replaces a file (choose another name)`);
}

/** The object's bytes from the store, checked against what the ledger's records say they are. */
async function readPlanned(store: LedgerStore, object: PlannedObject): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(object.key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new OperationalError(`${store.location}: ${object.key} is gone (run fleetledger verify)`);
    }
    throw error;
  }
  const { expected } = object;
  if (expected && (sha256Hex(bytes) !== expected.sha256 || (expected.size ?? bytes.byteLength) !== bytes.byteLength)) {
    throw new OperationalError(
      `${store.location}: ${object.key} differs from what ${expected.by} records (run fleetledger verify)`,
    );
  }
  return bytes;
}

/**
 * Plans, writes and verifies the bundle; see the module comment. ConfigError (exit 2) for an
 * unusable --out or a period that cannot be exported; OperationalError (exit 1) when the ledger
 * does not hold what its records say.
 *
 * @example
 * const bundle = await exportBundle(await openStore('./ledger'), { period: '2026-W48', publicKey, out: 'w48.tar.gz' });
 */
export async function exportBundle(store: LedgerStore, request: ExportRequest): Promise<ExportedBundle> {
  const out = resolve(request.out);
  if (!out.endsWith('.tar.gz') && !out.endsWith('.tgz')) {
    throw new ConfigError(`--out: expected a file name ending in .tar.gz (a gzip tar), got ${request.out}`);
  }
  if (!BUNDLE_FILE_NAME.test(basename(out))) {
    throw new ConfigError(
      `--out: ${basename(out)} is not a plain file name (letters, digits, and . _ + - after the first): VERIFY.md names it in shell commands`,
    );
  }
  await assertFree(out);
  const plan = await planBundle(store, {
    period: request.period,
    publicKey: request.publicKey,
    ...(request.timeZone ? { timeZone: request.timeZone } : {}),
  });
  const folder = bundleFolder(plan.periodId);
  const mtime = DateTime.fromISO(plan.report.doc.generatedAt, { zone: 'utc' }).toJSDate();
  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);

  // Opened before anything is packed: an unwritable folder fails here, not in the middle.
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(temp, 'wx', FILE_MODE);
  } catch (error) {
    throw new ConfigError(`--out: cannot write in ${dirname(out)}: ${firstLine(errorMessage(error))}`);
  }
  const archive = tarPack();
  const hash = createHash('sha256');
  let bytes = 0;
  const writing = pipeline(
    archive,
    createGzip({ level: 9 }),
    async function* (compressed: AsyncIterable<Buffer>) {
      for await (const chunk of compressed) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        yield chunk;
      }
    },
    handle.createWriteStream(),
  );
  writing.catch(() => undefined); // awaited below; a write failure also ends the entries early
  const sums: { path: string; sha256: string }[] = [];
  const add = (path: string, content: Uint8Array) =>
    new Promise<void>((resolveEntry, rejectEntry) => {
      sums.push({ path, sha256: sha256Hex(content) });
      archive.entry(
        { name: `${folder}/${path}`, size: content.byteLength, mode: FILE_MODE, mtime, uid: 0, gid: 0 },
        Buffer.from(content),
        (error) => (error ? rejectEntry(error) : resolveEntry()),
      );
    });

  try {
    const publicKeyPem = request.publicKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await add(
      VERIFY_FILE,
      new TextEncoder().encode(
        renderVerifyInstructions({
          bundleFile: basename(out),
          folder,
          periodId: plan.periodId,
          generatedAt: plan.report.doc.generatedAt,
          store: plan.report.doc.store,
          reportFolder: plan.report.folder,
          reportManifest: plan.report.manifest,
          head: plan.head,
          signingKey: plan.signingKey,
          keyIncluded: true,
        }),
      ),
    );
    await add(BUNDLE_KEY_FILE, new TextEncoder().encode(publicKeyPem));
    for (const object of plan.objects) await add(object.key, await readPlanned(store, object));
    await add(SUMS_FILE, new TextEncoder().encode(formatSha256Sums(sums.filter((s) => s.path !== SUMS_FILE))));
    archive.finalize();
    await writing;

    const check = verifyBundleContents(await readBundle(temp), { publicKey: request.publicKey });
    if (!check.ok) {
      const first = check.problems[0]!;
      throw new OperationalError(
        `${store.location}: the bundle of ${plan.periodId} does not verify (${check.problems.length} problem(s), first: ${first.kind} ${first.path}: ${first.detail}); nothing was written (run fleetledger verify)`,
      );
    }
    try {
      await link(temp, out);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EEXIST') {
        throw new ConfigError(`--out: ${out} exists; an export never replaces a file (choose another name)`);
      }
      throw error;
    }
  } catch (error) {
    archive.destroy();
    await writing.catch(() => undefined);
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return { file: out, plan, files: sums.length, bytes, sha256: hash.digest('hex') };
}
