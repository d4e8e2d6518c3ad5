/**
 * The options every command that writes runs takes (`snapshot`, `report`, `run`, `demo`): which key
 * signs the run, and whether it may be earlier than the ledger's newest run.
 */
import { Option } from 'commander';
import type { Signer } from '../signing/signer.js';
import { SIGNING_KEY_VARIABLE, signerFromFlagOrEnvironment } from '../signing/signingSetting.js';

export interface RunTrustFlags {
  signingKey?: string;
  backfill?: boolean;
}

export const signingKeyOption = () =>
  new Option(
    '--signing-key <file>',
    `sign the run's records with this key: a PEM private key (keygen) or kms:<key ARN> (default: $${SIGNING_KEY_VARIABLE})`,
  );

export const backfillOption = () =>
  new Option(
    '--backfill',
    "record a run earlier than the ledger's newest run (refused otherwise); its manifest says so",
  );

/** The signer (null: unsigned) and backfill setting; ConfigError naming the flag or variable. */
export async function runTrustOf(flags: RunTrustFlags): Promise<{ signer: Signer | null; backfill: boolean }> {
  return { signer: await signerFromFlagOrEnvironment(flags.signingKey), backfill: flags.backfill === true };
}
