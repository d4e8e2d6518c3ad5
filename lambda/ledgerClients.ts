/** The S3 client and ledger store a handler builds once per container, from its environment. */
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, S3LedgerStore } from '../src/ledger/s3Store.js';
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
