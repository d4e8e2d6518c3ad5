import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveNow } from '../../core/clock.js';
import { loadFleetDirectory, startSimulatedFleet } from '../../simulator/fleet.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { printDocument, printNote } from '../output.js';
import type { RunState } from './index.js';

interface SimulateFlags {
  fleetDir: string;
  kubeconfigOut?: string;
  now?: string;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `fleetledger simulate`: serves a fleet directory as HTTPS Kubernetes API servers until SIGINT/SIGTERM. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('simulate')
    .description('Serve each sub-directory of a fleet directory as a simulated Kubernetes API server (HTTPS)')
    .requiredOption('--fleet-dir <dir>', 'one sub-directory per cluster holding Kubernetes object files')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig (default: a new file in the temp directory)')
    .option('--now <iso>', 'the fleet\'s "now" (ISO 8601) for `!now` timestamps and certificates, instead of the clock')
    .action(async (flags: SimulateFlags) => {
      const now = resolveNow(flags.now).toJSDate();
      const clusters = await loadFleetDirectory(flags.fleetDir, { now });
      const stopSignal = untilStopSignal();
      const fleet = await startSimulatedFleet(clusters, {
        now,
        ...(flags.kubeconfigOut ? { kubeconfigPath: resolve(flags.kubeconfigOut) } : {}),
      });
      for (const cluster of fleet.clusters) printNote(`cluster ${cluster.name} at ${cluster.server}`);
      // Always printed: scripts wait for this line (it names the kubeconfig).
      printDocument(`ready ${fleet.kubeconfigPath}`);
      await stopSignal;
      await fleet.stop();
      run.exitCode = EXIT.ok;
    });
  examples(command, [
    'fleetledger simulate --fleet-dir examples/fleet --kubeconfig-out /tmp/demo.kubeconfig',
    'KUBECONFIG=/tmp/demo.kubeconfig kubectl --context cluster-a get namespaces',
  ]);
}
