/**
 * Signing with a key that never leaves AWS KMS: the SDK is mocked at its boundary and answers with
 * a real key (test/support/kmsWithLocalKey.ts), so every signature checked here is real.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError, OperationalError } from '../../src/core/errors.js';
import { sealEnvelope, signatureProblem } from '../../src/signing/dsse.js';
import { KMS_RAW_MESSAGE_LIMIT, KmsSigner } from '../../src/signing/kmsSigner.js';
import { openSigner } from '../../src/signing/signingSetting.js';
import { answerWithLocalKey, KMS_KEY_ARN } from '../support/kmsWithLocalKey.js';
import { type TestKeyPair, testKeyPair } from '../support/signedLedger.js';

const kms = mockClient(KMSClient);
let keys: TestKeyPair;
beforeAll(async () => {
  keys = await testKeyPair();
});
afterAll(async () => {
  kms.restore();
  await rm(keys.dir, { recursive: true, force: true });
});
beforeEach(() => {
  kms.reset();
  answerWithLocalKey(kms, keys);
});

describe('KmsSigner', () => {
  it('signs a short message as RAW and a long one as its SHA-256 DIGEST, both verifying with the public key', async () => {
    const signer = await openSigner('FLEETLEDGER_SIGNING_KEY', `kms:${KMS_KEY_ARN}`);
    const short = await sealEnvelope('application/vnd.in-toto+json', new TextEncoder().encode('{"a":1}'), signer);
    const long = await sealEnvelope('application/vnd.in-toto+json', randomBytes(KMS_RAW_MESSAGE_LIMIT), signer);

    const types = kms.commandCalls(SignCommand).map((call) => call.args[0].input);
    expect(types.map((input) => [input.KeyId, input.MessageType, input.SigningAlgorithm])).toEqual([
      [KMS_KEY_ARN, 'RAW', 'ECDSA_SHA_256'],
      [KMS_KEY_ARN, 'DIGEST', 'ECDSA_SHA_256'],
    ]);
    expect(types[1]!.Message).toHaveLength(32);
    expect(signatureProblem(short, keys.key)).toBeNull();
    expect(signatureProblem(long, keys.key)).toBeNull();
    expect(short.signatures[0]!.keyid).toBe(keys.key.keyId);
  });

  it('reads the public key once per signer', async () => {
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), KMS_KEY_ARN);

    const [a, b] = [await signer.verificationKey(), await signer.verificationKey()];

    expect(a.keyId).toBe(keys.key.keyId);
    expect(b).toBe(a);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('names the key and the refusal when KMS denies kms:Sign, and refuses a key that is not ECC_NIST_P256', async () => {
    kms
      .on(SignCommand)
      .rejects(
        Object.assign(new Error('User is not authorized to perform: kms:Sign'), { name: 'AccessDeniedException' }),
      );
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), KMS_KEY_ARN);
    await expect(signer.sign(new Uint8Array(8))).rejects.toThrow(
      new OperationalError(
        `kms:${KMS_KEY_ARN}: signing (kms:Sign) failed (AccessDeniedException: User is not authorized to perform: kms:Sign)`,
      ),
    );

    kms
      .on(GetPublicKeyCommand)
      .resolves({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: new Uint8Array(4) });
    await expect(new KmsSigner(new KMSClient({ region: 'eu-west-1' }), KMS_KEY_ARN).verificationKey()).rejects.toThrow(
      `kms:${KMS_KEY_ARN}: expected an ECC_NIST_P256 key for SIGN_VERIFY, got RSA_2048 for SIGN_VERIFY`,
    );
  });

  it('refuses a kms: setting that is not a KMS key ARN, naming where it came from', async () => {
    await expect(openSigner('FLEETLEDGER_SIGNING_KEY', 'kms:1234abcd')).rejects.toThrow(
      new ConfigError(
        'FLEETLEDGER_SIGNING_KEY: expected kms:arn:aws:kms:<region>:<account>:key/<id> (or alias/<name>), got "kms:1234abcd"',
      ),
    );
  });
});
