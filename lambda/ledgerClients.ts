/** The S3 client, ledger store and signer a handler builds once per container, from its environment. */
import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, S3LedgerStore } from '../src/ledger/s3Store.js';
import type { Signer } from '../src/signing/signer.js';
import { openSigner, SIGNING_KEY_VARIABLE } from '../src/signing/signingSetting.js';
import type { HandlerEnvironment } from './handlerEnvironment.js';

export interface LedgerClients {
  /** Reads the fleet and waivers files too. */
  readonly s3: S3Client;
  readonly store: S3LedgerStore;
}

export function createLedgerClients(environment: HandlerEnvironment): LedgerClients {
  const s3 = createS3Client(environment.s3Endpoint ? { endpoint: environment.s3Endpoint } : {});
  return { s3, store: new S3LedgerStore(s3, environment.ledger) };
}

/**
 * The signer of FLEETLEDGER_SIGNING_KEY: a KMS key (what the stack deploys: the function may
 * kms:Sign, and nobody holds the private key), or a key file relative to the function's root.
 */
export async function createSigner(environment: HandlerEnvironment): Promise<Signer | null> {
  const setting = environment.signingKey;
  if (setting === null) return null;
  const location = setting.startsWith('kms:') ? setting : resolve(process.env['LAMBDA_TASK_ROOT'] ?? '.', setting);
  return openSigner(SIGNING_KEY_VARIABLE, location);
}
