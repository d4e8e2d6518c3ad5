import { readFileSync } from 'node:fs';
import { packageFile } from './packageRoot.js';

// A bundled Lambda has no package.json above its code: the deployment (infra/) passes the version in
// FLEETLEDGER_BUNDLED_VERSION instead.
const packageVersion = () =>
  (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;

/** The fleetledger version recorded in every snapshot, manifest and report. */
export const FLEETLEDGER_VERSION: string = process.env['FLEETLEDGER_BUNDLED_VERSION'] || packageVersion();
