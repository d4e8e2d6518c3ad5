/**
 * The CDK app (`npx cdk synth`, `npm run synth`). Settings come from cdk.json's context (or
 * `-c fleetledger:timeZone=Europe/Berlin` on the command line):
 * - fleetledger:timeZone        IANA zone of the schedules and periods (default UTC)
 * - fleetledger:objectLockMode  GOVERNANCE (default) or COMPLIANCE
 * - fleetledger:retentionDays   default Object Lock retention (default 400)
 * - fleetledger:sender, fleetledger:recipients (comma-separated): e-mail the weekly report
 */
import { App } from 'aws-cdk-lib';
import type { ObjectLockMode } from './constructs/LedgerBucket.js';
import { FleetLedgerStack, type FleetLedgerStackProps } from './FleetLedgerStack.js';

const app = new App();
const setting = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(`fleetledger:${key}`);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};

const sender = setting('sender');
const recipients =
  setting('recipients')
    ?.split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '') ?? [];
if ((sender === undefined) !== (recipients.length === 0)) {
  throw new Error('cdk.json: set both fleetledger:sender and fleetledger:recipients, or neither');
}
const retentionDays = setting('retentionDays');

const props: FleetLedgerStackProps = {
  description: 'fleetledger: audit and compliance ledger of Kubernetes clusters',
  ...(process.env['CDK_DEFAULT_ACCOUNT'] && process.env['CDK_DEFAULT_REGION']
    ? { env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] } }
    : {}),
  timeZone: setting('timeZone') ?? 'UTC',
  ledger: {
    objectLockMode: (setting('objectLockMode') ?? 'GOVERNANCE') as ObjectLockMode,
    ...(retentionDays ? { retentionDays: Number(retentionDays) } : {}),
  },
  ...(sender ? { email: { sender, recipients } } : {}),
};
new FleetLedgerStack(app, 'FleetLedger', props);
app.synth();
