/** Crash safety on an S3 ledger (s3rver): see test/support/crashSafety.ts. */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describeCrashSafety } from '../support/crashSafety.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';

let s3: RunningS3rver;
let prefixes = 0;
beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'crash-ledger' });
});
afterAll(() => s3.stop());

describeCrashSafety('S3 store (s3rver)', async () => {
  prefixes += 1;
  const prefix = `ledger-${prefixes}`;
  const client = new S3Client(s3.clientConfig);
  return {
    location: `s3://${s3.bucket}/${prefix}`,
    cliArgs: ['--s3-endpoint', s3.endpoint],
    env: s3.environment,
    store: s3.store(prefix),
    plant: async (key, bytes) => {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${key}`, Body: bytes }));
    },
    dispose: async () => client.destroy(),
  };
});
