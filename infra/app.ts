/**
 * The CDK app (`npx cdk synth`, `npm run synth`). Every setting comes from the context (cdk.json,
 * or `-c fleetledger:timeZone=Europe/Berlin`) or a settings file (`-c
 * fleetledger:settingsFile=fleetledger.yaml`); see infra/settings.ts and the README's settings
 * table. A bad setting stops the synth with a message naming it, and so does an unacknowledged
 * cdk-nag finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../src/core/errors.js';
import { FleetLedgerStack } from './FleetLedgerStack.js';
import { readStackSettings } from './settings.js';

const app = new App();
let settings: ReturnType<typeof readStackSettings>;
try {
  settings = readStackSettings((key) => app.node.tryGetContext(key));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.problems.map((problem) => `error: ${problem}`).join('\n')}\n`);
  process.exit(2);
}
// cdk-nag's AwsSolutions rules fail the synth on any finding not acknowledged (with its reason) in
// the construct that causes it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new FleetLedgerStack(app, 'FleetLedger', {
  description: 'fleetledger: audit and compliance ledger of Kubernetes clusters',
  ...(process.env['CDK_DEFAULT_ACCOUNT'] && process.env['CDK_DEFAULT_REGION']
    ? { env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] } }
    : {}),
  ...settings,
});
app.synth();
