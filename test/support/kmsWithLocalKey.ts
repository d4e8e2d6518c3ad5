/**
 * AWS KMS at the SDK boundary (aws-sdk-client-mock), answering with a real key held by the test:
 * GetPublicKey returns its SPKI, Sign returns a real ECDSA signature by it, so what fleetledger
 * signs through KMS is verified for real. A RAW message is signed with Node's crypto (SHA-256 then
 * ECDSA, as KMS does); a DIGEST is signed as given with `openssl pkeyutl`, which, like KMS, does
 * not hash it again.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { TestKeyPair } from './signedLedger.js';

export const KMS_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

export function answerWithLocalKey(kms: AwsClientStub<KMSClient>, keys: TestKeyPair): void {
  const privateKey = createPrivateKey(readFileSync(keys.privateKeyFile));
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: KMS_KEY_ARN,
    PublicKey: new Uint8Array(keys.key.publicKey.export({ type: 'spki', format: 'der' })),
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ECDSA_SHA_256'],
  });
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array; MessageType?: string }) => {
    const signature =
      input.MessageType === 'DIGEST'
        ? execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', keys.privateKeyFile], {
            input: Buffer.from(input.Message),
          })
        : sign('sha256', input.Message, { key: privateKey, dsaEncoding: 'der' });
    return { KeyId: KMS_KEY_ARN, Signature: new Uint8Array(signature), SigningAlgorithm: 'ECDSA_SHA_256' };
  });
}
