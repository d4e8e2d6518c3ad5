/**
 * The simulated fleet of `npm run bench`, in a process of its own so that its memory and CPU are
 * not counted as the measured command's. Driven over IPC by bench/run.ts:
 *   -> { start: <file of SimulatedClusterDefinition[] as JSON>, kubeconfig: <path> }
 *   <- { ready: [{ name, server, caPem, token }] }
 *   -> { log: <cluster name> }   <- { log: string[] } (and clears it)
 *   -> { stop: true }            (stops the servers and exits)
 */
import { readFile } from 'node:fs/promises';
import { type RunningFleet, type SimulatedClusterDefinition, startSimulatedFleet } from '../src/simulator/fleet.js';

type Message = { start: string; kubeconfig: string } | { log: string } | { stop: true };

let fleet: RunningFleet | null = null;
const send = (message: unknown) => process.send?.(message);

process.on('message', async (message: Message) => {
  if ('start' in message) {
    const clusters = JSON.parse(await readFile(message.start, 'utf8')) as SimulatedClusterDefinition[];
    fleet = await startSimulatedFleet(clusters, { kubeconfigPath: message.kubeconfig });
    send({
      ready: fleet.clusters.map(({ name, server, caPem, token }) => ({ name, server, caPem, token })),
    });
  } else if ('log' in message) {
    const cluster = fleet?.clusters.find((c) => c.name === message.log);
    const log = [...(cluster?.requestLog ?? [])];
    (cluster?.requestLog as string[] | undefined)?.splice(0);
    send({ log });
  } else {
    await fleet?.stop();
    process.exit(0);
  }
});
