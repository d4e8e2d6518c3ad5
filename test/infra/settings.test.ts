/**
 * The stack's settings (infra/settings.ts): read from the context and a settings file, checked at
 * synth time with errors naming the setting, and passed through by the app (infra/app.ts) to the
 * synthesized template.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readStackSettings, SETTINGS } from '../../infra/settings.js';
import { ConfigError } from '../../src/core/errors.js';

const ROLE = 'arn:aws:iam::123456789012:role/fleetledger-reader';
const CLUSTER = 'arn:aws:eks:eu-central-1:123456789012:cluster/prod-east';
const KEY = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:oncall';
const SECRET = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:lab-token';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readStackSettings', () => {
  it('reads every setting from the context, lists as arrays or comma-separated text', () => {
    const settings = readStackSettings(
      contextOf({
        'fleetledger:timeZone': 'Europe/Berlin',
        'fleetledger:fleetFile': 'fleets/prod.yaml',
        'fleetledger:waiversFile': 'waivers.yaml',
        'fleetledger:snapshotHour': '4',
        'fleetledger:reportWeekday': 'mon',
        'fleetledger:reportHour': 7,
        'fleetledger:sender': 'fleetledger@audit.example.com',
        'fleetledger:recipients': 'secops@example.com, cto@example.com',
        'fleetledger:objectLockMode': 'COMPLIANCE',
        'fleetledger:retentionDays': '730',
        'fleetledger:assumeRoleArns': [ROLE],
        'fleetledger:eksClusterArns': CLUSTER,
        'fleetledger:tokenSecretArns': `${SECRET}-??????`,
        'fleetledger:vpcId': 'vpc-0123456789abcdef0',
        'fleetledger:subnetIds': 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
        'fleetledger:securityGroupIds': ['sg-0123456789abcdef0'],
        'fleetledger:kmsKeyArn': KEY,
        'fleetledger:alarmTopicArn': TOPIC,
      }),
    );

    expect(settings).toEqual({
      timeZone: 'Europe/Berlin',
      fleetFile: 'fleets/prod.yaml',
      waiversFile: 'waivers.yaml',
      snapshotHour: 4,
      reportWeekday: 'MON',
      reportHour: 7,
      email: { sender: 'fleetledger@audit.example.com', recipients: ['secops@example.com', 'cto@example.com'] },
      ledger: { objectLockMode: 'COMPLIANCE', retentionDays: 730 },
      assumeRoleArns: [ROLE],
      eksClusterArns: [CLUSTER],
      tokenSecretArns: [`${SECRET}-??????`],
      vpc: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        securityGroupIds: ['sg-0123456789abcdef0'],
      },
      encryptionKeyArn: KEY,
      alarmTopicArn: TOPIC,
    });
  });

  it('takes settings from the settings file, the context winning over it', () => {
    const file = ['timeZone: America/New_York', 'waiversFile: waivers.yaml', `assumeRoleArns: [${ROLE}]`].join('\n');
    const settings = readStackSettings(
      contextOf({ 'fleetledger:settingsFile': 'ops/fleetledger.yaml', 'fleetledger:timeZone': 'Europe/Berlin' }),
      (path) => {
        expect(path).toBe('ops/fleetledger.yaml');
        return file;
      },
    );

    expect(settings).toEqual({
      timeZone: 'Europe/Berlin',
      waiversFile: 'waivers.yaml',
      assumeRoleArns: [ROLE],
      ledger: {},
    });
  });

  it('names every bad setting, where it came from and what was expected', () => {
    const problems = problemsOf(() =>
      readStackSettings(
        contextOf({
          'fleetledger:settingsFile': 'fleetledger.yaml',
          'fleetledger:timeZone': 'Mars/Olympus',
          'fleetledger:retentionDays': '1.5',
          'fleetledger:snapshotHour': 24,
          'fleetledger:tokenSecretArns': 'lab-token',
          'fleetledger:eksClusterArns': `${CLUSTER},arn:aws:eks:eu-central-1:123:cluster/x`,
        }),
        () => ['objectLockMode: STRICT', 'kmsKeyArn: alias/ledger', 'recipient: secops@example.com'].join('\n'),
      ),
    );

    expect(problems).toEqual([
      'fleetledger.yaml: recipient: not a setting (known: fleetFile, waiversFile, timeZone, snapshotHour, reportWeekday, reportHour, sender, recipients, objectLockMode, retentionDays, assumeRoleArns, eksClusterArns, tokenSecretArns, tokenSecretKeyArns, vpcId, subnetIds, securityGroupIds, kmsKeyArn, alarmTopicArn)',
      'fleetledger:timeZone (context): expected an IANA time zone such as Europe/Berlin or UTC, got "Mars/Olympus"',
      'fleetledger:snapshotHour (context): expected a whole hour from 0 to 23, got 24',
      'fleetledger:objectLockMode (fleetledger.yaml): expected GOVERNANCE or COMPLIANCE, got "STRICT"',
      'fleetledger:retentionDays (context): expected a whole number of days from 1 to 36500, got "1.5"',
      'fleetledger:eksClusterArns (context): expected a list of EKS cluster ARNs (arn:aws:eks:eu-central-1:123456789012:cluster/name), got "arn:aws:eks:eu-central-1:123:cluster/x"',
      'fleetledger:tokenSecretArns (context): expected a list of Secrets Manager secret ARNs (arn:aws:secretsmanager:<region>:<account>:secret:<name>-??????), got "lab-token"',
      'fleetledger:kmsKeyArn (fleetledger.yaml): expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "alias/ledger"',
    ]);
  });

  it('requires the e-mail and VPC settings together, and accepts ARNs of other partitions', () => {
    expect(
      problemsOf(() =>
        readStackSettings(
          contextOf({ 'fleetledger:sender': 'fleetledger@example.com', 'fleetledger:vpcId': 'vpc-0123456789abcdef0' }),
        ),
      ),
    ).toEqual([
      'fleetledger:sender and fleetledger:recipients: set both, or neither',
      'fleetledger:vpcId, fleetledger:subnetIds and fleetledger:securityGroupIds: set all three, or none',
    ]);
    expect(
      readStackSettings(
        contextOf({
          'fleetledger:assumeRoleArns': 'arn:aws-cn:iam::123456789012:role/reader',
          'fleetledger:eksClusterArns': 'arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/gov',
        }),
      ),
    ).toEqual({
      ledger: {},
      assumeRoleArns: ['arn:aws-cn:iam::123456789012:role/reader'],
      eksClusterArns: ['arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/gov'],
    });
  });

  it('names a settings file that cannot be read or is not a mapping', () => {
    expect(
      problemsOf(() =>
        readStackSettings(contextOf({ 'fleetledger:settingsFile': 'missing.yaml' }), () => {
          throw new Error('ENOENT: no such file or directory');
        }),
      ),
    ).toEqual(['fleetledger:settingsFile: cannot read missing.yaml: ENOENT: no such file or directory']);
    expect(
      problemsOf(() => readStackSettings(contextOf({ 'fleetledger:settingsFile': 'list.yaml' }), () => '- UTC\n')),
    ).toEqual(['list.yaml: expected a mapping of settings (timeZone: Europe/Berlin, ...), got ["UTC"]']);
  });

  it('is documented: the README settings table lists exactly the settings, in order', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| `fleetledger:(\w+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(SETTINGS);
  });
});

describe('the CDK app (infra/app.ts)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cdk-app-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // What `cdk synth` does: cdk.json's context, then the command line's, handed to the app.
  const synth = async (context: Record<string, unknown>, outdir: string) => {
    const cdkJson = JSON.parse(await readFile(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
      context: Record<string, unknown>;
    };
    return promisify(execFile)(join(process.cwd(), 'node_modules/.bin/tsx'), ['infra/app.ts'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context }),
      },
    });
  };

  it('passes the waivers file, the roles, the clusters and the alarm topic through to the template', async () => {
    const settingsFile = join(dir, 'fleetledger.yaml');
    await writeFile(
      settingsFile,
      [
        `waiversFile: waivers.yaml`,
        `assumeRoleArns: [${ROLE}]`,
        `eksClusterArns: [${CLUSTER}]`,
        `alarmTopicArn: ${TOPIC}`,
      ].join('\n'),
    );
    const outdir = join(dir, 'out');
    await synth({ 'fleetledger:settingsFile': settingsFile }, outdir);

    const template = await readFile(join(outdir, 'FleetLedger.template.json'), 'utf8');
    expect(template).toContain('/config/waivers.yaml');
    expect(template).toContain(ROLE);
    expect(template).toContain(CLUSTER);
    expect(template).toContain(TOPIC);
  }, 120_000);

  it('stops with exit status 2 and the setting named when a setting is bad', async () => {
    const failed = await synth({ 'fleetledger:retentionDays': 'forever' }, join(dir, 'bad')).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toBe(
      'error: fleetledger:retentionDays (context): expected a whole number of days from 1 to 36500, got "forever"\n',
    );
  }, 120_000);
});
