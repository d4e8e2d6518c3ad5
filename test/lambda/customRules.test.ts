/**
 * Custom rules in the deployed functions: a fleet file in S3 names its rules files (`rules.files`),
 * which the functions read from beside it in the bucket (the config prefix). Real parts: the
 * simulated fleet over HTTPS, s3rver as the ledger and config bucket, the state machine's steps.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { loadFleetForCollection } from '../../lambda/collectionFleet.js';
import { besideConfig, loadFleet } from '../../lambda/configFiles.js';
import { clearCustomRules, ruleCatalog } from '../../src/evaluate/catalog.js';
import type { Finding } from '../../src/evaluate/types.js';
import { ReportDocument } from '../../src/report/schema.js';
import type { RunningFleet } from '../../src/simulator/fleet.js';
import { namespace } from '../collect/fixtures.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { importStepHandlers, runExecution, type StepHandlers } from '../support/stateMachineRun.js';

let s3: RunningS3rver;
let fleet: RunningFleet;
let steps: StepHandlers;
const savedEnvironment = { ...process.env };

const OWNER_RULE = [
  'rules:',
  '  - id: ORG-NS-OWNER',
  '    title: Namespace without an owning team',
  '    severity: medium',
  '    area: quotas',
  '    tenantHygiene: true',
  '    each: snapshot.namespaces',
  `    subject: "'Namespace/' + item.name"`,
  `    assert: "'team' in item.labels"`,
  `    message: "'namespace ' + item.name + ' has no team label'"`,
  '    rationale: Every namespace needs an owner.',
  '    remediation: Label the namespace with its team.',
  '',
].join('\n');

beforeAll(async () => {
  const { startSimulatedFleet } = await import('../../src/simulator/fleet.js');
  [s3, fleet] = await Promise.all([
    startS3rver({ bucket: 'audit-config' }),
    startSimulatedFleet([{ name: 'prod-east', objects: [namespace('payments'), namespace('web', { team: 'web' })] }]),
  ]);
  await s3.putText(
    'config/fleet.yaml',
    [
      'clusters:',
      `  - { name: prod-east, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }`,
      'rules:',
      '  files: [rules/org.yaml]',
      '  severity: { ORG-NS-OWNER: high }',
      '',
    ].join('\n'),
  );
  await s3.putText('config/rules/org.yaml', OWNER_RULE);
  Object.assign(process.env, s3.environment, {
    LEDGER: `s3://${s3.bucket}/ledger`,
    S3_ENDPOINT: s3.endpoint,
    FLEET_FILE: `s3://${s3.bucket}/config/fleet.yaml`,
    TIME_ZONE: 'UTC',
    FLEETLEDGER_LOG_LEVEL: 'error',
  });
  steps = await importStepHandlers();
});

afterAll(async () => {
  clearCustomRules();
  process.env = savedEnvironment;
  await Promise.all([fleet?.stop(), s3?.stop()]);
});

describe('custom rules in the deployed functions', () => {
  it('reads the rules files a fleet file in S3 names from beside it, and reports their findings', async () => {
    // Act
    await runExecution(steps, { now: '2026-11-23T04:00:00Z' }, { email: false });
    const summary = await steps.report({ now: '2026-11-23T05:00:00Z' });

    // Assess: the custom rule ran, re-rated by the fleet file, on the namespace without a team only
    const stored = await s3.store('ledger').get(`${summary.reportFolder}report.json`);
    const doc = ReportDocument.parse(JSON.parse(Buffer.from(stored).toString('utf8')));
    const custom = (doc.findings as Finding[]).filter((finding) => finding.rule === 'ORG-NS-OWNER');
    expect(custom.map((f) => [f.cluster, f.resource, f.severity, f.message])).toEqual([
      ['prod-east', 'Namespace/payments', 'high', 'namespace payments has no team label'],
    ]);
    expect(doc.configuration?.rulesFiles?.map((file) => file.path)).toEqual([
      `s3://${s3.bucket}/config/rules/org.yaml`,
    ]);
  });

  it('stops on a broken rules file in the bucket, naming the object, the rule and the problem', async () => {
    // Prepare
    await s3.putText('config/broken/fleet.yaml', 'clusters: []\nrules: { files: [org.yaml] }\n');
    await s3.putText('config/broken/org.yaml', OWNER_RULE.replace(`"'team' in item.labels"`, `"'team' in"`));
    const client = new S3Client(s3.clientConfig);

    // Act
    const loading = loadFleet(`s3://${s3.bucket}/config/broken/fleet.yaml`, client, { checkAccess: false });

    // Assess
    await expect(loading).rejects.toThrow(`s3://${s3.bucket}/config/broken/org.yaml: rule ORG-NS-OWNER: assert: `);
    client.destroy();
  });

  it('names a rules file missing from the bucket', async () => {
    await s3.putText('config/missing/fleet.yaml', 'clusters: []\nrules: { files: [absent.yaml] }\n');
    const client = new S3Client(s3.clientConfig);

    await expect(
      loadFleet(`s3://${s3.bucket}/config/missing/fleet.yaml`, client, { checkAccess: false }),
    ).rejects.toThrow(
      `FLEET_FILE s3://${s3.bucket}/config/missing/fleet.yaml: rules.files: cannot read s3://${s3.bucket}/config/missing/absent.yaml: `,
    );
    client.destroy();
  });

  it('drops the custom rules of a fleet file that no longer names them (a warm function container)', async () => {
    const clusters = `clusters:\n  - { name: prod-east, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }\n`;
    await s3.putText('config/again/fleet.yaml', `${clusters}rules: { files: [../rules/org.yaml] }\n`);
    const client = new S3Client(s3.clientConfig);
    const location = `s3://${s3.bucket}/config/again/fleet.yaml`;
    clearCustomRules(); // one container reads one FLEET_FILE: forget the other tests' fleet files

    await loadFleet(location, client, { checkAccess: false });
    expect(ruleCatalog().some((rule) => rule.id === 'ORG-NS-OWNER')).toBe(true);
    await s3.putText('config/again/fleet.yaml', clusters);
    await loadFleet(location, client, { checkAccess: false });

    expect(ruleCatalog().some((rule) => rule.id === 'ORG-NS-OWNER')).toBe(false);
    client.destroy();
  });
});

describe("the snapshot step's fleet (loadFleetForCollection)", () => {
  it('reads the clusters of a fleet whose rules files are broken: the open step checks rules, this step only collects', async () => {
    const clusters = `clusters:\n  - { name: prod-east, kubeconfig: { path: ${fleet.kubeconfigPath}, context: prod-east } }\n`;
    await s3.putText(
      'config/collect/fleet.yaml',
      `${clusters}rules: { files: [org.yaml], disabled: [ORG-NS-OWNER] }\n`,
    );
    await s3.putText('config/collect/org.yaml', OWNER_RULE.replace(`"'team' in item.labels"`, `"'team' in"`));
    const client = new S3Client(s3.clientConfig);
    const location = `s3://${s3.bucket}/config/collect/fleet.yaml`;

    const collected = await loadFleetForCollection(location, client, { checkAccess: false });

    expect(collected.clusters.map((cluster) => cluster.name)).toEqual(['prod-east']);
    expect(collected.rules).toBeNull();
    await expect(loadFleet(location, client, { checkAccess: false })).rejects.toThrow(
      `s3://${s3.bucket}/config/collect/org.yaml: rule ORG-NS-OWNER: assert: `,
    );
    client.destroy();
  });
});

describe('besideConfig', () => {
  it('resolves a rules file relative to the fleet file, in S3 or in the bundle', () => {
    expect(besideConfig('s3://cfg/config/fleet.yaml', 'rules/org.yaml')).toBe('s3://cfg/config/rules/org.yaml');
    expect(besideConfig('s3://cfg/config/prod/fleet.yaml', '../org.yaml')).toBe('s3://cfg/config/org.yaml');
    expect(besideConfig('config/fleet.yaml', 'org.yaml')).toBe('config/org.yaml');
  });

  it('refuses absolute paths, other locations and paths that climb out of the bucket', () => {
    expect(() => besideConfig('s3://cfg/fleet.yaml', '/etc/passwd')).toThrow(
      'FLEET_FILE s3://cfg/fleet.yaml: rules.files: expected a path relative to the fleet file, got /etc/passwd',
    );
    expect(() => besideConfig('s3://cfg/fleet.yaml', 's3://other/org.yaml')).toThrow(
      'expected a path relative to the fleet file, got s3://other/org.yaml',
    );
    expect(() => besideConfig('s3://cfg/config/fleet.yaml', '../../org.yaml')).toThrow(
      "FLEET_FILE s3://cfg/config/fleet.yaml: rules.files: ../../org.yaml is outside the fleet file's bucket",
    );
  });
});
