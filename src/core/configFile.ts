/**
 * A configuration file (fleet file, waivers file) as a run read it: once, keeping its bytes, so
 * that the run parses exactly the bytes the report records (path and SHA-256, see
 * src/report/configuration.ts).
 */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from './errors.js';

export interface ConfigFile {
  /** Where it was read from, as the run was given it (a path, s3://bucket/key, a bundle path). */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** The bytes as UTF-8 text. */
  readonly text: string;
}

export function configFileOf(path: string, bytes: Uint8Array): ConfigFile {
  return { path, bytes, text: Buffer.from(bytes).toString('utf8') };
}

/** Reads a local file; ConfigError naming the flag or variable that pointed at it. */
export function readConfigFile(flag: string, path: string): ConfigFile {
  try {
    return configFileOf(path, readFileSync(path));
  } catch (error) {
    throw new ConfigError(`${flag}: cannot read ${path}: ${errorMessage(error)}`);
  }
}
