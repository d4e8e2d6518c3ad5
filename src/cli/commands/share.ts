import type { Command } from 'commander';
import { isoUtc, resolveNow } from '../../core/clock.js';
import { openStore } from '../../ledger/open.js';
import { describeSeconds, parseExpiry, requireS3Store, shareObjects } from '../../ledger/share.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines, printNote } from '../output.js';
import type { RunState } from './index.js';

interface ShareFlags {
  store: string;
  key?: string;
  period?: string;
  timeZone: string;
  expires: string;
  s3Endpoint?: string;
  now?: string;
  format: string;
}

/** `fleetledger share`: presigned GET URLs for auditors, one line per object with its expiry. */
export function register(program: Command, _run: RunState): void {
  const command = program
    .command('share')
    .description('Print presigned download URLs (at most 7 days) for one object or a whole period')
    .requiredOption('--store <location>', 'ledger: s3://bucket/prefix')
    .option('--key <key>', 'one object, e.g. snapshots/cluster=prod-east/date=2026-11-25/...json.gz')
    .option('--period <period>', 'every snapshot and report of this ISO week, e.g. 2026-W48, with their manifests')
    .option('--time-zone <tz>', 'time zone the --period week is taken in (IANA), as for report', 'UTC')
    .option('--expires <duration>', 'how long the URLs work: 900s, 30m, 12h, 7d (at most 7d)', '7d')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--now <iso>', 'the signing time (default: now)')
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: ShareFlags) => {
      const expiresInSeconds = parseExpiry(flags.expires);
      const now = resolveNow(flags.now);
      const store = requireS3Store(
        await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {}),
      );
      const shared = await shareObjects(store, {
        ...(flags.key !== undefined ? { key: flags.key } : {}),
        ...(flags.period !== undefined ? { period: flags.period, timeZone: flags.timeZone } : {}),
        expiresInSeconds,
        now,
      });
      if (flags.format === 'json') {
        printJson(
          shared.map((link) => ({
            key: link.key,
            url: link.url,
            expiresAt: isoUtc(link.expiresAt),
            ...(link.note ? { note: link.note } : {}),
          })),
        );
        return;
      }
      for (const link of shared) {
        printLines(`${link.key}\texpires ${isoUtc(link.expiresAt)}\t${link.url}`);
        if (link.note) printNote(`note: ${link.key}: ${link.note}`);
      }
      printNote(`${shared.length} URL(s), valid for ${describeSeconds(expiresInSeconds)} from ${isoUtc(now)}`);
    });
  examples(command, [
    'fleetledger share --store s3://audit-ledger/fleet --period 2026-w48 --expires 3d',
    'fleetledger share --store s3://audit-ledger/fleet --key reports/2026-W48/2026-11-30T06-00-00.000Z/report.html --format json',
  ]);
}
