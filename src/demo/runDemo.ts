/**
 * The demo (`npm start`, `fleetledger demo`): the main job on the embedded default.
 *
 * Starts the demo fleet (examples/fleet) on simulated API servers and runs two weekly cycles
 * against the local ledger: last week's fleet (examples/fleet plus the changes in
 * examples/fleet-last-week) snapshotted and reported with `now` a week back, then this week's,
 * so the report has a real trend. Certificates are issued once, relative to today, and shared by
 * both weeks, so only what the overlay changes differs between them. Last week's runs are written
 * now, after the fact: they are backfills (and on a second start they are earlier than the ledger's
 * newest run, which only a backfill may be).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DateTime } from 'luxon';
import { type FleetRunResult, snapshotFleet } from '../collect/snapshotFleet.js';
import type { Logger } from '../core/logger.js';
import { periodContaining } from '../core/period.js';
import { readWaiversFile, waiverLimits } from '../evaluate/waivers.js';
import { readFleetFile } from '../fleet/fleetFile.js';
import type { LedgerStore } from '../ledger/store.js';
import { type GeneratedReport, generateReport } from '../report/generateReport.js';
import { reportFleetOf } from '../report/reportFleet.js';
import type { Signer } from '../signing/signer.js';
import type { ServingIdentity } from '../simulator/apiServer.js';
import { loadFleetDirectory, type SimulatedClusterDefinition, startSimulatedFleet } from '../simulator/fleet.js';
import { generateCertificateObjects } from '../simulator/generatedCertificates.js';

export interface DemoOptions {
  /** The repository's examples directory (fleet/, fleet-last-week/, fleet.yaml, waivers.yaml). */
  examplesDir: string;
  store: LedgerStore;
  now: DateTime;
  /** Where this week's report files are copied. */
  out: string;
  logger: Logger;
  /** Called after each step, for the CLI to print what was done so far. */
  onStep?: (step: DemoStep) => void;
  /** Signs every run (the CLI's demo signs with a key beside its ledger); default: unsigned. */
  signer?: Signer | null;
}

export type DemoStep =
  | { kind: 'snapshot'; week: 'last' | 'this'; result: FleetRunResult }
  | { kind: 'report'; week: 'last' | 'this'; report: GeneratedReport };

export interface DemoResult {
  lastWeek: { snapshot: FleetRunResult; report: GeneratedReport };
  thisWeek: { snapshot: FleetRunResult; report: GeneratedReport };
}

/** The annotation an overlay object carries to say "this object did not exist last week". */
export const ABSENT_ANNOTATION = 'demo.fleetledger.dev/absent';

function identity(object: Record<string, unknown>): string {
  const metadata = (object['metadata'] ?? {}) as Record<string, unknown>;
  return [object['apiVersion'], object['kind'], metadata['namespace'] ?? '', metadata['name']].join('/');
}

function isMarkedAbsent(object: Record<string, unknown>): boolean {
  const metadata = (object['metadata'] ?? {}) as { annotations?: Record<string, string> };
  return metadata.annotations?.[ABSENT_ANNOTATION] === 'true';
}

/** Base objects with the overlay's objects replacing (or, marked absent, removing) their namesakes. */
export function applyOverlay(
  base: readonly SimulatedClusterDefinition[],
  overlay: readonly SimulatedClusterDefinition[],
): SimulatedClusterDefinition[] {
  return base.map((cluster) => {
    const changes = overlay.find((o) => o.name === cluster.name)?.objects ?? [];
    const replaced = new Map(changes.map((object) => [identity(object), object]));
    const objects = cluster.objects
      .filter((object) => !replaced.has(identity(object)))
      .concat(changes.filter((object) => !isMarkedAbsent(object)));
    return { ...cluster, objects };
  });
}

/** The certificates each cluster's simulator.yaml asks for, issued once, as objects. */
async function issueCertificates(
  clusters: readonly SimulatedClusterDefinition[],
  now: Date,
): Promise<Map<string, Record<string, unknown>[]>> {
  const issued = new Map<string, Record<string, unknown>[]>();
  for (const cluster of clusters) {
    const config = cluster.config?.certificates;
    issued.set(
      cluster.name,
      config ? await generateCertificateObjects(config, now, `cluster ${cluster.name}: simulator config`) : [],
    );
  }
  return issued;
}

/** The clusters with the given certificate objects in place of their `certificates:` config. */
function withCertificates(
  clusters: readonly SimulatedClusterDefinition[],
  issued: ReadonlyMap<string, Record<string, unknown>[]>,
): SimulatedClusterDefinition[] {
  return clusters.map(({ config, ...cluster }) => {
    const { certificates: _issuedSeparately, ...rest } = config ?? {};
    return { ...cluster, objects: [...cluster.objects, ...(issued.get(cluster.name) ?? [])], config: rest };
  });
}

async function runWeek(
  week: 'last' | 'this',
  clusters: SimulatedClusterDefinition[],
  now: DateTime,
  options: DemoOptions & { servingIdentities: Map<string, ServingIdentity> },
  work: string,
): Promise<{ snapshot: FleetRunResult; report: GeneratedReport }> {
  const fleetDir = join(work, week);
  await mkdir(fleetDir, { recursive: true });
  const running = await startSimulatedFleet(clusters, {
    kubeconfigPath: join(fleetDir, 'kubeconfig'),
    now: now.toJSDate(),
    servingIdentities: options.servingIdentities,
  });
  try {
    // examples/fleet.yaml names ./kubeconfig: run it beside the kubeconfig this fleet wrote.
    await copyFile(join(options.examplesDir, 'fleet.yaml'), join(fleetDir, 'fleet.yaml'));
    const { fleet, source: fleetSource } = readFleetFile(join(fleetDir, 'fleet.yaml'));
    const trust = { signer: options.signer ?? null, backfill: week === 'last' };
    const snapshot = await snapshotFleet(fleet, { store: options.store, now, logger: options.logger, ...trust });
    options.onStep?.({ kind: 'snapshot', week, result: snapshot });
    const waiversFile = await readWaiversFile(
      join(options.examplesDir, 'waivers.yaml'),
      waiverLimits(now, fleet.rules),
    );
    const report = await generateReport({
      store: options.store,
      period: periodContaining(now).id,
      // After the last snapshot was collected (collection times are now + elapsed), as `run` does:
      // a report only sees the snapshots collected by its now.
      now: now.plus({ milliseconds: snapshot.elapsedMs + 1 }),
      waivers: waiversFile.waivers,
      fleet: reportFleetOf(fleet),
      // The fleet file was copied beside this week's kubeconfig: the same bytes as examples/fleet.yaml.
      configurationFiles: {
        fleetFile: { ...fleetSource, path: join(options.examplesDir, 'fleet.yaml') },
        waiversFile: waiversFile.source,
      },
      logger: options.logger,
      ...trust,
      ...(week === 'this' ? { out: options.out } : {}),
    });
    options.onStep?.({ kind: 'report', week, report });
    return { snapshot, report };
  } finally {
    await running.stop();
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const examplesDir = resolve(options.examplesDir);
  const lastWeekNow = options.now.minus({ weeks: 1 });
  // `!now` timestamps (audit times, cert-manager status) follow each week's clock.
  const thisWeekBase = await loadFleetDirectory(join(examplesDir, 'fleet'), { now: options.now.toJSDate() });
  const lastWeekBase = await loadFleetDirectory(join(examplesDir, 'fleet'), { now: lastWeekNow.toJSDate() });
  const lastWeekChanges = await loadFleetDirectory(join(examplesDir, 'fleet-last-week'), {
    now: lastWeekNow.toJSDate(),
  });
  const certificates = await issueCertificates(thisWeekBase, options.now.toJSDate());

  const work = await mkdtemp(join(tmpdir(), 'fleetledger-demo-'));
  // One API server identity per cluster for both weeks: the servers' certificates do not rotate.
  const weekOptions = { ...options, examplesDir, servingIdentities: new Map<string, ServingIdentity>() };
  try {
    const lastWeek = await runWeek(
      'last',
      applyOverlay(withCertificates(lastWeekBase, certificates), lastWeekChanges),
      lastWeekNow,
      weekOptions,
      work,
    );
    const thisWeek = await runWeek(
      'this',
      withCertificates(thisWeekBase, certificates),
      options.now,
      weekOptions,
      work,
    );
    return { lastWeek, thisWeek };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
