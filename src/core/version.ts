import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The fleetledger version recorded in every snapshot, manifest and report. */
export const FLEETLEDGER_VERSION: string = pkg.version;
