import type { Command } from 'commander';
import {
  type ClusterRunResult,
  type FleetProgressEvent,
  type FleetRunResult,
  snapshotFleet,
} from '../../collect/snapshotFleet.js';
import { resolveNow } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import { withoutControlCharacters } from '../../core/text.js';
import { clusterProblemsOf } from '../../evaluate/sectionProblems.js';
import { type Fleet, fleetFromKubeconfig, loadFleetFile } from '../../fleet/fleetFile.js';
import { openStore, prepareStore } from '../../ledger/open.js';
import { cliLogger } from '../cliLogger.js';
import { EXIT } from '../exit.js';
import { backfillOption, type RunTrustFlags, runTrustOf, signingKeyOption } from '../runTrustOptions.js';
import type { RunState } from './index.js';

interface SnapshotFlags extends RunTrustFlags {
  fleet?: string;
  kubeconfig?: string;
  context?: string[];
  store: string;
  now?: string;
  s3Endpoint?: string;
  concurrency?: string;
  /** false with --no-read-secrets. */
  readSecrets: boolean;
}

/** `fleetledger snapshot`: one snapshot per cluster into the ledger, a line per cluster, a summary; exit 3 when not all ok. */
export function register(program: Command, run: RunState): void {
  program
    .command('snapshot')
    .description('Snapshot every cluster of a fleet into the ledger')
    .option('--fleet <file>', 'fleet file (YAML) naming the clusters')
    .option('--kubeconfig <file>', 'without a fleet file: snapshot the contexts of this kubeconfig')
    .option('--context <name...>', 'with --kubeconfig: only these contexts (default: every context)')
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--now <iso>', 'the run time (ISO 8601) instead of the clock')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--concurrency <n>', 'clusters collected at the same time (default: the fleet file, else 8)')
    .option('--no-read-secrets', 'read no Secrets (as the fleet file setting defaults.readSecrets: false)')
    .addOption(signingKeyOption())
    .addOption(backfillOption())
    .action(async (flags: SnapshotFlags) => {
      const fleet = withSecretReadsFlag(fleetFrom(flags), flags.readSecrets);
      const concurrency = parseConcurrency(flags.concurrency);
      const now = resolveNow(flags.now);
      const trust = await runTrustOf(flags);
      const store = openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      // Before any cluster is contacted: a store that cannot be used (a directory that cannot be
      // written, a missing or refusing bucket) would only show once every snapshot was refused.
      await prepareStore(store);
      const progress = createProgress(fleet.clusters.length);
      const result = await snapshotFleet(fleet, {
        store,
        now,
        logger: cliLogger(),
        onProgress: progress.update,
        ...trust,
        ...(concurrency ? { concurrency } : {}),
      });
      progress.finish();
      process.stdout.write(`${summaryLine(result, store.location)}\n`);
      for (const line of notStoredErrors(result)) process.stderr.write(`${line}\n`);
      run.exitCode =
        result.notStored > 0 ? EXIT.failure : result.counts.ok === result.clusters.length ? EXIT.ok : EXIT.partial;
    });
}

function fleetFrom(flags: SnapshotFlags): Fleet {
  if (flags.fleet && flags.kubeconfig) throw new ConfigError('give either --fleet or --kubeconfig, not both');
  if (flags.fleet) {
    if (flags.context?.length) throw new ConfigError('--context goes with --kubeconfig, not --fleet');
    return loadFleetFile(flags.fleet);
  }
  if (flags.kubeconfig) return fleetFromKubeconfig(flags.kubeconfig, flags.context);
  throw new ConfigError('expected --fleet FILE or --kubeconfig FILE: which clusters to snapshot');
}

/**
 * The fleet with Secret reads turned off when `--no-read-secrets` was given: the flag can only
 * turn them off, never on against a fleet file that says `readSecrets: false`.
 */
export function withSecretReadsFlag(fleet: Fleet, readSecrets: boolean): Fleet {
  return readSecrets ? fleet : { ...fleet, defaults: { ...fleet.defaults, readSecrets: false } };
}

function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new ConfigError(`--concurrency: expected an integer from 1 to 256, got "${text}"`);
  }
  return value;
}

/**
 * One line per cluster, its problems in people's words (the raw errors are in the snapshot, the
 * report's appendix and report.json, and in the log at FLEETLEDGER_LOG_LEVEL=info); cluster-supplied
 * text in it loses its control characters (it goes to a terminal).
 */
export function clusterLine(result: ClusterRunResult): string {
  const seconds = `${(result.elapsedMs / 1000).toFixed(1)}s`;
  const destination = result.written ? `-> ${result.written.key}` : '-> NOT STORED';
  const problems = clusterProblemsOf({
    status: result.status,
    unreachableReason: result.unreachableReason,
    sections: result.sections,
  }).map((problem) => problem.summary);
  const line =
    result.status === 'unreachable'
      ? `${result.cluster}: unreachable (${problems[0]}) ${seconds}${result.written ? '' : ` ${destination}`}`
      : `${result.cluster}: ${result.status}, ${result.objectsRead} objects, ${seconds}${
          problems.length > 0 ? ` [${problems.join('; ')}]` : ''
        } ${destination}`;
  return withoutControlCharacters(line);
}

/** One `error:` line per snapshot the ledger refused (the run then exits 1). */
export function notStoredErrors(result: FleetRunResult): string[] {
  return result.clusters.flatMap((cluster) =>
    cluster.notStoredReason === undefined
      ? []
      : [`error: snapshot of ${cluster.cluster} not stored: ${withoutControlCharacters(cluster.notStoredReason)}`],
  );
}

export function summaryLine(result: FleetRunResult, location: string): string {
  const { ok, partial, unreachable } = result.counts;
  const notStored = result.notStored > 0 ? `; ${result.notStored} NOT STORED` : '';
  const signed = result.signingKey ? `, signed by ${result.signingKey}` : '';
  const destination = result.manifest
    ? `stored in ${location} (${result.manifest.key}${signed})`
    : `nothing stored in ${location}, no manifest written`;
  return (
    `${result.clusters.length} cluster(s): ${ok} ok, ${partial} partial, ${unreachable} unreachable${notStored}; ` +
    `${result.objectsRead} objects read in ${(result.elapsedMs / 1000).toFixed(1)}s; ${destination}`
  );
}

/**
 * On a terminal: a live "collecting" line on stderr above which finished clusters are printed.
 * Otherwise (CI, pipes, Lambda): one plain line per finished cluster, nothing else.
 */
function createProgress(total: number): { update: (event: FleetProgressEvent) => void; finish: () => void } {
  const tty = process.stdout.isTTY === true && process.stderr.isTTY === true;
  const running = new Set<string>();
  let done = 0;
  const clearStatus = () => {
    if (tty) process.stderr.write('\r\u001b[2K');
  };
  const drawStatus = () => {
    if (!tty || running.size === 0) return;
    const names = [...running].slice(0, 4).join(', ') + (running.size > 4 ? ', ...' : '');
    process.stderr.write(`[${done}/${total}] collecting ${names}`);
  };
  return {
    update(event) {
      clearStatus();
      if (event.kind === 'started') {
        running.add(event.cluster);
      } else {
        running.delete(event.result.cluster);
        done++;
        process.stdout.write(`${clusterLine(event.result)}\n`);
      }
      drawStatus();
    },
    finish: clearStatus,
  };
}
