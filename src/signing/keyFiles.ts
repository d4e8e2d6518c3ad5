/**
 * Signing keys on disk: `fleetledger keygen` writes an ECDSA P-256 pair as PEM (the private key
 * PKCS#8, the public key SPKI: what OpenSSL, AWS KMS's GetPublicKey and DSSE tooling use), and the
 * CLI reads them back. A key file is never overwritten: a new pair would orphan every signature
 * made with the old one.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lstat, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, errorMessage } from '../core/errors.js';
import { firstLine } from '../core/text.js';
import { fingerprintOf, LocalKeySigner, SIGNING_CURVE, type VerificationKey, verificationKeyOf } from './signer.js';

export const PRIVATE_KEY_FILE = 'fleetledger-signing.key';
export const PUBLIC_KEY_FILE = 'fleetledger-signing.pub';

export interface SigningKeyFiles {
  /** Absolute paths. */
  privateKey: string;
  publicKey: string;
  keyId: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function keyPaths(dir: string): { privateKey: string; publicKey: string } {
  const absolute = resolve(dir);
  return { privateKey: join(absolute, PRIVATE_KEY_FILE), publicKey: join(absolute, PUBLIC_KEY_FILE) };
}

/**
 * Generates a pair into DIR (created if needed). ConfigError naming the file when either exists:
 * nothing is written then.
 *
 * @example
 * const { publicKey, keyId } = await generateSigningKeyFiles('./keys');
 */
export async function generateSigningKeyFiles(dir: string, origin = '--out'): Promise<SigningKeyFiles> {
  const paths = keyPaths(dir);
  for (const path of [paths.privateKey, paths.publicKey]) {
    if (await exists(path)) {
      throw new ConfigError(`${origin}: ${path} already exists: refusing to overwrite a signing key`);
    }
  }
  try {
    await mkdir(resolve(dir), { recursive: true });
  } catch (error) {
    throw new ConfigError(`${origin}: cannot create ${dir}: ${firstLine(errorMessage(error))}`);
  }
  const pair = generateKeyPairSync('ec', {
    namedCurve: SIGNING_CURVE,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  // 'wx': fail rather than replace a file that appeared since the check.
  await writeFile(paths.privateKey, pair.privateKey, { flag: 'wx', mode: 0o600 });
  try {
    await writeFile(paths.publicKey, pair.publicKey, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    await unlink(paths.privateKey);
    throw new ConfigError(`${origin}: cannot write ${paths.publicKey}: ${firstLine(errorMessage(error))}`);
  }
  return { ...paths, keyId: fingerprintOf(createPublicKey(pair.publicKey)) };
}

/**
 * The pair in DIR, generated when there is none (the demo signs with a key beside its ledger):
 * an existing private key is used as it is; a public key without its private key is an error,
 * since a new pair would not match it.
 */
export async function ensureSigningKeyFiles(
  dir: string,
  origin: string,
): Promise<SigningKeyFiles & { created: boolean }> {
  const paths = keyPaths(dir);
  const [hasPrivate, hasPublic] = [await exists(paths.privateKey), await exists(paths.publicKey)];
  if (!hasPrivate && !hasPublic) return { ...(await generateSigningKeyFiles(dir, origin)), created: true };
  if (!hasPrivate) {
    throw new ConfigError(
      `${origin}: ${paths.publicKey} exists without ${PRIVATE_KEY_FILE}: refusing to generate a pair that would not match it`,
    );
  }
  const signer = readSigningKeyFile(origin, paths.privateKey);
  const { keyId, publicKey } = await signer.verificationKey();
  if (!hasPublic) {
    await writeFile(paths.publicKey, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx', mode: 0o644 });
  } else if (readPublicKeyFile(origin, paths.publicKey).keyId !== keyId) {
    throw new ConfigError(`${origin}: ${paths.publicKey} is not the public key of ${paths.privateKey}`);
  }
  return { ...paths, keyId, created: false };
}

function readPem(origin: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${origin}: cannot read ${path}: ${firstLine(errorMessage(error))}`);
  }
}

/** A private key file as a signer; ConfigError naming the file when it is not a P-256 private key. */
export function readSigningKeyFile(origin: string, path: string): LocalKeySigner {
  const pem = readPem(origin, path);
  try {
    return new LocalKeySigner(createPrivateKey(pem), `${origin} ${path}`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `${origin}: ${path} is not a PEM private key (expected PKCS#8 "BEGIN PRIVATE KEY", as keygen writes): ${firstLine(errorMessage(error))}`,
    );
  }
}

/** A public key file (SPKI PEM); ConfigError naming the file otherwise. */
export function readPublicKeyFile(origin: string, path: string): VerificationKey {
  const pem = readPem(origin, path);
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new ConfigError(`${origin}: ${path} is not a PEM public key (expected "BEGIN PUBLIC KEY", as keygen writes)`);
  }
  try {
    return verificationKeyOf(createPublicKey(pem), `${origin} ${path}`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${origin}: ${path} is not a readable public key: ${firstLine(errorMessage(error))}`);
  }
}
