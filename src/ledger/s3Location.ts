/**
 * Where an S3 ledger or configuration object is (`s3://bucket[/prefix]`, `s3://bucket/key`),
 * checked as the flag or setting naming it is read: a module apart from the S3 store, so that a
 * command on a directory ledger does not load the AWS SDK.
 */
import { ConfigError } from '../core/errors.js';
import { keyProblemOf } from './keys.js';

export interface S3Location {
  bucket: string;
  /** '' or a prefix without leading or trailing '/'. */
  prefix: string;
}

// Bucket names as S3 has allowed them (legacy us-east-1 buckets included): nothing that is a path
// segment of its own (`.`, `..`) or could end the bucket's part of a path-style URL.
export const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
const BUCKET_RULE =
  '3 to 255 letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit';

/** The bucket and the rest of `s3://bucket/rest`; null when the text is not an s3:// URL. */
function splitS3Url(location: string, flag: string): { bucket: string; rest: string } | null {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(location);
  if (!match) return null;
  const bucket = match[1]!;
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError(
      `${flag}: ${JSON.stringify(bucket)} in ${JSON.stringify(location)} is not a bucket name (${BUCKET_RULE})`,
    );
  }
  return { bucket, rest: match[2] ?? '' };
}

/**
 * Parses `s3://bucket[/prefix]` (one trailing `/` is dropped); null when the text is not an s3://
 * URL. A prefix with `.`, `..` or empty segments, a backslash or control characters is a
 * ConfigError naming `flag`: on path-style endpoints `s3://bucket/../other` would reach another
 * bucket, and no such prefix names the same place on every S3 implementation.
 *
 * @example
 * parseS3Location('s3://audit-ledger/prod/', '--store') // { bucket: 'audit-ledger', prefix: 'prod' }
 */
export function parseS3Location(location: string, flag = '--store'): S3Location | null {
  const url = splitS3Url(location, flag);
  if (!url) return null;
  const problem = keyProblemOf(url.rest, 'prefix');
  if (problem) throw new ConfigError(`${flag}: the prefix of ${JSON.stringify(location)} ${problem}`);
  return { bucket: url.bucket, prefix: url.rest.replace(/\/$/, '') };
}

/** Parses `s3://bucket/key` of one object (a configuration file), by the same rules; null when not s3://. */
export function parseS3ObjectLocation(location: string, flag: string): { bucket: string; key: string } | null {
  const url = splitS3Url(location, flag);
  if (!url) return null;
  const problem = keyProblemOf(url.rest);
  if (problem) throw new ConfigError(`${flag}: the key of ${JSON.stringify(location)} ${problem}`);
  return { bucket: url.bucket, key: url.rest };
}
