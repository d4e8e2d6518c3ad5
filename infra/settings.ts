/**
 * The stack's settings: from the CDK context (`cdk.json`, or `-c fleetledger:<name>=<value>`) and
 * from an optional settings file (`fleetledger:settingsFile`, YAML or JSON, keys without the
 * `fleetledger:` prefix); the context wins over the file. Every setting is checked at synth time,
 * all at once: a ConfigError lists each problem, naming the setting, where it came from and what
 * was expected, before any construct is built.
 *
 * SETTINGS is the one list of them: the README's settings table is checked against it by a test.
 */
import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { ConfigError, errorMessage } from '../src/core/errors.js';
import { isValidAddress } from '../src/report/email/addresses.js';
import type { ObjectLockMode } from './constructs/LedgerBucket.js';
import { WEEKDAYS } from './constructs/scheduleTimes.js';
import type { FleetLedgerStackProps } from './FleetLedgerStack.js';

export const CONTEXT_PREFIX = 'fleetledger:';
export const SETTINGS_FILE_KEY = `${CONTEXT_PREFIX}settingsFile`;

/** What the app's FleetLedgerStack is built from; every field is one setting (see SETTINGS). */
export type StackSettings = Pick<
  FleetLedgerStackProps,
  | 'timeZone'
  | 'ledger'
  | 'fleetFile'
  | 'waiversFile'
  | 'email'
  | 'eksClusterArns'
  | 'assumeRoleArns'
  | 'tokenSecretArns'
  | 'tokenSecretKeyArns'
  | 'vpc'
  | 'encryptionKeyArn'
  | 'alarmTopicArn'
  | 'snapshotHour'
  | 'reportHour'
  | 'reportWeekday'
>;

/** Every setting's name (after `fleetledger:`), in the order of the README's settings table. */
export const SETTINGS: readonly string[] = [
  'settingsFile',
  'fleetFile',
  'waiversFile',
  'timeZone',
  'snapshotHour',
  'reportWeekday',
  'reportHour',
  'sender',
  'recipients',
  'objectLockMode',
  'retentionDays',
  'assumeRoleArns',
  'eksClusterArns',
  'tokenSecretArns',
  'tokenSecretKeyArns',
  'vpcId',
  'subnetIds',
  'securityGroupIds',
  'kmsKeyArn',
  'alarmTopicArn',
];

type Source = (name: string) => { value: unknown; from: string } | undefined;

const ARN_PARTITION = 'arn:aws(?:-[a-z]+)*';
const ACCOUNT = '\\d{12}';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const PATTERNS = {
  role: new RegExp(`^${ARN_PARTITION}:iam::${ACCOUNT}:role/[\\w+=,.@/-]{1,512}$`),
  eksCluster: new RegExp(`^${ARN_PARTITION}:eks:${REGION}:${ACCOUNT}:cluster/[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`),
  kmsKey: new RegExp(`^${ARN_PARTITION}:kms:${REGION}:${ACCOUNT}:key/(?:mrk-)?[0-9a-f-]{32,36}$`),
  // A secret's full ARN ends in a random -XXXXXX suffix; `-??????` stands for it (IAM wildcards).
  secret: new RegExp(`^${ARN_PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+(?:-\\?{6})?$`),
  snsTopic: new RegExp(`^${ARN_PARTITION}:sns:${REGION}:${ACCOUNT}:[A-Za-z0-9_-]{1,256}(?:\\.fifo)?$`),
  configKey: /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
  vpc: /^vpc-[0-9a-f]{8,17}$/,
  subnet: /^subnet-[0-9a-f]{8,17}$/,
  securityGroup: /^sg-[0-9a-f]{8,17}$/,
} as const;

const show = (value: unknown) => JSON.stringify(value);

/**
 * @example
 * const settings = readStackSettings((key) => app.node.tryGetContext(key));
 * new FleetLedgerStack(app, 'FleetLedger', { ...settings });
 */
export function readStackSettings(
  tryGetContext: (key: string) => unknown,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): StackSettings {
  const problems: string[] = [];
  const file = settingsFile(tryGetContext, readText, problems);
  const source: Source = (name) => {
    const fromContext = tryGetContext(`${CONTEXT_PREFIX}${name}`);
    if (fromContext !== undefined && fromContext !== null && fromContext !== '') {
      return { value: fromContext, from: 'context' };
    }
    if (file && file.values[name] !== undefined && file.values[name] !== null) {
      return { value: file.values[name], from: file.path };
    }
    return undefined;
  };
  const reader = new SettingReader(source, problems);

  const timeZone = reader.string(
    'timeZone',
    (z) => IANAZone.isValidZone(z),
    'an IANA time zone such as Europe/Berlin or UTC',
  );
  const fleetFile = reader.string(
    'fleetFile',
    (k) => PATTERNS.configKey.test(k),
    'a key under config/ such as fleet.yaml',
  );
  const waiversFile = reader.string(
    'waiversFile',
    (k) => PATTERNS.configKey.test(k),
    'a key under config/ such as waivers.yaml',
  );
  const snapshotHour = reader.integer('snapshotHour', 0, 23, 'a whole hour from 0 to 23');
  const reportHour = reader.integer('reportHour', 0, 23, 'a whole hour from 0 to 23');
  const reportWeekday = reader.string(
    'reportWeekday',
    (d) => WEEKDAYS.includes(d.toUpperCase()),
    `one of ${WEEKDAYS.join(', ')}`,
  );
  const objectLockMode = reader.string(
    'objectLockMode',
    (m) => m === 'GOVERNANCE' || m === 'COMPLIANCE',
    'GOVERNANCE or COMPLIANCE',
  );
  const retentionDays = reader.integer('retentionDays', 1, 36_500, 'a whole number of days from 1 to 36500');
  const sender = reader.string('sender', isValidAddress, 'an e-mail address');
  const recipients = reader.list('recipients', isValidAddress, 'e-mail addresses');
  if ((sender === undefined) !== (recipients === undefined) && !reader.failed('sender', 'recipients')) {
    problems.push(`${CONTEXT_PREFIX}sender and ${CONTEXT_PREFIX}recipients: set both, or neither`);
  }
  const assumeRoleArns = reader.list(
    'assumeRoleArns',
    (a) => PATTERNS.role.test(a),
    'IAM role ARNs (arn:aws:iam::123456789012:role/name)',
  );
  const eksClusterArns = reader.list(
    'eksClusterArns',
    (a) => PATTERNS.eksCluster.test(a),
    'EKS cluster ARNs (arn:aws:eks:eu-central-1:123456789012:cluster/name)',
  );
  const tokenSecretArns = reader.list(
    'tokenSecretArns',
    (a) => PATTERNS.secret.test(a),
    'Secrets Manager secret ARNs (arn:aws:secretsmanager:<region>:<account>:secret:<name>-??????)',
  );
  const tokenSecretKeyArns = reader.list(
    'tokenSecretKeyArns',
    (a) => PATTERNS.kmsKey.test(a),
    'KMS key ARNs (arn:aws:kms:<region>:<account>:key/<id>) of the customer keys the token secrets are encrypted with',
  );
  const vpcId = reader.string('vpcId', (v) => PATTERNS.vpc.test(v), 'a VPC id such as vpc-0123456789abcdef0');
  const subnetIds = reader.list('subnetIds', (s) => PATTERNS.subnet.test(s), 'subnet ids (subnet-0123456789abcdef0)');
  const securityGroupIds = reader.list(
    'securityGroupIds',
    (s) => PATTERNS.securityGroup.test(s),
    'security group ids (sg-0123456789abcdef0)',
  );
  const vpcParts = [vpcId, subnetIds, securityGroupIds].filter((part) => part !== undefined).length;
  if (vpcParts !== 0 && vpcParts !== 3 && !reader.failed('vpcId', 'subnetIds', 'securityGroupIds')) {
    problems.push(
      `${CONTEXT_PREFIX}vpcId, ${CONTEXT_PREFIX}subnetIds and ${CONTEXT_PREFIX}securityGroupIds: set all three, or none`,
    );
  }
  const encryptionKeyArn = reader.string(
    'kmsKeyArn',
    (a) => PATTERNS.kmsKey.test(a),
    'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  );
  const alarmTopicArn = reader.string(
    'alarmTopicArn',
    (a) => PATTERNS.snsTopic.test(a),
    'an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
  );

  if (problems.length > 0) {
    throw new ConfigError(`fleetledger settings: ${problems.join('; ')}`, problems);
  }
  return {
    ...(timeZone ? { timeZone } : {}),
    ledger: {
      ...(objectLockMode ? { objectLockMode: objectLockMode as ObjectLockMode } : {}),
      ...(retentionDays !== undefined ? { retentionDays } : {}),
    },
    ...(fleetFile ? { fleetFile } : {}),
    ...(waiversFile ? { waiversFile } : {}),
    ...(sender && recipients ? { email: { sender, recipients } } : {}),
    ...(assumeRoleArns ? { assumeRoleArns } : {}),
    ...(eksClusterArns ? { eksClusterArns } : {}),
    ...(tokenSecretArns ? { tokenSecretArns } : {}),
    ...(tokenSecretKeyArns ? { tokenSecretKeyArns } : {}),
    ...(vpcId && subnetIds && securityGroupIds ? { vpc: { vpcId, subnetIds, securityGroupIds } } : {}),
    ...(encryptionKeyArn ? { encryptionKeyArn } : {}),
    ...(alarmTopicArn ? { alarmTopicArn } : {}),
    ...(snapshotHour !== undefined ? { snapshotHour } : {}),
    ...(reportHour !== undefined ? { reportHour } : {}),
    ...(reportWeekday ? { reportWeekday: reportWeekday.toUpperCase() } : {}),
  };
}

function settingsFile(
  tryGetContext: (key: string) => unknown,
  readText: (path: string) => string,
  problems: string[],
): { path: string; values: Record<string, unknown> } | null {
  const path: unknown = tryGetContext(SETTINGS_FILE_KEY);
  if (path === undefined || path === null || path === '') return null;
  if (typeof path !== 'string') {
    problems.push(`${SETTINGS_FILE_KEY} (context): expected the path of a YAML or JSON file, got ${show(path)}`);
    return null;
  }
  let values: unknown;
  try {
    values = parseYaml(readText(path));
  } catch (error) {
    problems.push(`${SETTINGS_FILE_KEY}: cannot read ${path}: ${errorMessage(error)}`);
    return null;
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    problems.push(`${path}: expected a mapping of settings (timeZone: Europe/Berlin, ...), got ${show(values)}`);
    return null;
  }
  const known = new Set(SETTINGS);
  for (const key of Object.keys(values)) {
    if (!known.has(key) || key === 'settingsFile') {
      problems.push(
        `${path}: ${key}: not a setting (known: ${[...known].filter((k) => k !== 'settingsFile').join(', ')})`,
      );
    }
  }
  return { path, values: values as Record<string, unknown> };
}

/** Reads one setting at a time, recording each problem with the setting's name and source. */
class SettingReader {
  readonly #source: Source;
  readonly #problems: string[];
  readonly #failed = new Set<string>();

  constructor(source: Source, problems: string[]) {
    this.#source = source;
    this.#problems = problems;
  }

  failed(...names: string[]): boolean {
    return names.some((name) => this.#failed.has(name));
  }

  #problem(name: string, from: string, expected: string, got: unknown): undefined {
    this.#failed.add(name);
    this.#problems.push(`${CONTEXT_PREFIX}${name} (${from}): expected ${expected}, got ${show(got)}`);
    return undefined;
  }

  string(name: string, valid: (text: string) => boolean, expected: string): string | undefined {
    const found = this.#source(name);
    if (!found) return undefined;
    const text = typeof found.value === 'string' ? found.value.trim() : undefined;
    if (text === undefined || !valid(text)) return this.#problem(name, found.from, expected, found.value);
    return text;
  }

  integer(name: string, min: number, max: number, expected: string): number | undefined {
    const found = this.#source(name);
    if (!found) return undefined;
    const number =
      typeof found.value === 'number'
        ? found.value
        : typeof found.value === 'string' && /^\d+$/.test(found.value.trim())
          ? Number(found.value)
          : Number.NaN;
    if (!Number.isInteger(number) || number < min || number > max) {
      return this.#problem(name, found.from, expected, found.value);
    }
    return number;
  }

  /** A YAML/JSON list, or one comma-separated string (what `-c name=a,b` gives). */
  list(name: string, valid: (item: string) => boolean, expected: string): string[] | undefined {
    const found = this.#source(name);
    if (!found) return undefined;
    const items = Array.isArray(found.value)
      ? found.value
      : typeof found.value === 'string'
        ? found.value.split(',')
        : null;
    if (items === null) return this.#problem(name, found.from, `a list of ${expected}`, found.value);
    const texts = items.map((item) => (typeof item === 'string' ? item.trim() : item)).filter((item) => item !== '');
    const bad = texts.filter((item) => typeof item !== 'string' || !valid(item));
    if (texts.length === 0 || bad.length > 0) {
      return this.#problem(name, found.from, `a list of ${expected}`, bad.length > 0 ? bad[0] : found.value);
    }
    return texts as string[];
  }
}
