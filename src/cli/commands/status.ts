import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { findDeployedStack, recentRuns } from '../../deploy/deployedRuns.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines } from '../output.js';
import type { RunState } from './index.js';

interface StatusFlags {
  stack: string;
  last: string;
  format: string;
}

/** `fleetledger status`: the deployed stack's last runs, newest first. */
export function register(program: Command, _run: RunState): void {
  const command = program
    .command('status')
    .description("Show the deployed stack's last runs, newest first")
    .option('--stack <name>', 'the CloudFormation stack (npx cdk deploy)', 'FleetLedger')
    .option('--last <n>', 'how many runs', '10')
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: StatusFlags) => {
      const last = Number(flags.last);
      if (!Number.isInteger(last) || last < 1 || last > 1000) {
        throw new ConfigError(`--last: expected a whole number from 1 to 1000, got "${flags.last}"`);
      }
      const stack = await findDeployedStack(new CloudFormationClient({}), flags.stack);
      const runs = await recentRuns(new SFNClient({}), stack, last);
      if (flags.format === 'json') {
        printJson({ stack: stack.stackName, ledger: stack.ledgerLocation, runs });
        return;
      }
      printLines(
        `${stack.stackName}: ledger ${stack.ledgerLocation}`,
        ...runs.map((r) => `${r.startedAt}  ${r.status.padEnd(9)}  ${r.stoppedAt ?? '-'}  ${r.name}`),
        ...(runs.length === 0 ? ['no runs yet'] : []),
      );
    });
  examples(command, ['fleetledger status --stack FleetLedger --last 5']);
}
