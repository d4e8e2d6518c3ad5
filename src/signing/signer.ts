/**
 * Who signs and how a signature is checked: ECDSA on NIST P-256 with SHA-256, the key type AWS KMS
 * (ECC_NIST_P256), OpenSSL and the DSSE / in-toto tooling all sign and verify. A signature is the
 * DER encoding (what `openssl dgst -sha256 -verify` and KMS produce and accept).
 */
import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { ConfigError } from '../core/errors.js';

/** A public key and its fingerprint, the DSSE `keyid` and the report's `signingKey`. */
export interface VerificationKey {
  readonly publicKey: KeyObject;
  /** `sha256:` and the hex SHA-256 of the DER SubjectPublicKeyInfo (`openssl pkey -pubin -outform DER | openssl dgst -sha256`). */
  readonly keyId: string;
}

/** Signs the ledger's records: a key file here, or a key that never leaves AWS KMS. */
export interface Signer {
  /** The public half, for the runs' own trust decisions and the fingerprint they record. */
  verificationKey(): Promise<VerificationKey>;
  /** ECDSA P-256 / SHA-256 over the message, DER-encoded. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The one curve fleetledger signs with: P-256 (OpenSSL and Node call it prime256v1). */
export const SIGNING_CURVE = 'prime256v1';

/** The fingerprint of a public key: `sha256:<hex of the SHA-256 of its DER SubjectPublicKeyInfo>`. */
export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

/** Why a key is not one fleetledger signs with, or null when it is an EC P-256 key. */
export function keyProblem(key: KeyObject): string | null {
  if (key.asymmetricKeyType !== 'ec') return `expected an EC (ECDSA) key on P-256, got a ${key.asymmetricKeyType} key`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === SIGNING_CURVE ? null : `expected an EC key on P-256 (prime256v1), got curve ${curve}`;
}

/** The verification key of a public key; ConfigError naming `origin` when it is not P-256. */
export function verificationKeyOf(publicKey: KeyObject, origin: string): VerificationKey {
  const problem = keyProblem(publicKey);
  if (problem) throw new ConfigError(`${origin}: ${problem}`);
  return { publicKey, keyId: fingerprintOf(publicKey) };
}

/**
 * A private key held by this process (`--signing-key FILE`, the demo's generated key).
 *
 * @example
 * const signer = new LocalKeySigner(createPrivateKey(pem), 'fleetledger-signing.key');
 */
export class LocalKeySigner implements Signer {
  readonly #privateKey: KeyObject;
  readonly #verificationKey: VerificationKey;

  constructor(privateKey: KeyObject, origin: string) {
    const problem = keyProblem(privateKey);
    if (problem) throw new ConfigError(`${origin}: ${problem}`);
    this.#privateKey = privateKey;
    this.#verificationKey = verificationKeyOf(createPublicKey(privateKey), origin);
  }

  async verificationKey(): Promise<VerificationKey> {
    return this.#verificationKey;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign('sha256', message, { key: this.#privateKey, dsaEncoding: 'der' }));
  }
}
