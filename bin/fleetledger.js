#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx: `npx fleetledger` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));

// main() resolves when the command is done (`simulate` only after its stop signal and shutdown).
// Exit then rather than waiting for the event loop to drain: a connection to an endpoint that
// accepted but never answered stays open in the HTTP client until its 10 s connect timeout.
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
