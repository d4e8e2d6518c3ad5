/**
 * Auditor downloads: presigned GET URLs for single objects or for everything of one period.
 */
import { DateTime, Duration } from 'luxon';
import { isoUtc } from '../core/clock.js';
import { ConfigError, OperationalError } from '../core/errors.js';
import { parsePeriod } from '../core/period.js';
import { keyBelongsToPeriod, keyProblemOf, manifestEnvelopeKey, REPORTS_PREFIX, SNAPSHOTS_PREFIX } from './keys.js';
import { readManifests } from './manifest.js';
import { type ResponseHeaderOverrides, S3LedgerStore } from './s3Store.js';
import type { LedgerStore } from './store.js';

/** SigV4 presigned URLs live at most one week. */
export const MAX_SHARE_SECONDS = 7 * 24 * 60 * 60;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `7d`, `12h`, `30m` or `900s` into seconds; ConfigError when malformed or over 7 days. */
export function parseExpiry(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new ConfigError(`--expires: expected a duration such as 7d, 12h, 30m or 900s, got "${text}"`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  if (seconds <= 0) throw new ConfigError(`--expires: must be longer than 0, got "${text}"`);
  if (seconds > MAX_SHARE_SECONDS) {
    throw new ConfigError(`--expires: presigned URLs last at most 7 days (7d), got "${text}"`);
  }
  return seconds;
}

export interface SharedObject {
  key: string;
  url: string;
  /** When the URL stops working (the earlier of the requested expiry and the credentials' expiry). */
  expiresAt: DateTime;
  /** Why it expires sooner than asked, when it does. */
  note: string | null;
}

export interface ShareRequest {
  /** Exactly one of key and period. */
  key?: string;
  period?: string;
  /** IANA time zone the period is taken in (as `report --time-zone`); default UTC. */
  timeZone?: string;
  expiresInSeconds: number;
  now: DateTime;
}

/** The store as an S3 store, or ConfigError: only S3 can hand out URLs. */
export function requireS3Store(store: LedgerStore): S3LedgerStore {
  if (!(store instanceof S3LedgerStore)) {
    throw new ConfigError(`--store: share needs an s3:// store, got "${store.location}"`);
  }
  return store;
}

/**
 * Keys shared for a period: its snapshots and reports, and the manifests that record any of them
 * (or ran in it) with their signatures, so the auditor can check the hashes and who signed them.
 */
async function keysOfPeriod(store: LedgerStore, periodId: string, timeZone: string): Promise<string[]> {
  const period = parsePeriod(periodId, timeZone);
  const keys: string[] = [];
  for (const prefix of [SNAPSHOTS_PREFIX, REPORTS_PREFIX]) {
    for (const { key } of await store.list(prefix)) if (keyBelongsToPeriod(key, period)) keys.push(key);
  }
  const { manifests, envelopeKeys } = await readManifests(store);
  for (const { key, manifest } of manifests) {
    const recordsPeriod = manifest.objects.some((object) => keyBelongsToPeriod(object.key, period));
    if (!recordsPeriod && !keyBelongsToPeriod(key, period)) continue;
    keys.push(key);
    if (envelopeKeys.has(manifestEnvelopeKey(key))) keys.push(manifestEnvelopeKey(key));
  }
  return keys;
}

/**
 * How a shared object is served. Gzip objects (snapshots) are stored with Content-Encoding: gzip
 * (issue 4), so browsers, fetch and `curl --compressed` would decompress them and the auditor would
 * hash the JSON, not the bytes whose SHA-256 the manifest records. Served as an `application/gzip`
 * file with the `identity` coding, every client saves the stored bytes unchanged (`identity` rather
 * than an unknown token: curl refuses codings it does not know).
 */
export function downloadHeadersFor(key: string): ResponseHeaderOverrides {
  return key.endsWith('.gz') ? { contentType: 'application/gzip', contentEncoding: 'identity' } : {};
}

/**
 * Presigned GET URLs for one key or a whole period.
 *
 * @example
 * const links = await shareObjects(store, { period: '2026-W48', expiresInSeconds: parseExpiry('7d'), now });
 */
export async function shareObjects(store: S3LedgerStore, request: ShareRequest): Promise<SharedObject[]> {
  if ((request.key === undefined) === (request.period === undefined)) {
    throw new ConfigError('share: give exactly one of --key K and --period P');
  }
  let keys: string[];
  if (request.key !== undefined) {
    const problem = keyProblemOf(request.key);
    if (problem) throw new ConfigError(`--key: ${JSON.stringify(request.key)} is not a ledger key: ${problem}`);
    if (!(await store.head(request.key))) throw new OperationalError(`${store.location}: no object at ${request.key}`);
    keys = [request.key];
  } else {
    keys = await keysOfPeriod(store, request.period!, request.timeZone ?? 'UTC');
  }
  const requestedExpiry = request.now.plus({ seconds: request.expiresInSeconds }).toUTC();
  const shared: SharedObject[] = [];
  for (const key of keys) {
    const signed = await store.presignGet(
      key,
      request.expiresInSeconds,
      request.now.toJSDate(),
      downloadHeadersFor(key),
    );
    let expiresAt = requestedExpiry;
    let note: string | null = null;
    if (signed.temporaryCredentials) {
      const credentialsEnd = signed.credentialsExpireAt
        ? DateTime.fromJSDate(signed.credentialsExpireAt).toUTC()
        : null;
      if (credentialsEnd && credentialsEnd < expiresAt) {
        expiresAt = credentialsEnd;
        note = `signed with temporary credentials: the URL stops working when they expire at ${isoUtc(credentialsEnd)}`;
      } else if (!credentialsEnd) {
        note = 'signed with temporary credentials: the URL stops working when they expire (expiry unknown)';
      }
    }
    shared.push({ key, url: signed.url, expiresAt, note });
  }
  return shared;
}

/** Human-readable duration for messages, e.g. "7 days". */
export function describeSeconds(seconds: number): string {
  return Duration.fromObject({ seconds }).shiftTo('days', 'hours', 'minutes', 'seconds').toHuman({ showZeros: false });
}
