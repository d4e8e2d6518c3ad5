/** bench/fetchFloor.mjs */
export function fetchFloor(
  cluster: { server: string; caPem: string; token: string },
  paths: readonly string[],
  concurrency: number,
): Promise<number>;
