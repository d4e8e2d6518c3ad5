/**
 * An API server that answers with something other than Kubernetes JSON: a redirect (to another
 * host, to plain http, to another path of the same host), an endless body, a huge JSON string,
 * bytes that are not UTF-8, JSON of the wrong shape. Each is an error recorded for that request's
 * section, with the reason; nothing is followed, memory stays bounded, and the run goes on.
 * A small hostile HTTPS server in the test, the real @kubernetes/client-node, the real reading layer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { KubeReadError, KubeReader } from '../../src/collect/kube.js';
import { snapshotFleet } from '../../src/collect/snapshotFleet.js';
import { ConfigError } from '../../src/core/errors.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { fleetFromKubeconfig, parseFleetFile } from '../../src/fleet/fleetFile.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import type { RunningCluster, RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import { b64, namespace } from './fixtures.js';

const MiB = 1024 * 1024;
const TOKEN = 'reader-token';

type Handler = (path: string, response: ServerResponse) => void;
let handler: Handler;
let hostile: Server;
let other: Server;
let plain: HttpServer;
let hostileBase: string;
let otherBase: string;
let plainBase: string;
let caPem: string;
/** Requests the redirect targets received (they must receive none). */
const followed: string[] = [];
/** Bytes the hostile server managed to write before the client closed the connection. */
let bytesWritten = 0;
let startSimulatedFleet: (clusters: SimulatedClusterDefinition[]) => Promise<RunningFleet>;
const running: RunningFleet[] = [];

const listen = (server: Server | HttpServer) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(String((server.address() as AddressInfo).port))),
  );

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
  const { createServingIdentity } = await import('../../src/simulator/apiServer.js');
  // A simulated API server's CA and serving certificate (localhost and 127.0.0.1), for hand-written servers.
  const { ca, serving } = await createServingIdentity({ name: 'hostile', now: new Date(), servingCertValidDays: 1 });
  caPem = ca.certPem;
  const tls = { cert: serving.certPem, key: serving.keyPem };
  hostile = createServer(tls, (request, response) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    const path = request.url ?? '/';
    if (path === '/version') {
      json(response, 200, { gitVersion: 'v1.33.2' });
      return;
    }
    handler(path, response);
  });
  // The targets of the redirects: each would answer with a list, if anyone asked.
  const target = (request: { url?: string | undefined }, response: ServerResponse) => {
    followed.push(request.url ?? '/');
    json(response, 200, { kind: 'NamespaceList', metadata: {}, items: [{ metadata: { name: 'planted' } }] });
  };
  other = createServer(tls, target);
  plain = createHttpServer(target);
  hostileBase = `https://127.0.0.1:${await listen(hostile)}`;
  otherBase = `https://localhost:${await listen(other)}`;
  plainBase = `http://127.0.0.1:${await listen(plain)}`;
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
  for (const server of [hostile, other, plain]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
beforeEach(() => {
  followed.length = 0;
  bytesWritten = 0;
});

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, 'content-type': 'text/plain' });
  response.end('moved');
}

/** Writes `prefix`, then `filler` for ever (respecting back-pressure) until the client goes away. */
function endless(response: ServerResponse, prefix: string, filler: string, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  const chunk = Buffer.from(filler.repeat(Math.ceil(65536 / filler.length)));
  bytesWritten += Buffer.byteLength(prefix);
  response.write(prefix);
  const pump = () => {
    while (!response.destroyed && !response.writableEnded) {
      bytesWritten += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
  };
  response.on('close', () => response.removeAllListeners('drain'));
  pump();
}

function raw(response: ServerResponse, bytes: Buffer): void {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
  response.end(bytes);
}

function reader(options: { maxResponseBytes?: number; timeoutMs?: number } = {}): KubeReader {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name: 'hostile', server: hostileBase, caData: b64(caPem), skipTLSVerify: false },
    { name: 'reader', token: TOKEN },
  );
  return new KubeReader(config, {
    requestTimeoutMs: options.timeoutMs ?? 5000,
    retryPolicy: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
}

const failure = (message: string, httpStatus: number | null = null) => new KubeReadError('error', message, httpStatus);

describe('redirects', () => {
  it.each([
    ['another host', () => `${otherBase}/api/v1/namespaces`],
    ['plain http', () => `${plainBase}/api/v1/namespaces?limit=500`],
    ['another path of the same host', () => '/api/v1/namespaces-elsewhere'],
  ])('are never followed, to %s: an error naming the request and where it pointed', async (_, location) => {
    // Prepare
    let hostileRequests = 0;
    handler = (_path, response) => {
      hostileRequests++;
      redirect(response, location());
    };
    const subject = reader();

    // Act
    const read = subject.listAll('/api/v1/namespaces');

    // Assess
    const target = location().startsWith('/') ? `${hostileBase}${location()}` : location();
    await expect(read).rejects.toEqual(
      failure(`GET /api/v1/namespaces: HTTP 302: redirects are not followed (to ${target})`, 302),
    );
    expect(hostileRequests).toBe(1);
    expect(followed).toEqual([]);
    await subject.close();
  });

  it('name the target without its credentials', async () => {
    handler = (_path, response) => redirect(response, `https://user:FAKE-pass@localhost:1/x?token=FAKE-token`);
    const subject = reader();

    await expect(subject.getJson('/api/v1/namespaces')).rejects.toEqual(
      failure(
        'GET /api/v1/namespaces: HTTP 302: redirects are not followed (to https://[REDACTED:userinfo]@localhost:1/x?token=[REDACTED:parameter])',
        302,
      ),
    );
    await subject.close();
  });
});

describe('error answers', () => {
  it('keep their Status message with the credentials it quotes marked', async () => {
    handler = (_path, response) =>
      json(response, 422, {
        kind: 'Status',
        message: 'webhook https://hook:FAKE-pw@policy.example/validate refused Authorization: Bearer FAKE-token-0001',
      });
    const subject = reader();

    await expect(subject.getJson('/api/v1/namespaces')).rejects.toEqual(
      failure(
        'GET /api/v1/namespaces: HTTP 422: webhook https://[REDACTED:userinfo]@policy.example/validate refused Authorization: Bearer [REDACTED:bearer]',
        422,
      ),
    );
    await subject.close();
  });
});

describe('the response size limit', () => {
  it('stops reading an endless body at the limit and fails that request with the reason', async () => {
    // Prepare: a list whose items never end
    handler = (_path, response) =>
      endless(response, '{"kind":"NamespaceList","metadata":{},"items":[', '{"metadata":{"name":"n"}},');
    const subject = reader({ maxResponseBytes: MiB });

    // Act
    const read = subject.listAll('/api/v1/namespaces');

    // Assess
    await expect(read).rejects.toEqual(
      failure('GET /api/v1/namespaces: the answer is larger than the response size limit (1 MiB); not read', 200),
    );
    await subject.close();
    // The connection was dropped: what the server got out is the limit plus what sockets buffer.
    expect(bytesWritten).toBeLessThan(16 * MiB);
  });

  it('stops reading one endless JSON string at the limit', async () => {
    handler = (_path, response) => endless(response, '{"kind":"Status","message":"', 'A');
    const subject = reader({ maxResponseBytes: 2 * MiB });

    await expect(subject.getJson('/api/v1/namespaces/default')).rejects.toEqual(
      failure(
        'GET /api/v1/namespaces/default: the answer is larger than the response size limit (2 MiB); not read',
        200,
      ),
    );
    await subject.close();
    expect(bytesWritten).toBeLessThan(16 * MiB);
  });

  it('refuses an answer whose declared length is over the limit without reading it', async () => {
    handler = (_path, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * MiB) });
      response.write('{"items":[');
    };
    const subject = reader({ maxResponseBytes: MiB });

    await expect(subject.getJson('/api/v1/namespaces')).rejects.toEqual(
      failure('GET /api/v1/namespaces: the answer is larger than the response size limit (1 MiB); not read', 200),
    );
    await subject.close();
  });

  it('reads an answer just under the limit', async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({ metadata: { name: `ns-${i}`, labels: { x: 'y' } } }));
    const body = Buffer.from(JSON.stringify({ kind: 'NamespaceList', metadata: {}, items }));
    handler = (_path, response) => raw(response, body);
    const subject = reader({ maxResponseBytes: body.length });

    expect(await subject.listAll('/api/v1/namespaces')).toHaveLength(2000);
    await subject.close();
  });

  it('keeps only the start of an endless error body, for the message', async () => {
    handler = (_path, response) => endless(response, '{"kind":"Status","message":"', 'B', 400);
    const subject = reader({ maxResponseBytes: 64 * MiB });

    await expect(subject.getJson('/api/v1/namespaces')).rejects.toEqual(
      failure('GET /api/v1/namespaces: HTTP 400', 400),
    );
    await subject.close();
    expect(bytesWritten).toBeLessThan(16 * MiB);
  });
});

describe('answers that are not the JSON asked for', () => {
  it('records bytes that are not UTF-8 as such, never replacing them', async () => {
    const body = Buffer.concat([
      Buffer.from('{"kind":"NamespaceList","metadata":{},"items":[{"metadata":{"name":"pay'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}]}'),
    ]);
    handler = (_path, response) => raw(response, body);
    const subject = reader();

    await expect(subject.listAll('/api/v1/namespaces')).rejects.toEqual(
      failure('GET /api/v1/namespaces: the answer is not valid UTF-8', 200),
    );
    await subject.close();
  });

  it.each([
    ['a JSON array', [], 'expected a JSON object, got an array'],
    ['null', null, 'expected a JSON object, got null'],
    ['items that are an object', { metadata: {}, items: { a: 1 } }, 'items: expected an array, got an object'],
    ['items that are missing', { metadata: {} }, 'items: expected an array, got nothing'],
    [
      'an item that is a number',
      { metadata: {}, items: [{ metadata: {} }, 7] },
      'items[1]: expected an object, got a number',
    ],
    [
      'a continue token that is a number',
      { metadata: { continue: 5 }, items: [] },
      'metadata.continue: expected a string, got a number',
    ],
  ])('records a list answer that is %s as an error naming the request and the field', async (_, body, why) => {
    handler = (_path, response) => json(response, 200, body);
    const subject = reader();

    await expect(subject.listAll('/api/v1/namespaces')).rejects.toEqual(failure(`GET /api/v1/namespaces: ${why}`, 200));
    await subject.close();
  });

  it('accepts items: null as an empty list (what Go servers send for a nil slice)', async () => {
    handler = (_path, response) => json(response, 200, { metadata: {}, items: null });
    const subject = reader();

    expect(await subject.listAll('/api/v1/namespaces')).toEqual([]);
    await subject.close();
  });

  it('records a discovery document whose resources are not a list as an error', async () => {
    handler = (_path, response) => json(response, 200, { groupVersion: 'kyverno.io/v1', resources: 'all' });
    const subject = reader();

    await expect(subject.discover('kyverno.io/v1')).rejects.toEqual(
      failure('GET /apis/kyverno.io/v1: resources: expected an array, got a string', 200),
    );
    await subject.close();
  });
});

describe('a fleet run with a hostile cluster', () => {
  it('records each hostile answer as an error of its section, keeps the cluster partial and collects the others', async () => {
    // Prepare: a healthy simulated cluster and the hostile server in one kubeconfig
    const simulated = await startSimulatedFleet([{ name: 'healthy', objects: [namespace('payments')] }]);
    running.push(simulated);
    const [healthy] = simulated.clusters as [RunningCluster];
    handler = (path, response) => {
      if (path.startsWith('/api/v1/namespaces?'))
        endless(response, '{"metadata":{},"items":[', '{"metadata":{},"x":1},');
      else if (path.startsWith('/api/v1/resourcequotas?')) redirect(response, `${plainBase}${path}`);
      else if (path.startsWith('/api/v1/limitranges?')) raw(response, Buffer.from([0x7b, 0xff, 0x7d]));
      else json(response, 404, { kind: 'Status', message: 'the server could not find the requested resource' });
    };
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'healthy', cluster: { server: healthy.server, 'certificate-authority-data': b64(healthy.caPem) } },
          { name: 'hostile', cluster: { server: hostileBase, 'certificate-authority-data': b64(caPem) } },
        ],
        users: [
          { name: 'healthy', user: { token: healthy.token } },
          { name: 'hostile', user: { token: TOKEN } },
        ],
        contexts: [
          { name: 'healthy', context: { cluster: 'healthy', user: 'healthy' } },
          { name: 'hostile', context: { cluster: 'hostile', user: 'hostile' } },
        ],
        'current-context': 'healthy',
      }),
    );
    const fleet = fleetFromKubeconfig(kubeconfig);

    // Act
    const result = await snapshotFleet(
      { ...fleet, defaults: { ...fleet.defaults, requestTimeoutSeconds: 5, maxResponseMiB: 1 } },
      {
        store: new DirectoryLedgerStore(join(dir, 'ledger')),
        now: DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' }),
        logger: createMemoryLogger(),
      },
    );

    // Assess
    const byName = new Map(result.clusters.map((c) => [c.cluster, c]));
    expect(byName.get('healthy')?.status).toBe('ok');
    const sections = byName.get('hostile')?.sections;
    expect(byName.get('hostile')?.status).toBe('partial');
    expect(sections?.namespaces?.state).toBe('error');
    expect(sections?.namespaces?.message).toBe(
      'GET /api/v1/namespaces: the answer is larger than the response size limit (1 MiB); not read',
    );
    expect(sections?.resourceQuotas?.message).toBe(
      `GET /api/v1/resourcequotas: HTTP 302: redirects are not followed (to ${plainBase}/api/v1/resourcequotas?limit=500)`,
    );
    expect(sections?.limitRanges?.message).toBe('GET /api/v1/limitranges: the answer is not valid UTF-8');
    expect(followed).toEqual([]);
    expect(result.manifest).not.toBeNull();
    expect(bytesWritten).toBeLessThan(16 * MiB);
  });
});

describe('defaults.maxResponseMiB in the fleet file', () => {
  const fleetText = (value: string) =>
    `clusters:\n  - { name: lab, eks: { cluster: lab, region: eu-west-1 } }\ndefaults: { maxResponseMiB: ${value} }\n`;

  it('sets the response size limit in MiB', () => {
    expect(parseFleetFile(fleetText('256'), 'fleet.yaml').defaults.maxResponseMiB).toBe(256);
    expect(parseFleetFile(fleetText('0.5'), 'fleet.yaml').defaults.maxResponseMiB).toBe(0.5);
  });

  it.each(['0', '-1', '5000', 'lots'])('refuses %s, naming the key and what is expected', (value) => {
    const parse = () => parseFleetFile(fleetText(value), 'fleet.yaml');
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(
      'fleet.yaml: defaults.maxResponseMiB: expected a size in MiB greater than 0 and at most 4096 (e.g. 64)',
    );
  });
});
