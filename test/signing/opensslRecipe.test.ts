/**
 * The README's openssl-only recipe, run as written with the openssl CLI on a signed ledger: it
 * verifies a genuine manifest and its objects, and fails a changed object and a foreign signature.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createDirectoryStore, type StoreUnderTest } from '../ledger/storeFixtures.js';
import { snapshotRun, type TestKeyPair, testKeyPair } from '../support/signedLedger.js';

const README = new URL('../../README.md', import.meta.url);

/** The sh block between the recipe markers, with the manifest and public key it checks filled in. */
async function recipe(manifest: string, publicKey: string): Promise<string> {
  const text = await readFile(README, 'utf8');
  const block = /<!-- openssl-recipe:begin -->\n```sh\n([\s\S]*?)```\n<!-- openssl-recipe:end -->/.exec(text)?.[1];
  if (!block) throw new Error('README.md: no openssl recipe between its markers');
  return block.replace(/^M=\S+/m, `M=${manifest}`).replace(/^PUB=\S+/m, `PUB='${publicKey}'`);
}

const sh = async (script: string, cwd: string) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', script], { cwd });
    return { stdout, stderr };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string };
    return { stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe("the README's openssl recipe", () => {
  let keys: TestKeyPair;
  let forger: TestKeyPair;
  let ledger: StoreUnderTest;
  beforeAll(async () => {
    [keys, forger, ledger] = await Promise.all([testKeyPair(), testKeyPair(), createDirectoryStore()]);
  });
  afterAll(async () => {
    await ledger.dispose();
    await Promise.all([keys, forger].map((pair) => rm(pair.dir, { recursive: true, force: true })));
  });

  it('verifies a signed manifest and every object it records with openssl alone, and names a changed object', async () => {
    const run = await snapshotRun(ledger.store, '2026-11-25T06:00:00.000Z', ['lab', 'prod-east'], keys.signer);
    const manifest = run.records.manifest.key;

    const genuine = await sh(await recipe(manifest, keys.publicKeyFile), ledger.location);
    await ledger.overwrite(run.written[1]!.key, new TextEncoder().encode('altered'));
    const altered = await sh(await recipe(manifest, keys.publicKeyFile), ledger.location);

    // Nothing of the recipe's is left in the ledger.
    expect(
      (await ledger.store.list('')).filter((o) => !/^(snapshots|manifests|openings|index\/heads)\//.test(o.key)),
    ).toEqual([]);
    expect(genuine.stdout.split('\n')).toEqual([
      'Verified OK',
      `OK ${manifest}`,
      `OK ${run.records.index.key}`,
      `OK ${run.written[0]!.key}`,
      `OK ${run.written[1]!.key}`,
      '',
    ]);
    expect(altered.stdout.split('\n').slice(-2)).toEqual([`FAILED ${run.written[1]!.key}`, '']);
  });

  it('fails a manifest signed by another key', async () => {
    const run = await snapshotRun(ledger.store, '2026-11-26T06:00:00.000Z', ['lab'], forger.signer);

    const forged = await sh(await recipe(run.records.manifest.key, keys.publicKeyFile), ledger.location);

    expect(forged.stdout.split('\n')[0]).toBe('Verification failure');
  });
});
