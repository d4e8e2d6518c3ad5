#!/usr/bin/env node
// Runs the CLI built into dist/ (scripts/build.ts; `npm ci` builds it through `prepare`).
// Nothing is imported before the Node.js version is checked: on an older Node the Kubernetes
// client's HTTP library fails with a TypeError deep inside undici instead of saying why.
const MINIMUM = [22, 19];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  process.stderr.write(
    `fleetledger needs Node.js ${MINIMUM.join('.')} or later (this is v${process.versions.node} at ${process.execPath})\n`,
  );
  process.exit(1);
}

// A large report holds a few hundred MB of short-lived objects at once (the evaluation, the report
// document, each file as it is written). V8 lets its old generation grow to several times what was
// live at its last full collection before it collects again, so the process's peak was mostly
// garbage (the report of 50,000 namespaces: 716 MB at its peak, 150 MB live). Growing by a quarter
// keeps the peak near what is live, for a few more full collections.
const { setFlagsFromString } = await import('node:v8');
setFlagsFromString('--heap-growing-percent=25');

const { ensureBuilt } = await import('./ensureBuilt.js');
ensureBuilt();
const { main } = await import('../dist/cli.js');
const code = await main(process.argv.slice(2));

// main() resolves when the command is done (`simulate` only after its stop signal and shutdown).
// Exit then rather than waiting for the event loop to drain: a connection to an endpoint that
// accepted but never answered stays open in the HTTP client until its 10 s connect timeout.
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
