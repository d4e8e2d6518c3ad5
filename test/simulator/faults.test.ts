import { CoreV1Api } from '@kubernetes/client-node';
import { type RunningFleet, startSimulatedFleet } from '../../src/simulator/fleet.js';
import { apiFailure, kubeConfigFor, namespace } from './fixtures.js';

let fleet: RunningFleet;

beforeAll(async () => {
  fleet = await startSimulatedFleet([
    { name: 'throttled', objects: [namespace('a')], config: { faults: { tooManyRequestsEvery: 3 } } },
    { name: 'failing', objects: [namespace('a')], config: { faults: { serverErrorEvery: 2 } } },
    { name: 'slow', objects: [namespace('a')], config: { faults: { latencyMs: 300 } } },
    { name: 'gone', objects: [namespace('a')], config: { faults: { unreachable: true } } },
  ]);
});

afterAll(async () => {
  await fleet.stop();
});

function coreOf(name: string): CoreV1Api {
  const cluster = fleet.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return kubeConfigFor(cluster).makeApiClient(CoreV1Api);
}

describe('configured faults', () => {
  it('answers every third request with 429 TooManyRequests and Retry-After: 1', async () => {
    const core = coreOf('throttled');
    await core.listNamespace();
    await core.listNamespace();
    const failure = await apiFailure(core.listNamespace());
    expect(failure.code).toBe(429);
    expect(failure.headers['retry-after']).toBe('1');
    expect(failure.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
      code: 429,
    });
    expect((await core.listNamespace()).items).toHaveLength(1);
  });

  it('answers every second request with 500 InternalError', async () => {
    const core = coreOf('failing');
    await core.listNamespace();
    const failure = await apiFailure(core.listNamespace());
    expect(failure.code).toBe(500);
    expect(failure.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500 });
  });

  it('delays every response by the configured latency', async () => {
    const core = coreOf('slow');
    const started = performance.now();
    await core.listNamespace();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('has nothing listening at the address of an unreachable cluster', async () => {
    const gone = fleet.clusters.find((c) => c.name === 'gone');
    expect(gone?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await expect(coreOf('gone').listNamespace()).rejects.toThrow(/ECONNREFUSED|fetch failed|connect/i);
  });
});

describe('a configured port', () => {
  it('serves at the given port, and refuses a port already in use naming the cluster', async () => {
    const first = await startSimulatedFleet([{ name: 'fixed', objects: [namespace('a')] }]);
    const port = Number(new URL(first.clusters[0]!.server).port);
    await first.stop();
    const fixed = await startSimulatedFleet([{ name: 'fixed', objects: [namespace('a')], config: { port } }]);
    try {
      expect(fixed.clusters[0]?.server).toBe(`https://127.0.0.1:${port}`);
      expect((await kubeConfigFor(fixed.clusters[0]!).makeApiClient(CoreV1Api).listNamespace()).items).toHaveLength(1);
      await expect(
        startSimulatedFleet([{ name: 'clash', objects: [namespace('a')], config: { port } }]),
      ).rejects.toThrow(`cluster clash: port ${port} is already in use`);
    } finally {
      await fixed.stop();
    }
  });
});
