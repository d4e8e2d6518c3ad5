/**
 * The fetch floor of `npm run bench`: the list requests a snapshot made, sent again over HTTPS with
 * the same page size and concurrency, pages followed, bodies read and discarded (parsed only for the
 * continue token). Plain JavaScript, so that bench/run.ts can also run it as a fresh `node` process
 * (`node bench/fetchFloor.mjs FILE`, FILE a JSON { cluster, paths, concurrency }), timed from spawn
 * to exit like the CLI: the floor with a process start and the HTTP client's import in it.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';

/** Seconds from the first request to the last body read. */
export async function fetchFloor(cluster, paths, concurrency) {
  const dispatcher = new Agent({ connect: { ca: cluster.caPem } });
  const started = performance.now();
  const queue = [...paths];
  const worker = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      let token;
      do {
        const url = new URL(path, cluster.server);
        if (token) url.searchParams.set('continue', token);
        const response = await request(url, { dispatcher, headers: { authorization: `Bearer ${cluster.token}` } });
        const text = await response.body.text();
        token =
          response.statusCode === 200 && url.searchParams.has('limit')
            ? JSON.parse(text).metadata?.continue || undefined
            : undefined;
      } while (token);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  return seconds;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { cluster, paths, concurrency } = JSON.parse(await readFile(process.argv[2], 'utf8'));
  await fetchFloor(cluster, paths, concurrency);
}
