/**
 * Reading a configuration file named by a function's environment: an S3 object or a file of the
 * function's code. A module of its own, so that a function reading its fleet without the rules
 * (lambda/collectionFleet.ts) does not carry configFiles.ts and the CEL chunk it may load.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ConfigFile, configFileOf } from '../src/core/configFile.js';
import { ConfigError, errorMessage } from '../src/core/errors.js';
import { parseS3ObjectLocation } from '../src/ledger/s3Location.js';

/** The bytes of `s3://bucket/key`, or of a path relative to the function's root (LAMBDA_TASK_ROOT). */
export async function readConfigLocation(variable: string, location: string, s3: S3Client): Promise<ConfigFile> {
  const object = parseS3ObjectLocation(location, variable);
  let bytes: Uint8Array;
  try {
    if (!object) {
      bytes = await readFile(resolve(process.env['LAMBDA_TASK_ROOT'] ?? '.', location));
    } else {
      const response = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
      if (!response.Body) throw new Error('the object has no body');
      bytes = await response.Body.transformToByteArray();
    }
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${location}: ${errorMessage(error)}`);
  }
  return configFileOf(location, bytes);
}
