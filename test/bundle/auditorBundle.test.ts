/**
 * The auditor's bundle: `export` writes a period's report, its evidence and the signed chain behind
 * it as one .tar.gz that coreutils' `sha256sum -c` accepts, and `verify --bundle --public-key`
 * checks it offline. The attacks: a changed byte, a removed or added file, a manifest re-signed by
 * another key, SHA256SUMS edited to match a changed file (and the manifest edited too), hostile
 * archive members; and the export of a period that has no report.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGzip, gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { BUNDLE_LIMITS, readBundle } from '../../src/bundle/readBundle.js';
import { IN_TOTO_PAYLOAD_TYPE, runStatement } from '../../src/ledger/attestation.js';
import { manifestEnvelopeKey } from '../../src/ledger/keys.js';
import { readManifests } from '../../src/ledger/manifest.js';
import { encodeJson, sha256Hex } from '../../src/ledger/objects.js';
import { type GeneratedReport, generateReport } from '../../src/report/generateReport.js';
import { sealEnvelope } from '../../src/signing/dsse.js';
import { OPENSSL_RECIPE } from '../../src/signing/opensslRecipe.js';
import { createDirectoryStore, type StoreUnderTest } from '../ledger/storeFixtures.js';
import { runCliInProcess } from '../support/cli.js';
import { snapshotRun, type TestKeyPair, testKeyPair, utc } from '../support/signedLedger.js';

const run = promisify(execFile);
const sh = async (script: string, cwd: string) => {
  try {
    const { stdout, stderr } = await run('bash', ['-c', script], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const CLUSTERS = ['lab', 'prod-east'];
const MON = '2026-11-23T06:00:00.000Z';
const TUE = '2026-11-24T06:00:00.000Z';
const WED = '2026-11-25T09:00:00.000Z';
const THU = '2026-11-26T06:00:00.000Z';
const FOLDER = 'fleetledger-bundle-2026-W48';

let keys: TestKeyPair;
let forger: TestKeyPair;
let ledger: StoreUnderTest;
let work: string;
let bundle: string;
let report: GeneratedReport;
let monday: Awaited<ReturnType<typeof snapshotRun>>;
let tuesday: Awaited<ReturnType<typeof snapshotRun>>;
let thursday: Awaited<ReturnType<typeof snapshotRun>>;
let exported: { status: number; stdout: string; stderr: string };

beforeAll(async () => {
  [keys, forger, ledger] = await Promise.all([testKeyPair(), testKeyPair(), createDirectoryStore()]);
  work = await mkdtemp(join(tmpdir(), 'bundle-'));
  monday = await snapshotRun(ledger.store, MON, CLUSTERS, keys.signer);
  tuesday = await snapshotRun(ledger.store, TUE, CLUSTERS, keys.signer);
  report = await generateReport({ store: ledger.store, period: '2026-W48', now: utc(WED), signer: keys.signer });
  // A later run: the report does not rest on it, so the bundle leaves it out.
  thursday = await snapshotRun(ledger.store, THU, CLUSTERS, keys.signer);
  bundle = join(work, 'w48.tar.gz');
  exported = await exportCli('2026-W48', bundle, keys.publicKeyFile);
}, 120_000);
afterAll(async () => {
  await ledger.dispose();
  await Promise.all([keys, forger].map((pair) => rm(pair.dir, { recursive: true, force: true })));
  await rm(work, { recursive: true, force: true });
});

const exportCli = (period: string, out: string, publicKey: string) =>
  runCliInProcess(['export', '--store', ledger.location, '--period', period, '--out', out, '--public-key', publicKey]);
const head = () => report.doc.ledger!.head!;
const reportFolder = () => report.writtenKeys.find((key) => key.endsWith('/report.json'))!.replace(/report\.json$/, '');
const verifyBundle = (file: string, ...extra: string[]) =>
  runCliInProcess(['verify', '--bundle', file, '--public-key', keys.publicKeyFile, ...extra]);

/** The bundle extracted with the real tar into a fresh folder; returns the bundle's folder in it. */
async function extracted(file = bundle): Promise<string> {
  const dir = await mkdtemp(join(work, 'x-'));
  const tar = await sh(`tar -xzf '${file}'`, dir);
  if (tar.code !== 0) throw new Error(tar.stderr);
  return join(dir, FOLDER);
}

/** The folder packed again with the real tar, as whoever tampered with it would. */
async function repacked(folder: string): Promise<string> {
  const file = `${folder}.tar.gz`;
  const tar = await sh(`tar -czf '${file}' -C '${join(folder, '..')}' ${FOLDER}`, work);
  if (tar.code !== 0) throw new Error(tar.stderr);
  return file;
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) found.push(...(await filesUnder(join(dir, entry.name), `${path}/`)));
    else found.push(path);
  }
  return found.sort();
}

/** A SHA256SUMS line rewritten for a file's new bytes: what a careful tamperer does. */
async function resum(folder: string, path: string): Promise<void> {
  const sums = await readFile(join(folder, 'SHA256SUMS'), 'utf8');
  const sha256 = sha256Hex(await readFile(join(folder, path)));
  const line = new RegExp(`^[0-9a-f]{64}  ${path.replaceAll('.', '\\.')}$`, 'm');
  await writeFile(join(folder, 'SHA256SUMS'), sums.replace(line, `${sha256}  ${path}`));
}

/** A gzip tar of the entries, written as given (names and types an honest tar would never write). */
async function craftedArchive(
  name: string,
  entries: { name: string; type?: 'symlink' | 'link'; linkname?: string; content?: string }[],
): Promise<string> {
  const file = join(work, name);
  const archive = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const gzip = archive.pipe(createGzip());
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  for (const entry of entries) {
    if (entry.type) archive.entry({ name: entry.name, type: entry.type, linkname: entry.linkname ?? '' });
    else archive.entry({ name: entry.name }, entry.content ?? '');
  }
  archive.finalize();
  await done;
  await writeFile(file, Buffer.concat(chunks));
  return file;
}

describe('fleetledger export', () => {
  it("writes the period's report, its evidence and the signed chain behind it, which sha256sum -c accepts", async () => {
    const folder = await extracted();

    const sums = await sh('sha256sum -c SHA256SUMS', folder);

    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    // The report rests on Tuesday's snapshots (each cluster's latest): Tuesday's run and the report's own.
    expect(report.doc.evidence.map((item) => item.key)).toEqual(tuesday.written.map((w) => w.key));
    const { opening, manifest, envelope } = tuesday.records;
    expect(await filesUnder(folder)).toEqual(
      [
        'SHA256SUMS',
        'VERIFY.md',
        'fleetledger-signing.pub',
        opening.key,
        manifest.key,
        envelope!.key,
        ...tuesday.written.map((w) => w.key),
        ...report.writtenKeys,
      ].sort(),
    );
    const left = [monday.records.manifest.key, thursday.records.manifest.key, ...monday.written.map((w) => w.key)];
    expect((await filesUnder(folder)).filter((path) => left.includes(path))).toEqual([]);
    expect(sums.code).toBe(0);
    const listed = (await readFile(join(folder, 'SHA256SUMS'), 'utf8')).split('\n').filter(Boolean);
    expect(sums.stdout.split('\n').filter(Boolean)).toEqual(listed.map((line) => `${line.slice(66)}: OK`));
    expect(listed).toHaveLength((await filesUnder(folder)).length - 1);
    expect(await readFile(join(folder, 'fleetledger-signing.pub'), 'utf8')).toBe(
      await readFile(keys.publicKeyFile, 'utf8'),
    );
    expect(exported.stdout).toContain(
      `verify it: fleetledger verify --bundle ${bundle} --public-key PUBLIC_KEY.pem --expect-head ${head().sha256}\n`,
    );
  });

  it('verifies offline with the public key and the head the report pins', async () => {
    const verified = await verifyBundle(bundle, '--expect-head', head().sha256);

    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
    expect(verified.stdout.split('\n').slice(-5)).toEqual([
      `signatures: checked with ${keys.key.keyId} (2 of 2 manifest(s) signed)`,
      `report: ${reportFolder()} of 2026-W48 (2 snapshot(s) of evidence), head ${head().manifest} (SHA-256 ${head().sha256})`,
      `expected head: ${head().sha256} is in the bundle's chain and the report's run descends from it`,
      // With the report run's heads index (index/heads/), which its manifest records.
      `bundle verified: 21 file(s), 2 manifest(s) in ${bundle}`,
      '',
    ]);
  });

  it('carries a VERIFY.md whose commands pass as written: sha256sum, verify --bundle, and openssl alone', async () => {
    const folder = await extracted();
    const text = await readFile(join(folder, 'VERIFY.md'), 'utf8');
    const recipe = /```sh\n([\s\S]*?)```/.exec(text)![1]!;

    const openssl = await sh(recipe, folder);

    expect(text).toContain('    sha256sum -c SHA256SUMS\n');
    expect(text).toContain(
      `    fleetledger verify --bundle w48.tar.gz --public-key fleetledger-signing.pub --expect-head ${head().sha256}\n`,
    );
    expect(text).toContain(`- fingerprint of the signing key: ${keys.key.keyId}\n`);
    const reportRun = (await readManifests(ledger.store)).manifests.find((m) => m.key === report.writtenKeys.at(-1))!;
    expect(openssl.stdout.split('\n')).toEqual([
      'Verified OK',
      `OK ${reportRun.key}`,
      ...reportRun.manifest.objects.map((object) => `OK ${object.key}`),
      '',
    ]);
    expect(reportRun.manifest.objects.map((object) => object.key).sort()).toEqual(
      report.writtenKeys.filter((key) => /^(reports|index)\//.test(key)).sort(),
    );
  });

  it('is reproducible: the same ledger and period give the same bytes', async () => {
    const elsewhere = await mkdtemp(join(work, 'again-'));

    const again = await exportCli('2026-W48', join(elsewhere, 'w48.tar.gz'), keys.publicKeyFile);

    expect(again.status).toBe(0);
    expect(await readFile(join(elsewhere, 'w48.tar.gz'))).toEqual(await readFile(bundle));
  });

  it('refuses a period with no report, a key that signs nothing, and an existing --out (exit 2), writing nothing', async () => {
    const none = await exportCli('2026-W47', join(work, 'w47.tar.gz'), keys.publicKeyFile);
    const foreign = await exportCli('2026-W48', join(work, 'foreign.tar.gz'), forger.publicKeyFile);
    const before = await readFile(bundle);
    const again = await exportCli('2026-W48', bundle, keys.publicKeyFile);

    expect(none.status).toBe(2);
    expect(none.stderr).toBe(
      `error: --period: ${ledger.location} holds no report of 2026-W47 signed by ${keys.key.keyId} (run fleetledger report --period 2026-W47 first)\n`,
    );
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toBe(
      `error: --public-key: no manifest of ${ledger.location} is signed by the key ${forger.key.keyId}: is it the ledger's key?\n`,
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toBe(
      `error: --out: ${bundle} exists; an export never replaces a file (choose another name)\n`,
    );
    expect(await readFile(bundle)).toEqual(before);
    expect((await readdir(work)).filter((name) => /^(w47|foreign)|partial/.test(name))).toEqual([]);
  });
});

describe('verify --bundle against a tampered bundle', () => {
  it('names a snapshot with one flipped byte (exit 1)', async () => {
    const folder = await extracted();
    const snapshot = tuesday.written[0]!.key;
    const bytes = await readFile(join(folder, snapshot));
    bytes[bytes.length - 10]! ^= 0x01;
    await writeFile(join(folder, snapshot), bytes);

    const result = await verifyBundle(await repacked(folder));

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`altered ${snapshot}: SHA-256 ${sha256Hex(bytes)} differs from `);
    expect(result.stdout).toMatch(/\n\d+ problem\(s\) found: /);
  });

  it('prints the outcome as JSON with --format json, problems named by file', async () => {
    const folder = await extracted();
    const snapshot = tuesday.written[0]!.key;
    const bytes = await readFile(join(folder, snapshot));
    bytes[bytes.length - 10]! ^= 0x01;
    await writeFile(join(folder, snapshot), bytes);
    const altered = await repacked(folder);

    const good = await verifyBundle(bundle, '--format', 'json');
    const bad = await verifyBundle(altered, '--format', 'json');

    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ bundle, verified: true, keyId: keys.key.keyId, problems: [] });
    expect(bad.status).toBe(1);
    const outcome = JSON.parse(bad.stdout);
    expect(outcome.verified).toBe(false);
    expect(outcome.problems).toContainEqual(expect.objectContaining({ kind: 'altered', path: snapshot }));
  });

  it('names a removed snapshot and an added file (exit 1)', async () => {
    const folder = await extracted();
    const removed = tuesday.written[1]!.key;
    await rm(join(folder, removed));
    await mkdir(join(folder, 'notes'));
    await writeFile(join(folder, 'notes', 'extra.txt'), 'added later\n');

    const result = await verifyBundle(await repacked(folder));

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`missing ${removed}: listed in SHA256SUMS but not in the bundle\n`);
    expect(result.stdout).toContain('unexpected notes/extra.txt: in the bundle but not listed in SHA256SUMS\n');
  });

  it('names a changed snapshot even when SHA256SUMS was edited to match, and the manifest edited too', async () => {
    const folder = await extracted();
    const snapshot = tuesday.written[0]!.key;
    await writeFile(join(folder, snapshot), gzipSync(Buffer.from('{"forged":true}')));
    await resum(folder, snapshot);
    const onlySums = await verifyBundle(await repacked(folder));
    // The manifest rewritten to record the new bytes: its signature, and the next manifest's link, give it away.
    const manifestPath = join(folder, tuesday.records.manifest.key);
    const manifest = await readFile(manifestPath, 'utf8');
    await writeFile(
      manifestPath,
      manifest.replace(tuesday.written[0]!.sha256, sha256Hex(await readFile(join(folder, snapshot)))),
    );
    await resum(folder, tuesday.records.manifest.key);
    await rm(`${folder}.tar.gz`);
    const withManifest = await verifyBundle(await repacked(folder));

    expect(onlySums.status).toBe(1);
    expect(onlySums.stdout).toContain(`altered ${snapshot}: SHA-256 `);
    expect(onlySums.stdout).toContain(`recorded by ${tuesday.records.manifest.key}`);
    expect(withManifest.status).toBe(1);
    expect(withManifest.stdout).toContain(`bad-signature ${tuesday.records.manifest.key}: `);
    expect(withManifest.stdout).toContain(`chain-break ${report.writtenKeys.at(-1)!}: `);
  });

  it('names a VERIFY.md whose instructions were changed, even with SHA256SUMS edited to match', async () => {
    const folder = await extracted();
    const text = await readFile(join(folder, 'VERIFY.md'), 'utf8');
    await writeFile(
      join(folder, 'VERIFY.md'),
      text.replace(
        '--public-key fleetledger-signing.pub --expect-head',
        '--public-key fleetledger-signing.pub  --expect-head',
      ),
    );
    await resum(folder, 'VERIFY.md');

    const result = await verifyBundle(await repacked(folder));

    expect(result.status).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe(
      `altered VERIFY.md: not the instructions ${reportFolder()}report.json and ${report.writtenKeys.at(-1)} give (its commands, head or key fingerprint were changed)`,
    );
  });

  it('names a manifest re-signed by another key, SHA256SUMS and the bundled key replaced to match (exit 1)', async () => {
    const folder = await extracted();
    const stored = (await readManifests(ledger.store)).manifests.find((m) => m.key === tuesday.records.manifest.key)!;
    const envelope = await sealEnvelope(IN_TOTO_PAYLOAD_TYPE, encodeJson(runStatement(stored)), forger.signer);
    const envelopeKey = manifestEnvelopeKey(stored.key);
    await writeFile(join(folder, envelopeKey), JSON.stringify(envelope, null, 2));
    await resum(folder, envelopeKey);
    await writeFile(join(folder, 'fleetledger-signing.pub'), await readFile(forger.publicKeyFile));
    await resum(folder, 'fleetledger-signing.pub');

    const result = await verifyBundle(await repacked(folder));

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `other-key ${stored.key}: ${envelopeKey} signed by ${forger.key.keyId}, not by ${keys.key.keyId}\n`,
    );
    expect(result.stdout).toContain(
      `other-key fleetledger-signing.pub: the bundle's copy of the key is ${forger.key.keyId}, not the key given (${keys.key.keyId})\n`,
    );
  });

  it('names an expected head the bundle does not hold: a later checkpoint than the report rests on', async () => {
    const later = thursday.records.manifest.sha256;

    const result = await verifyBundle(bundle, '--expect-head', later);

    expect(result.status).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe(
      `head-missing ${later}: no manifest of the ledger has this SHA-256: the ledger was cut short or rewritten (or the head is from another ledger)`,
    );
  });

  it("fails with another public key than the ledger's, and asks for one when none is given (exit 2)", async () => {
    const other = await runCliInProcess(['verify', '--bundle', bundle, '--public-key', forger.publicKeyFile]);
    const none = await runCliInProcess(['verify', '--bundle', bundle]);

    expect(other.status).toBe(1);
    expect(other.stdout).toContain(`other-key ${tuesday.records.manifest.key}: `);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('error: --public-key: verify --bundle needs the public key the operator gave you');
  });
});

describe('verify --bundle against a hostile archive', () => {
  const refused = async (file: string) => {
    const result = await verifyBundle(file);
    return { status: result.status, line: result.stderr };
  };

  it('refuses a member that climbs out with ../, before reading anything of it', async () => {
    const file = await craftedArchive('climb.tar.gz', [
      { name: `${FOLDER}/SHA256SUMS`, content: '' },
      { name: `${FOLDER}/../../evil.sh`, content: 'echo pwned\n' },
    ]);

    expect(await refused(file)).toEqual({
      status: 1,
      line: `error: ${file}: refused: entry "${FOLDER}/../../evil.sh": not a path inside the bundle's folder: must not contain . or .. segments\n`,
    });
  });

  it("refuses a file beside the bundle's folder", async () => {
    const file = await craftedArchive('beside.tar.gz', [
      { name: `${FOLDER}/VERIFY.md`, content: 'x' },
      { name: 'elsewhere/run.sh', content: 'x' },
    ]);

    expect(await refused(file)).toEqual({
      status: 1,
      line: `error: ${file}: refused: entry "elsewhere/run.sh": outside the bundle's folder ${FOLDER}/\n`,
    });
  });

  it('refuses a name given twice, which extracting would resolve to the last copy', async () => {
    const file = await craftedArchive('twice.tar.gz', [
      { name: `${FOLDER}/VERIFY.md`, content: 'checked\n' },
      { name: `${FOLDER}/VERIFY.md`, content: 'extracted\n' },
    ]);

    expect(await refused(file)).toEqual({
      status: 1,
      line: `error: ${file}: refused: entry "${FOLDER}/VERIFY.md": given twice (extracting it would keep only the last)\n`,
    });
  });

  it('refuses an absolute member, a symbolic link and a hard link', async () => {
    const absolute = await craftedArchive('absolute.tar.gz', [{ name: '/etc/cron.d/evil', content: 'x' }]);
    const symlink = await craftedArchive('symlink.tar.gz', [
      { name: `${FOLDER}/snapshots`, type: 'symlink', linkname: '/etc' },
    ]);
    const hardlink = await craftedArchive('hardlink.tar.gz', [
      { name: `${FOLDER}/VERIFY.md`, type: 'link', linkname: '/etc/passwd' },
    ]);

    expect(await refused(absolute)).toEqual({
      status: 1,
      line: `error: ${absolute}: refused: entry "/etc/cron.d/evil": not a path inside the bundle's folder: must be relative (no leading /)\n`,
    });
    expect(await refused(symlink)).toEqual({
      status: 1,
      line: `error: ${symlink}: refused: entry "${FOLDER}/snapshots": a symlink entry to "/etc": a bundle holds regular files only\n`,
    });
    expect(await refused(hardlink)).toEqual({
      status: 1,
      line: `error: ${hardlink}: refused: entry "${FOLDER}/VERIFY.md": a link entry to "/etc/passwd": a bundle holds regular files only\n`,
    });
  });

  it('stops a member larger than allowed and a gzip bomb at their limits, and names a file that is no archive', async () => {
    const big = await craftedArchive('big.tar.gz', [
      { name: `${FOLDER}/snapshots/big.json.gz`, content: 'x'.repeat(4096) },
    ]);
    const bomb = join(work, 'bomb.tar.gz');
    // 64 MiB of zeros compress to about 64 KiB.
    await writeFile(bomb, gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    const notGzip = join(work, 'plain.tar.gz');
    await writeFile(notGzip, 'not an archive\n');
    const limits = { ...BUNDLE_LIMITS, fileBytes: 1024, totalBytes: 1024 * 1024 };

    await expect(readBundle(big, limits)).rejects.toThrow(
      `${big}: refused: entry "${FOLDER}/snapshots/big.json.gz": 4096 bytes, more than the 1024 a file of a bundle may have`,
    );
    await expect(readBundle(bomb, limits)).rejects.toThrow(
      `${bomb}: refused: more than 1048576 bytes once decompressed`,
    );
    expect(await refused(notGzip)).toEqual({
      status: 1,
      line: expect.stringMatching(new RegExp(`^error: ${notGzip}: not a gzip-compressed tar archive \\(`)),
    });
    expect((await stat(bomb)).size).toBeLessThan(1024 * 1024);
  });
});

describe("the README's openssl recipe", () => {
  it('is the one VERIFY.md fills in', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /<!-- openssl-recipe:begin -->\n```sh\n([\s\S]*?)\n```\n<!-- openssl-recipe:end -->/.exec(
      readme,
    )?.[1];

    expect(block).toBe(OPENSSL_RECIPE);
  });
});
