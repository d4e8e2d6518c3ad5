// Runs s3rver in its own Node process, started by test/support/s3rver.ts with
// --openssl-legacy-provider: s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES,
// which OpenSSL 3 (Node >= 17) only offers through the legacy provider; without it every list
// of more than 1,000 keys fails with InternalError.
// Usage: node --openssl-legacy-provider s3rverProcess.cjs <directory> <bucket>
// Prints {"port":N} once listening; exits when stdin closes (the parent went away) or on SIGTERM.
'use strict';
const S3rver = require('s3rver');

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});

const stop = () => {
  server.close().finally(() => process.exit(0));
};

server.run().then(
  ({ port }) => {
    process.stdout.write(`${JSON.stringify({ port })}\n`);
    process.stdin.on('end', stop);
    process.stdin.resume();
    process.on('SIGTERM', stop);
  },
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
