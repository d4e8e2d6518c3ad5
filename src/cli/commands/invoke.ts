import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { isoUtc, resolveNow } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import { executionInput, findDeployedStack, startRun, waitForRun } from '../../deploy/deployedRuns.js';
import { openStore } from '../../ledger/open.js';
import { parseExpiry, requireS3Store, shareObjects } from '../../ledger/share.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines, printNote } from '../output.js';
import type { RunState } from './index.js';

interface InvokeFlags {
  stack: string;
  period?: string;
  wait?: boolean;
  format: string;
  pollInterval: string;
  expires: string;
}

/** `fleetledger invoke`: runs the deployed state machine now (optionally waiting for its report). */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('invoke')
    .description('Start a run of the deployed stack now: snapshots, and with --period the report and its e-mail')
    .option('--stack <name>', 'the CloudFormation stack (npx cdk deploy)', 'FleetLedger')
    .option('--period <period>', 'also report this ISO week (2026-W48, current or previous) and e-mail it')
    .option('--wait', 'wait for the run to end, then print the report location and a presigned link')
    .addOption(formatOption(['text', 'json']))
    .option('--poll-interval <seconds>', 'how often --wait asks for the run status', '5')
    .option('--expires <duration>', 'how long the report link works: 900s, 30m, 12h, 7d', '7d')
    .action(async (flags: InvokeFlags) => {
      const pollSeconds = Number(flags.pollInterval);
      if (!Number.isFinite(pollSeconds) || pollSeconds < 0) {
        throw new ConfigError(`--poll-interval: expected a number of seconds, got "${flags.pollInterval}"`);
      }
      const expiresInSeconds = parseExpiry(flags.expires);
      const input = executionInput(flags.period ?? null);
      const sfn = new SFNClient({});
      const stack = await findDeployedStack(new CloudFormationClient({}), flags.stack);
      const started = await startRun(sfn, stack, input);
      const json = flags.format === 'json';
      if (!json) printLines(`started ${started.executionArn}`);
      if (!flags.wait) {
        if (json) printJson({ ...started, status: 'RUNNING' });
        return;
      }
      const ended = await waitForRun(sfn, started.executionArn, {
        pollSeconds,
        onProgress: (elapsed) => printNote(`running (${elapsed}s)`),
      });
      let report: { period: string; location: string; link: string; linkExpiresAt: string } | null = null;
      if (ended.output?.report) {
        const key = `${ended.output.report.reportFolder}report.html`;
        const store = requireS3Store(await openStore(stack.ledgerLocation));
        const [shared] = await shareObjects(store, { key, expiresInSeconds, now: resolveNow(undefined) });
        report = {
          period: ended.output.report.period,
          location: `${stack.ledgerLocation}/${key}`,
          link: shared!.url,
          linkExpiresAt: isoUtc(shared!.expiresAt),
        };
      }
      if (json) {
        printJson({
          ...started,
          status: ended.status,
          error: ended.error,
          counts: ended.output?.finished?.counts ?? null,
          report,
        });
      } else {
        const counts = ended.output?.finished?.counts;
        printLines(
          `${ended.status}${ended.error ? `: ${ended.error}` : ''}`,
          ...(counts
            ? [
                `clusters: ${Object.entries(counts)
                  .map(([k, v]) => `${v} ${k}`)
                  .join(', ')}`,
              ]
            : []),
          ...(report
            ? [`report ${report.period}: ${report.location}`, `link (until ${report.linkExpiresAt}): ${report.link}`]
            : []),
        );
      }
      if (ended.status !== 'SUCCEEDED') run.exitCode = EXIT.failure;
    });
  examples(command, [
    '# a run now, snapshots only',
    'fleetledger invoke',
    '# report and e-mail last week too, wait for it and print a link to the report',
    'fleetledger invoke --period 2026-w48 --wait --format json',
  ]);
}
