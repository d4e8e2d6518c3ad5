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
import type { Fleet } from '../../fleet/fleetFile.js';
import { fleetFromSources } from '../../fleet/fleetSources.js';
import { openStore, prepareStore } from '../../ledger/open.js';
import { cliLogger } from '../cliLogger.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { createStatusLine, formatOption, printError, printJson, printLines } from '../output.js';
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
  format: string;
}

/** Where the clusters come from, for `snapshot`, `run` and `doctor`. */
export const fleetSourceHelp = {
  fleet: 'fleet file (YAML) naming the clusters',
  kubeconfig: 'without a fleet file: the contexts of this kubeconfig (default: $KUBECONFIG, else ~/.kube/config)',
  context: 'with a kubeconfig: only these contexts (default: every context)',
} as const;

/** What `snapshot --format json` prints (and `run` under `snapshots`). */
export function snapshotResultJson(result: FleetRunResult, storeLocation: string) {
  return {
    store: storeLocation,
    manifest: result.manifest?.key ?? null,
    signingKey: result.signingKey ?? null,
    counts: result.counts,
    notStored: result.notStored,
    objectsRead: result.objectsRead,
    elapsedMs: result.elapsedMs,
    clusters: result.clusters.map((cluster) => ({
      cluster: cluster.cluster,
      status: cluster.status,
      objectsRead: cluster.objectsRead,
      elapsedMs: cluster.elapsedMs,
      key: cluster.written?.key ?? null,
      problems: clusterProblemsOf({
        status: cluster.status,
        unreachableReason: cluster.unreachableReason,
        sections: cluster.sections,
      }).map((problem) => withoutControlCharacters(problem.summary)),
      ...(cluster.notStoredReason === undefined
        ? {}
        : { notStoredReason: withoutControlCharacters(cluster.notStoredReason) }),
    })),
  };
}

/** 1 when a snapshot was refused by the store, 3 when a cluster was not collected completely, else 0. */
export function snapshotExitCode(result: FleetRunResult): number {
  if (result.notStored > 0) return EXIT.failure;
  return result.counts.ok === result.clusters.length ? EXIT.ok : EXIT.partial;
}

/** `fleetledger snapshot`: one snapshot per cluster into the ledger, a line per cluster, a summary; exit 3 when not all ok. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('snapshot')
    .description('Snapshot every cluster of a fleet into the ledger')
    .option('--fleet <file>', fleetSourceHelp.fleet)
    .option('--kubeconfig <file>', fleetSourceHelp.kubeconfig)
    .option('--context <name...>', fleetSourceHelp.context)
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .option('--now <iso>', 'the run time (ISO 8601) instead of the clock')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--concurrency <n>', 'clusters collected at the same time (default: the fleet file, else 8)')
    .option('--no-read-secrets', 'read no Secrets (as the fleet file setting defaults.readSecrets: false)')
    .addOption(signingKeyOption())
    .addOption(backfillOption())
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: SnapshotFlags) => {
      const fleet = withSecretReadsFlag(await fleetFromSources(flags), flags.readSecrets);
      const concurrency = parseConcurrency(flags.concurrency);
      const now = resolveNow(flags.now);
      const trust = await runTrustOf(flags);
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      // Before any cluster is contacted: a store that cannot be used (a directory that cannot be
      // written, a missing or refusing bucket) would only show once every snapshot was refused.
      await prepareStore(store);
      const progress = createProgress(fleet.clusters.length, flags.format === 'text');
      const result = await snapshotFleet(fleet, {
        store,
        now,
        logger: cliLogger(),
        onProgress: progress.update,
        ...trust,
        ...(concurrency ? { concurrency } : {}),
      });
      progress.finish();
      if (flags.format === 'json') printJson(snapshotResultJson(result, store.location));
      else printLines(summaryLine(result, store.location));
      for (const line of notStoredErrors(result)) printError(line.replace(/^error: /, ''));
      run.exitCode = snapshotExitCode(result);
    });
  examples(command, [
    '# every context of $KUBECONFIG (else ~/.kube/config)',
    'fleetledger snapshot --store ./ledger',
    'fleetledger snapshot --kubeconfig ~/.kube/config --context prod-east prod-west --store ./ledger',
    'fleetledger snapshot --fleet fleet.yaml --store s3://audit-ledger/fleet --signing-key kms:arn:aws:kms:eu-west-1:111122223333:key/abcd',
  ]);
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
function createProgress(
  total: number,
  clusterLines: boolean,
): { update: (event: FleetProgressEvent) => void; finish: () => void } {
  const status = createStatusLine();
  const running = new Set<string>();
  let done = 0;
  let objects = 0;
  return {
    update(event) {
      status.clear();
      if (event.kind === 'started') {
        running.add(event.cluster);
      } else {
        running.delete(event.result.cluster);
        done++;
        objects += event.result.objectsRead;
        if (clusterLines) printLines(clusterLine(event.result));
      }
      if (running.size > 0) {
        const names = [...running].slice(0, 4).join(', ') + (running.size > 4 ? ', ...' : '');
        status.show(`[${done}/${total}] ${objects} objects read; collecting ${names}`);
      }
    },
    finish: status.clear,
  };
}
