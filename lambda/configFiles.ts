/**
 * The fleet and waivers files a handler reads on each invocation: from S3 (so the fleet can change
 * without a deployment) or from the bundle. An unreadable or invalid file is a ConfigError naming
 * the variable that points at it.
 */
import { isAbsolute, posix } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { type ConfigFile, parseConfigYaml } from '../src/core/configFile.js';
import { ConfigError } from '../src/core/errors.js';
import type { Waiver } from '../src/evaluate/types.js';
import { parseWaiversText, type WaiverLimits } from '../src/evaluate/waivers.js';
import {
  type Fleet,
  type FleetFileOptions,
  parseFleetDocument,
  rulesFilesNamedBy,
} from '../src/fleet/fleetDocument.js';
import { parseS3ObjectLocation } from '../src/ledger/s3Location.js';
import { readConfigLocation } from './configLocation.js';

export { readConfigLocation };

/**
 * The fleet of FLEET_FILE, with the bytes read (for the report's configuration record). The rules
 * files its `rules.files` names are read beside it: from the same bucket and prefix (the config
 * prefix) when the fleet file is in S3, else from the bundle. Checking access (the default) needs
 * `kubeconfigs`: the open-run function gives KubeconfigDocuments (the kubeconfig checks without the
 * Kubernetes client), the snapshot step the KubeconfigFiles it collects with; the report function
 * reads names and rules only (`checkAccess: false`).
 */
export async function readFleet(
  location: string,
  s3: S3Client,
  options: FleetFileOptions = {},
): Promise<{ fleet: Fleet; source: ConfigFile }> {
  const source = await readConfigLocation('FLEET_FILE', location, s3);
  const document = parseConfigYaml(source);
  const rulesFiles = await Promise.all(
    rulesFilesNamedBy(document).map((path) =>
      readConfigLocation(`FLEET_FILE ${location}: rules.files`, besideConfig(location, path), s3),
    ),
  );
  // The CEL library (with protobuf, 0.28 MB of code) is a chunk loaded only for custom rules.
  const customRules =
    rulesFiles.length > 0 ? (await import('../src/customRules/rulesFile.js')).rulesOfFiles : undefined;
  return {
    fleet: parseFleetDocument(document, location, { ...options, rulesFiles, ...(customRules ? { customRules } : {}) }),
    source,
  };
}

/**
 * Where a file a configuration file names (relative to it) lives: `s3://b/config/fleet.yaml` and
 * `rules/org.yaml` give `s3://b/config/rules/org.yaml`. A path that climbs out of the bucket, or an
 * absolute one, is a ConfigError: the functions read their configuration from where they are told.
 */
export function besideConfig(location: string, path: string): string {
  if (isAbsolute(path) || path.includes('://')) {
    throw new ConfigError(
      `FLEET_FILE ${location}: rules.files: expected a path relative to the fleet file, got ${path}`,
    );
  }
  const object = parseS3ObjectLocation(location, 'FLEET_FILE');
  const base = object ? object.key : location;
  const joined = posix.normalize(posix.join(posix.dirname(base), path));
  if (joined === '..' || joined.startsWith('../')) {
    throw new ConfigError(
      `FLEET_FILE ${location}: rules.files: ${path} is outside the fleet file's ${object ? 'bucket' : 'bundle'}`,
    );
  }
  return object ? `s3://${object.bucket}/${joined}` : joined;
}

export async function loadFleet(location: string, s3: S3Client, options: FleetFileOptions = {}): Promise<Fleet> {
  return (await readFleet(location, s3, options)).fleet;
}

/** The waivers of WAIVERS_FILE (none when it is unset), with the bytes read. */
export async function readWaivers(
  location: string | null,
  s3: S3Client,
  limits: WaiverLimits,
): Promise<{ waivers: Waiver[]; source: ConfigFile | null }> {
  if (location === null) return { waivers: [], source: null };
  const source = await readConfigLocation('WAIVERS_FILE', location, s3);
  return { waivers: parseWaiversText(source.text, location, limits), source };
}
