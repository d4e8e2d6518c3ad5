/**
 * `fleetledger keygen`: an ECDSA P-256 pair in the formats OpenSSL and AWS KMS use, whose
 * fingerprint is what openssl computes; an existing key file is never overwritten.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../ledger/storeFixtures.js';

describe('fleetledger keygen', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keygen-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const keygen = (out: string) => captureOutput(() => main(['keygen', '--out', out]));

  it('writes a PKCS#8 private key (owner-only) and an SPKI public key on P-256, and prints the fingerprint openssl computes', async () => {
    const out = join(dir, 'keys');

    const cli = await keygen(out);

    const privatePem = await readFile(join(out, 'fleetledger-signing.key'), 'utf8');
    const publicPem = await readFile(join(out, 'fleetledger-signing.pub'), 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect(createPrivateKey(privatePem).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(createPublicKey(privatePem).export({ type: 'spki', format: 'pem' })).toBe(publicPem);
    expect((await stat(join(out, 'fleetledger-signing.key'))).mode & 0o777).toBe(0o600);
    const der = execFileSync('openssl', [
      'pkey',
      '-pubin',
      '-in',
      join(out, 'fleetledger-signing.pub'),
      '-outform',
      'DER',
    ]);
    const digest = execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: der }).toString().slice(0, 64);
    expect(cli.result).toBe(0);
    expect(cli.stdout.split('\n')).toEqual([
      `private key: ${join(out, 'fleetledger-signing.key')} (keep it secret: whoever holds it can sign runs)`,
      `public key:  ${join(out, 'fleetledger-signing.pub')} (give it to auditors: fleetledger verify --public-key)`,
      `fingerprint: sha256:${digest}`,
      '',
    ]);
  });

  it('never overwrites a key: a second keygen, or one where only the public key exists, fails with exit 2 and writes nothing', async () => {
    await keygen(dir);
    const before = await readFile(join(dir, 'fleetledger-signing.key'));
    const other = await mkdtemp(join(tmpdir(), 'keygen-pub-only-'));
    await writeFile(join(other, 'fleetledger-signing.pub'), 'an auditor copy\n');

    const again = await keygen(dir);
    const publicOnly = await keygen(other);

    expect(again.result).toBe(2);
    expect(again.stderr).toBe(
      `error: --out: ${join(dir, 'fleetledger-signing.key')} already exists: refusing to overwrite a signing key\n`,
    );
    expect(await readFile(join(dir, 'fleetledger-signing.key'))).toEqual(before);
    expect(publicOnly.result).toBe(2);
    expect(publicOnly.stderr).toBe(
      `error: --out: ${join(other, 'fleetledger-signing.pub')} already exists: refusing to overwrite a signing key\n`,
    );
    expect(await readFile(join(other, 'fleetledger-signing.pub'), 'utf8')).toBe('an auditor copy\n');
    await rm(other, { recursive: true, force: true });
  });

  it('refuses a signing key or public key that is not a P-256 PEM key, naming the file (exit 2)', async () => {
    const rsa = join(dir, 'rsa.key');
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(rsa, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await keygen(dir);
    const store = join(dir, 'ledger');

    const wrongKind = await captureOutput(() => main(['report', '--store', store, '--signing-key', rsa]));
    const publicAsPrivate = await captureOutput(() =>
      main(['report', '--store', store, '--signing-key', join(dir, 'fleetledger-signing.pub')]),
    );
    const privateAsPublic = await captureOutput(() =>
      main(['verify', '--store', store, '--public-key', join(dir, 'fleetledger-signing.key')]),
    );

    expect([wrongKind.result, publicAsPrivate.result, privateAsPublic.result]).toEqual([2, 2, 2]);
    expect(wrongKind.stderr).toBe(`error: --signing-key ${rsa}: expected an EC (ECDSA) key on P-256, got a rsa key\n`);
    expect(publicAsPrivate.stderr).toMatch(
      new RegExp(
        `^error: --signing-key: ${join(dir, 'fleetledger-signing.pub')} is not a PEM private key \\(expected PKCS#8`,
      ),
    );
    expect(privateAsPublic.stderr).toBe(
      `error: --public-key: ${join(dir, 'fleetledger-signing.key')} is not a PEM public key (expected "BEGIN PUBLIC KEY", as keygen writes)\n`,
    );
  });
});
