/**
 * Which key signs a run: `--signing-key` or the environment variable FLEETLEDGER_SIGNING_KEY,
 * either a PEM key file or `kms:<key ARN>` (the deployed functions). No setting: the run is
 * unsigned, as before signing existed.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import { ConfigError } from '../core/errors.js';
import { readSigningKeyFile } from './keyFiles.js';
import type { Signer } from './signer.js';

export const SIGNING_KEY_VARIABLE = 'FLEETLEDGER_SIGNING_KEY';

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;

/**
 * The signer a setting names; ConfigError naming `origin` (the flag or variable) when the file is
 * not a P-256 private key or the ARN is not a KMS key ARN.
 *
 * @example
 * const signer = await openSigner('--signing-key', './keys/fleetledger-signing.key');
 * const kms = await openSigner('FLEETLEDGER_SIGNING_KEY', 'kms:arn:aws:kms:eu-west-1:123456789012:key/1234abcd-...');
 */
export async function openSigner(origin: string, setting: string, kmsClient?: KMSClient): Promise<Signer> {
  if (setting.startsWith('kms:')) {
    const arn = setting.slice('kms:'.length);
    const match = KMS_KEY_ARN.exec(arn);
    if (!match) {
      throw new ConfigError(
        `${origin}: expected kms:arn:aws:kms:<region>:<account>:key/<id> (or alias/<name>), got "${setting}"`,
      );
    }
    // Loaded only for a KMS key: the SDK client would slow every CLI start.
    const { KMSClient, KmsSigner } = await import('./kmsSigner.js');
    return new KmsSigner(kmsClient ?? new KMSClient({ region: match[1]! }), arn);
  }
  if (setting.trim() === '') throw new ConfigError(`${origin}: expected a key file or kms:<key ARN>, got nothing`);
  return readSigningKeyFile(origin, setting);
}

/** `--signing-key`, else FLEETLEDGER_SIGNING_KEY, else null (unsigned). */
export async function signerFromFlagOrEnvironment(
  flag: string | undefined,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Signer | null> {
  if (flag !== undefined) return openSigner('--signing-key', flag);
  const setting = environment[SIGNING_KEY_VARIABLE];
  return setting === undefined || setting === '' ? null : openSigner(SIGNING_KEY_VARIABLE, setting);
}
