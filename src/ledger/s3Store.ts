/**
 * The ledger on S3 (or any S3-compatible server): the same keys as the directory store, under an
 * optional prefix of one bucket.
 */

import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { OperationalError } from '../core/errors.js';
import { assertValidKey, assertValidPrefix, compareKeys, keyProblemOf } from './keys.js';
import { BUCKET_NAME, type S3Location } from './s3Location.js';
import {
  type LedgerStore,
  ObjectExistsError,
  ObjectNotFoundError,
  type PutBody,
  type PutOptions,
  type PutResult,
  type StoredObjectInfo,
  type StoreEntry,
} from './store.js';

export interface S3ClientOptions {
  /** An S3-compatible endpoint (e.g. http://localhost:4568); implies path-style addressing. */
  endpoint?: string;
  region?: string;
  /** Extra client settings (tests: credentials, requestChecksumCalculation). */
  config?: S3ClientConfig;
}

/**
 * An S3 client from the standard AWS configuration (region, credential chain,
 * AWS_ENDPOINT_URL_S3), or an explicit endpoint with path-style addressing.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const region =
    options.region ??
    process.env['AWS_REGION'] ??
    process.env['AWS_DEFAULT_REGION'] ??
    // S3-compatible servers ignore the region, but the SDK will not sign without one.
    (options.endpoint ? 'us-east-1' : undefined);
  return new S3Client({
    ...(region ? { region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    // Fail fast on an unreachable endpoint instead of hanging: one clear error line.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    ...options.config,
  });
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  Code?: string;
}

function errorName(error: unknown): string {
  const shape = (error ?? {}) as SdkErrorShape;
  return shape.Code ?? shape.name ?? shape.code ?? 'Error';
}

function httpStatus(error: unknown): number | undefined {
  return ((error ?? {}) as SdkErrorShape).$metadata?.httpStatusCode;
}

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
]);
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);

const NETWORK_ERROR_IN_TEXT = new RegExp(`\\b(${[...NETWORK_ERRORS].join('|')})\\b`);

function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatus(error) === 404 && name !== 'NoSuchBucket');
}

/** A presigned GET URL and what limits it. */
export interface PresignedGet {
  url: string;
  /** True when signed with temporary credentials (a session token): the URL dies with them. */
  temporaryCredentials: boolean;
  /** When those temporary credentials expire, when the provider says. */
  credentialsExpireAt: Date | null;
}

/** Response headers a presigned GET serves instead of the stored ones (S3's response-* overrides). */
export interface ResponseHeaderOverrides {
  contentType?: string;
  contentEncoding?: string;
}

async function joinedPieces(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const all: Uint8Array[] = [];
  for await (const piece of pieces) all.push(piece);
  return Buffer.concat(all);
}

export class S3LedgerStore implements LedgerStore {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private bucketSeen = false;

  constructor(
    private readonly client: S3Client,
    where: S3Location,
    /** Send `If-None-Match: *` on writes (S3 conditional writes); off for servers that reject it. */
    private readonly conditionalWrites = true,
  ) {
    // Locations from users were checked by parseS3Location; this guards the ones built in code.
    if (!BUCKET_NAME.test(where.bucket)) throw new Error(`not a bucket name: "${where.bucket}"`);
    assertValidPrefix(where.prefix);
    this.bucket = where.bucket;
    this.prefix = where.prefix === '' ? '' : `${where.prefix}/`;
    this.location = `s3://${where.bucket}${where.prefix === '' ? '' : `/${where.prefix}`}`;
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return `${this.prefix}${key}`;
  }

  /**
   * Turns SDK failures the user must act on (no bucket, rejected credentials, unreachable endpoint)
   * into one clear line; anything else is rethrown as is.
   */
  private operational(error: unknown, action: string): unknown {
    const name = errorName(error);
    const status = httpStatus(error);
    const message = ((error ?? {}) as SdkErrorShape).message ?? String(error);
    const where = `${this.location}: ${action}`;
    if (name === 'NoSuchBucket') return new OperationalError(`${where} failed: bucket "${this.bucket}" does not exist`);
    if (CREDENTIAL_ERRORS.has(name)) {
      return new OperationalError(`${where} failed: the credentials were rejected (${name}): ${message}`);
    }
    if (name === 'AccessDenied' || status === 403) {
      return new OperationalError(
        `${where} failed: access denied (${name === 'Unknown' || name === 'Error' ? 'HTTP 403' : name})`,
      );
    }
    if (name === 'CredentialsProviderError') {
      return new OperationalError(`${where} failed: no AWS credentials found (${message})`);
    }
    if (/region is missing/i.test(message)) {
      return new OperationalError(`${where} failed: no AWS region configured (set AWS_REGION)`);
    }
    // The SDK wraps errors from another realm (e.g. a test VM) as text: find the code in it too.
    const text = message.replace(/^AWS SDK error wrapper for (Error: )?/, '');
    const code = ((error ?? {}) as SdkErrorShape).code ?? NETWORK_ERROR_IN_TEXT.exec(text)?.[1];
    if ((code && NETWORK_ERRORS.has(code)) || NETWORK_ERRORS.has(name) || name === 'TimeoutError') {
      return new OperationalError(`${where} failed: cannot reach the S3 endpoint (${code ?? name}: ${text})`);
    }
    // Any other answer of the server (5xx after retries, a KMS refusal...) is still one line.
    if (status !== undefined) return new OperationalError(`${where} failed: ${name} (HTTP ${status}): ${message}`);
    return error;
  }

  async put(key: string, pieces: PutBody, options: PutOptions): Promise<PutResult> {
    const objectKey = this.objectKey(key);
    // A PUT names its length and checksum before the bytes: pieces are joined, one object at a time.
    // (A multipart upload would stream them, but the largest report file, 76 MB for 60,000
    // findings, is far below S3's 5 GB single PUT, and a Lambda holds one file at a time.)
    const body = pieces instanceof Uint8Array ? pieces : await joinedPieces(pieces);
    if (await this.head(key)) return this.compareExisting(key, body);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: body,
          ContentLength: body.byteLength,
          ContentType: options.contentType,
          ...(options.contentEncoding ? { ContentEncoding: options.contentEncoding } : {}),
          ...(options.metadata ? { Metadata: options.metadata } : {}),
          // The server verifies the bytes it received against this checksum. Computed here and
          // sent as a header (not an aws-chunked trailer) so S3-compatible servers accept it.
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
          ...(this.conditionalWrites ? { IfNoneMatch: '*' } : {}),
        }),
      );
      return 'created';
    } catch (error) {
      // A concurrent writer won the race: the server refused to overwrite.
      if (errorName(error) === 'PreconditionFailed' || httpStatus(error) === 412) {
        return this.compareExisting(key, body);
      }
      throw this.operational(error, `writing ${key}`);
    }
  }

  private async compareExisting(key: string, body: Uint8Array): Promise<PutResult> {
    const existing = await this.get(key);
    if (Buffer.compare(existing, body) === 0) return 'unchanged';
    throw new ObjectExistsError(key);
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!response.Body) throw new ObjectNotFoundError(key);
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw error;
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw this.operational(error, `reading ${key}`);
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { key, size: response.ContentLength ?? 0 };
    } catch (error) {
      // HEAD responses have no body, so no error code: a missing bucket is a bare 404 and rejected
      // credentials a bare 403. A one-key listing tells which it was.
      if (isNotFound(error) || httpStatus(error) === 403) {
        await this.probeBucket(`reading ${key}`);
        if (httpStatus(error) !== 403) return null;
      }
      throw this.operational(error, `reading ${key}`);
    }
  }

  /** One cheap request (a listing of at most one key): OperationalError when the store cannot be used. */
  async checkAccess(): Promise<void> {
    await this.probeBucket('opening the ledger');
  }

  /**
   * The bucket's Object Lock default retention, for `doctor`: `enabled` with the default mode and
   * period when one is set, `disabled` when the bucket has no Object Lock configuration, or
   * `unknown` with the reason (no permission, a server without the API).
   */
  async objectLockState(): Promise<
    | { state: 'enabled'; mode: string | null; days: number | null; years: number | null }
    | { state: 'disabled' }
    | { state: 'unknown'; reason: string }
  > {
    try {
      const answer = await this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }));
      const configuration = answer.ObjectLockConfiguration;
      if (configuration?.ObjectLockEnabled !== 'Enabled') return { state: 'disabled' };
      const retention = configuration.Rule?.DefaultRetention;
      return {
        state: 'enabled',
        mode: retention?.Mode ?? null,
        days: retention?.Days ?? null,
        years: retention?.Years ?? null,
      };
    } catch (error) {
      if (errorName(error) === 'ObjectLockConfigurationNotFoundError') return { state: 'disabled' };
      return {
        state: 'unknown',
        reason: `${errorName(error)}: ${((error ?? {}) as SdkErrorShape).message ?? String(error)}`,
      };
    }
  }

  /** Lists at most one key: throws the OperationalError that explains a bare HEAD failure. */
  private async probeBucket(action: string): Promise<void> {
    if (this.bucketSeen) return;
    try {
      await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 }));
      this.bucketSeen = true;
    } catch (error) {
      throw this.operational(error, action);
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    assertValidPrefix(prefix);
    return (await this.listEntries(prefix))
      .filter((entry) => entry.foreign === undefined)
      .map(({ key, size }) => ({ key, size }));
  }

  inventory(): Promise<StoreEntry[]> {
    return this.listEntries('');
  }

  /** Every key under the prefix, sorted; keys no ledger key can be (`a\\b`, `a//b`) marked foreign. */
  private async listEntries(prefix: string): Promise<StoreEntry[]> {
    const found: StoreEntry[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client: this.client },
        { Bucket: this.bucket, Prefix: `${this.prefix}${prefix}` },
      )) {
        for (const object of page.Contents ?? []) {
          if (!object.Key?.startsWith(this.prefix)) continue;
          const key = object.Key.slice(this.prefix.length);
          const problem = keyProblemOf(key);
          found.push({
            key,
            size: object.Size ?? 0,
            ...(problem ? { foreign: `a name no ledger key can have (${problem})` } : {}),
          });
        }
      }
    } catch (error) {
      throw this.operational(error, `listing ${prefix === '' ? 'all keys' : prefix}`);
    }
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  /**
   * A URL anyone can GET the object with until it expires (SigV4 allows at most 7 days). With
   * temporary credentials S3 refuses the URL once they expire, whatever the URL says. The
   * overrides are part of the signature, so nobody can change them in the URL.
   */
  async presignGet(
    key: string,
    expiresInSeconds: number,
    signingDate?: Date,
    overrides: ResponseHeaderOverrides = {},
  ): Promise<PresignedGet> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ...(overrides.contentType ? { ResponseContentType: overrides.contentType } : {}),
      ...(overrides.contentEncoding ? { ResponseContentEncoding: overrides.contentEncoding } : {}),
    });
    try {
      const credentials = await this.client.config.credentials();
      const url = await getSignedUrl(this.client, command, {
        expiresIn: expiresInSeconds,
        ...(signingDate ? { signingDate } : {}),
      });
      return {
        url,
        temporaryCredentials: Boolean(credentials.sessionToken),
        credentialsExpireAt: credentials.expiration ?? null,
      };
    } catch (error) {
      // The signer rejects with a bare string for a TTL over 7 days.
      if (typeof error === 'string') throw new OperationalError(`${this.location}: cannot presign ${key}: ${error}`);
      throw this.operational(error, `presigning ${key}`);
    }
  }
}
