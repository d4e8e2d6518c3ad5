/**
 * The fleet and waivers files a handler reads on each invocation: from S3 (so the fleet can change
 * without a deployment) or from the bundle. An unreadable or invalid file is a ConfigError naming
 * the variable that points at it.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse as parseYaml } from 'yaml';
import { ConfigError, errorMessage } from '../src/core/errors.js';
import type { Waiver } from '../src/evaluate/types.js';
import { parseWaivers } from '../src/evaluate/waivers.js';
import { type Fleet, type FleetFileOptions, parseFleetFile } from '../src/fleet/fleetFile.js';
import { parseS3Location } from '../src/ledger/s3Store.js';

/** The text of `s3://bucket/key`, or of a path relative to the function's root (LAMBDA_TASK_ROOT). */
export async function readConfigText(variable: string, location: string, s3: S3Client): Promise<string> {
  const object = parseS3Location(location);
  try {
    if (!object) return await readFile(resolve(process.env['LAMBDA_TASK_ROOT'] ?? '.', location), 'utf8');
    if (object.prefix === '') throw new Error('expected s3://bucket/key, the key is missing');
    const response = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.prefix }));
    if (!response.Body) throw new Error('the object has no body');
    return await response.Body.transformToString('utf8');
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${location}: ${errorMessage(error)}`);
  }
}

export async function loadFleet(location: string, s3: S3Client, options: FleetFileOptions = {}): Promise<Fleet> {
  return parseFleetFile(await readConfigText('FLEET_FILE', location, s3), location, options);
}

/** The waivers of WAIVERS_FILE; none when it is unset. */
export async function loadWaivers(location: string | null, s3: S3Client): Promise<Waiver[]> {
  if (location === null) return [];
  const text = await readConfigText('WAIVERS_FILE', location, s3);
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`WAIVERS_FILE: ${location}: not valid YAML: ${errorMessage(error)}`);
  }
  return parseWaivers(document, location);
}
