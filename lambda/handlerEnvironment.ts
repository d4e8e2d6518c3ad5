/**
 * The handlers' configuration, from environment variables set by the deployment (infra/).
 *
 * Every variable is checked at once: a ConfigError lists each problem on its own line, each
 * naming the variable and what was expected.
 */
import { DateTime } from 'luxon';
import { ConfigError } from '../src/core/errors.js';
import { parseS3Location, type S3Location } from '../src/ledger/s3Location.js';
import { parseExpiry } from '../src/ledger/share.js';
import { isValidAddress } from '../src/report/email/addresses.js';
import { SIGNING_KEY_VARIABLE } from '../src/signing/signingSetting.js';

export interface ReportEmailSettings {
  readonly sender: string;
  readonly recipients: readonly string[];
  /** How long the presigned report links work. */
  readonly linkExpiresInSeconds: number;
}

export interface HandlerEnvironment {
  /** LEDGER: the ledger's bucket and prefix. */
  readonly ledger: S3Location;
  /** S3_ENDPOINT: an S3-compatible endpoint (path-style); unset on AWS. */
  readonly s3Endpoint: string | null;
  /** FLEET_FILE: s3://bucket/key, or a path inside the bundle (relative to the function's root). */
  readonly fleetFile: string;
  /** WAIVERS_FILE: same forms as FLEET_FILE; unset means no waivers. */
  readonly waiversFile: string | null;
  /** TIME_ZONE: the IANA zone the weekly periods are counted in (default UTC). */
  readonly timeZone: string;
  /** RECIPIENTS (comma-separated), SENDER and LINK_EXPIRES (default 7d); null when RECIPIENTS is unset. */
  readonly email: ReportEmailSettings | null;
  /** FLEETLEDGER_SIGNING_KEY: `kms:<key ARN>` (as deployed) or a key file in the bundle; null: runs are unsigned. */
  readonly signingKey: string | null;
  /**
   * SMTP_URL: deliver the e-mail through this SMTP server (a relay inside the VPC, a test) instead
   * of Amazon SES; null: SES.
   */
  readonly smtpUrl: string | null;
  /**
   * RUN_STATE: s3://bucket/prefix where a run keeps its Map items when the fleet is larger than
   * DISTRIBUTED_MAP_ABOVE clusters (a Distributed Map reads them from there); null: always inline.
   */
  readonly runState: S3Location | null;
  /** DISTRIBUTED_MAP_ABOVE: the fleet size above which the Map items go to RUN_STATE (default 40). */
  readonly distributedMapAbove: number;
}

type Environment = Readonly<Record<string, string | undefined>>;

const value = (environment: Environment, name: string) => {
  const text = environment[name]?.trim();
  return text ? text : null;
};

function addressProblems(name: string, addresses: readonly string[]): string[] {
  if (addresses.length === 0) return [`${name}: expected one or more e-mail addresses, comma-separated`];
  return addresses.filter((a) => !isValidAddress(a)).map((a) => `${name}: not an e-mail address: "${a}"`);
}

/**
 * @example
 * const environment = readHandlerEnvironment(process.env);
 * // { ledger: { bucket: 'audit-ledger', prefix: 'ledger' }, fleetFile: 's3://audit-ledger/config/fleet.yaml', ... }
 */
export function readHandlerEnvironment(environment: Environment): HandlerEnvironment {
  const problems: string[] = [];

  const ledgerText = value(environment, 'LEDGER');
  let ledger: S3Location | null = null;
  try {
    ledger = ledgerText ? parseS3Location(ledgerText, 'LEDGER') : null;
    if (!ledger)
      problems.push(`LEDGER: expected s3://bucket[/prefix], got ${ledgerText ? `"${ledgerText}"` : 'nothing'}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
  }

  const s3Endpoint = value(environment, 'S3_ENDPOINT');
  if (s3Endpoint !== null && !URL.canParse(s3Endpoint)) {
    problems.push(`S3_ENDPOINT: expected a URL such as http://127.0.0.1:4568, got "${s3Endpoint}"`);
  }

  const fleetFile = value(environment, 'FLEET_FILE');
  if (fleetFile === null)
    problems.push('FLEET_FILE: expected s3://bucket/key of the fleet file or a path in the bundle');
  const waiversFile = value(environment, 'WAIVERS_FILE');

  const timeZone = value(environment, 'TIME_ZONE') ?? 'UTC';
  if (!DateTime.now().setZone(timeZone).isValid) {
    problems.push(`TIME_ZONE: expected an IANA time zone such as Europe/Berlin or UTC, got "${timeZone}"`);
  }

  let email: ReportEmailSettings | null = null;
  const recipientsText = value(environment, 'RECIPIENTS');
  if (recipientsText !== null) {
    const recipients = recipientsText
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    problems.push(...addressProblems('RECIPIENTS', recipients));
    const sender = value(environment, 'SENDER');
    if (sender === null) problems.push('SENDER: expected the sender address (an SES identity) when RECIPIENTS is set');
    else problems.push(...addressProblems('SENDER', [sender]));
    let linkExpiresInSeconds = 0;
    try {
      linkExpiresInSeconds = parseExpiry(value(environment, 'LINK_EXPIRES') ?? '7d');
    } catch (error) {
      problems.push(
        `LINK_EXPIRES: ${error instanceof ConfigError ? error.message.replace(/^--expires: /, '') : error}`,
      );
    }
    email = { sender: sender ?? '', recipients, linkExpiresInSeconds };
  }

  const signingKey = value(environment, SIGNING_KEY_VARIABLE);

  const smtpUrl = value(environment, 'SMTP_URL');
  if (smtpUrl !== null && !/^smtps?:\/\/[^/]/.test(smtpUrl)) {
    problems.push('SMTP_URL: expected smtp://host:port or smtps://host:port');
  }
  let runState: S3Location | null = null;
  const runStateText = value(environment, 'RUN_STATE');
  if (runStateText !== null) {
    try {
      runState = parseS3Location(runStateText, 'RUN_STATE');
      if (!runState) problems.push(`RUN_STATE: expected s3://bucket[/prefix], got "${runStateText}"`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  const aboveText = value(environment, 'DISTRIBUTED_MAP_ABOVE') ?? '40';
  const distributedMapAbove = /^\d+$/.test(aboveText) ? Number(aboveText) : Number.NaN;
  if (!Number.isSafeInteger(distributedMapAbove)) {
    problems.push(`DISTRIBUTED_MAP_ABOVE: expected a whole number of clusters, got "${aboveText}"`);
  }

  if (problems.length > 0) throw new ConfigError(problems[0]!, problems);
  return {
    ledger: ledger!,
    s3Endpoint,
    fleetFile: fleetFile!,
    waiversFile,
    timeZone,
    email,
    signingKey,
    smtpUrl,
    runState,
    distributedMapAbove,
  };
}
