import type { S3Client } from '@aws-sdk/client-s3';
import { parseConfigYaml } from '../src/core/configFile.js';
import { type Fleet, type FleetFileOptions, parseFleetDocument } from '../src/fleet/fleetDocument.js';
import { readConfigLocation } from './configLocation.js';

/**
 * The fleet as the per-cluster snapshot step needs it: clusters, access and defaults, without its
 * `rules` section. Rules apply when a period is evaluated, and the open-run step has validated the
 * whole file (its rules files and their CEL included) when the run began; leaving the section out
 * here keeps the CEL library out of the snapshot function's code.
 */
export async function loadFleetForCollection(
  location: string,
  s3: S3Client,
  options: Omit<FleetFileOptions, 'rulesFiles' | 'customRules'> = {},
): Promise<Fleet> {
  const source = await readConfigLocation('FLEET_FILE', location, s3);
  const document = parseConfigYaml(source);
  const collected =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? Object.fromEntries(Object.entries(document).filter(([key]) => key !== 'rules'))
      : document;
  return parseFleetDocument(collected, location, options);
}
