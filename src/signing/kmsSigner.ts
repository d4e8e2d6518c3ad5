/**
 * A signing key that never leaves AWS KMS (an asymmetric ECC_NIST_P256 / SIGN_VERIFY key): the
 * deployed functions sign with it (`kms:Sign`), so nobody holds the private key, not even the
 * operator. Its public key (`kms:GetPublicKey`) is an ordinary SPKI key that openssl and
 * `fleetledger verify --public-key` take.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type GetPublicKeyCommandOutput, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { errorMessage, OperationalError } from '../core/errors.js';
import { firstLine } from '../core/text.js';
import { type Signer, type VerificationKey, verificationKeyOf } from './signer.js';

/**
 * The client, for openSigner, which loads this module on demand: loaded with import(), the SDK package
 * would be kept whole by the bundler (every KMS command and model) for the two commands used here.
 */
export { KMSClient };

/** KMS signs a RAW message of at most 4096 bytes; longer ones are sent as their SHA-256 (DIGEST). */
export const KMS_RAW_MESSAGE_LIMIT = 4096;

function failure(keyArn: string, action: string, error: unknown): OperationalError {
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  return new OperationalError(`kms:${keyArn}: ${action} failed (${name}: ${firstLine(errorMessage(error))})`);
}

/**
 * @example
 * const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), 'arn:aws:kms:eu-west-1:123456789012:key/...');
 */
export class KmsSigner implements Signer {
  #verificationKey: Promise<VerificationKey> | undefined;

  constructor(
    private readonly client: KMSClient,
    readonly keyArn: string,
  ) {}

  /** Read once per signer (a Lambda container builds one signer and reuses it). */
  verificationKey(): Promise<VerificationKey> {
    this.#verificationKey ??= this.#readPublicKey();
    return this.#verificationKey;
  }

  async #readPublicKey(): Promise<VerificationKey> {
    let response: GetPublicKeyCommandOutput;
    try {
      response = await this.client.send(new GetPublicKeyCommand({ KeyId: this.keyArn }));
    } catch (error) {
      this.#verificationKey = undefined;
      throw failure(this.keyArn, 'reading the public key (kms:GetPublicKey)', error);
    }
    if (response.KeySpec !== 'ECC_NIST_P256' || response.KeyUsage !== 'SIGN_VERIFY' || !response.PublicKey) {
      throw new OperationalError(
        `kms:${this.keyArn}: expected an ECC_NIST_P256 key for SIGN_VERIFY, got ${response.KeySpec ?? 'no key spec'} for ${response.KeyUsage ?? 'no usage'}`,
      );
    }
    const publicKey = createPublicKey({ key: Buffer.from(response.PublicKey), format: 'der', type: 'spki' });
    return verificationKeyOf(publicKey, `kms:${this.keyArn}`);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const raw = message.byteLength <= KMS_RAW_MESSAGE_LIMIT;
    try {
      const response = await this.client.send(
        new SignCommand({
          KeyId: this.keyArn,
          SigningAlgorithm: 'ECDSA_SHA_256',
          MessageType: raw ? 'RAW' : 'DIGEST',
          Message: raw ? message : createHash('sha256').update(message).digest(),
        }),
      );
      if (!response.Signature) throw new Error('the response holds no signature');
      return response.Signature;
    } catch (error) {
      throw failure(this.keyArn, 'signing (kms:Sign)', error);
    }
  }
}
