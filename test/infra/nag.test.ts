/**
 * cdk-nag (v3) AwsSolutions on the stack: no finding is left unacknowledged in any configuration
 * the settings allow, and an unacknowledged finding fails the synth (as infra/app.ts runs it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FleetLedgerStack, type FleetLedgerStackProps } from '../../infra/FleetLedgerStack.js';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

interface NagReport {
  success: boolean;
  violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[];
}

function findings(props: FleetLedgerStackProps): string[] {
  const app = new App({ context: NO_BUNDLING });
  new FleetLedgerStack(app, 'FleetLedger', props);
  const report = new AwsSolutionsChecks(app).validateScope(app) as unknown as NagReport;
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged with the defaults', () => {
    expect(findings({})).toEqual([]);
  });

  it('finds nothing unacknowledged with every setting given', () => {
    expect(
      findings({
        timeZone: 'Europe/Berlin',
        waiversFile: 'waivers.yaml',
        email: { sender: 'fleetledger@audit.example.com', recipients: ['secops@example.com'] },
        eksClusterArns: ['arn:aws:eks:eu-central-1:123456789012:cluster/prod-east'],
        assumeRoleArns: ['arn:aws:iam::210987654321:role/fleetledger-reader'],
        tokenSecretArns: ['arn:aws:secretsmanager:eu-central-1:123456789012:secret:lab-token-??????'],
        vpc: {
          vpcId: 'vpc-0123456789abcdef0',
          subnetIds: ['subnet-0123456789abcdef0'],
          securityGroupIds: ['sg-0123456789abcdef0'],
        },
        encryptionKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        alarmTopicArn: 'arn:aws:sns:eu-central-1:123456789012:oncall',
      }),
    ).toEqual([]);
  });

  it('fails the synth on a finding nobody acknowledged', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'cdk-nag-'));
    try {
      const app = new App({ context: NO_BUNDLING, outdir });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      const stack = new FleetLedgerStack(app, 'FleetLedger');
      new Role(stack, 'Careless', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
        new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
      );

      expect(() => app.synth()).toThrow(
        /FleetLedger\/Careless\/DefaultPolicy\/Resource[\s\S]*AwsSolutions-IAM5\[Action::s3:\*\]/,
      );
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });
});
