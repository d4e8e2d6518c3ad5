/**
 * The reading layer against a scripted HTTPS server: pagination restarts, retries and the
 * mapping of failures to section states, through the real @kubernetes/client-node.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeReadError, KubeReader } from '../../src/collect/kube.js';

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
let server: Server;
let base: string;
let caPem: string;
let script: (url: URL) => Answer;
const seen: string[] = [];
let tlsConnections = 0;

beforeAll(async () => {
  const { createCertificate } = await import('../../src/simulator/certificates.js');
  const now = Date.now();
  const ca = await createCertificate({
    subject: 'CN=test-ca',
    notBefore: new Date(now - 3600e3),
    notAfter: new Date(now + 3600e3),
    isCA: true,
  });
  const serving = await createCertificate({
    subject: 'CN=apiserver',
    ipAddresses: ['127.0.0.1'],
    notBefore: new Date(now - 3600e3),
    notAfter: new Date(now + 3600e3),
    issuer: ca,
  });
  caPem = ca.certPem;
  server = createServer({ cert: serving.certPem, key: serving.keyPem }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://localhost');
    seen.push(`${url.pathname}${url.search}`);
    const answer =
      request.headers.authorization === 'Bearer reader-token'
        ? script(url)
        : { status: 401, body: { kind: 'Status', message: 'Unauthorized' } };
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  server.on('secureConnection', () => {
    tlsConnections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  tlsConnections = 0;
});

describe('connections', () => {
  it("keeps a cluster's connections in one pool instead of one per request, and ends them on close", async () => {
    script = () => ({ status: 200, body: { gitVersion: 'v1.33.2' } });
    const kube = reader();

    for (let i = 0; i < 10; i++) await kube.getJson('/version');
    const pooled = tlsConnections;
    await kube.close();
    await kube.getJson('/version');
    await kube.close();

    expect(seen).toHaveLength(11);
    // client-node alone opens one connection per request (10); the pool needs one, or two when the
    // next request starts before the first socket is back in the pool.
    expect(pooled).toBeLessThanOrEqual(2);
    expect(tlsConnections).toBe(pooled + 1);
  });
});

function reader(options: { token?: string; server?: string; timeoutMs?: number } = {}): KubeReader {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    {
      name: 'test',
      server: options.server ?? base,
      caData: Buffer.from(caPem).toString('base64'),
      skipTLSVerify: false,
    },
    { name: 'reader', token: options.token ?? 'reader-token' },
  );
  return new KubeReader(config, {
    requestTimeoutMs: options.timeoutMs ?? 3000,
    pageSize: 2,
    retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  });
}

const list = (names: string[], next?: string) => ({
  status: 200,
  body: {
    kind: 'List',
    metadata: next ? { continue: next } : {},
    items: names.map((name) => ({ metadata: { name } })),
  },
});
const status = (code: number, message: string, headers?: Record<string, string>): Answer => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code },
  ...(headers ? { headers } : {}),
});
const names = (items: Record<string, unknown>[]) => items.map((i) => (i['metadata'] as { name: string }).name);

describe('the Kubernetes reading layer', () => {
  it('pages with limit and continue, and restarts the whole list when the continue token expired', async () => {
    // Prepare: the first continue answers 410, the restarted list goes through
    let expiredOnce = false;
    script = (url) => {
      const token = url.searchParams.get('continue');
      if (token === null) return list(['a', 'b'], 'page-2');
      if (!expiredOnce) {
        expiredOnce = true;
        return status(410, 'The provided continue parameter is too old');
      }
      return list(['c']);
    };
    const subject = reader();

    // Act
    const items = await subject.listAll('/api/v1/things', { labelSelector: 'app=web' });

    // Assess
    expect(names(items)).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual([
      '/api/v1/things?limit=2&labelSelector=app%3Dweb',
      '/api/v1/things?limit=2&labelSelector=app%3Dweb&continue=page-2',
      '/api/v1/things?limit=2&labelSelector=app%3Dweb',
      '/api/v1/things?limit=2&labelSelector=app%3Dweb&continue=page-2',
    ]);
    expect(subject.objectsRead).toBe(5);
  });

  it('retries 429 honouring Retry-After and 5xx with backoff', async () => {
    let calls = 0;
    script = () => {
      calls++;
      if (calls === 1) return status(429, 'too many requests', { 'retry-after': '1' });
      if (calls === 2) return status(503, 'unavailable');
      return list(['only']);
    };
    const started = Date.now();

    const items = await reader().listAll('/api/v1/things');

    expect(names(items)).toEqual(['only']);
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('gives up after the bounded attempts with an error naming the path and status', async () => {
    script = () => status(500, 'etcdserver: request timed out');
    await expect(reader().listAll('/api/v1/things')).rejects.toEqual(
      new KubeReadError('error', 'GET /api/v1/things: HTTP 500: etcdserver: request timed out', 500),
    );
    expect(seen).toHaveLength(3);
  });

  it('maps 403 to forbidden, 401 to unreachable and a discovery 404 to absent', async () => {
    script = (url) =>
      url.pathname === '/apis/kyverno.io/v1' ? status(404, 'not found') : status(403, 'secrets is forbidden');
    await expect(reader().listAll('/api/v1/secrets')).rejects.toMatchObject({ state: 'forbidden', httpStatus: 403 });
    await expect(reader({ token: 'wrong' }).getJson('/version')).rejects.toMatchObject({
      state: 'unreachable',
      message: 'GET /version: HTTP 401: Unauthorized (credentials rejected)',
    });
    expect(await reader().discover('kyverno.io/v1')).toBeNull();
  });

  it('removes control characters from a Status message, so a cluster cannot drive the terminal', async () => {
    script = () => status(422, 'bad\u001b[2J\u001b]0;owned\u0007 value\r\nsecond line\u009b31m');

    await expect(reader().getJson('/api/v1/things')).rejects.toEqual(
      new KubeReadError('error', 'GET /api/v1/things: HTTP 422: bad[2J]0;owned value second line31m', 422),
    );
  });

  it('reports a server that refuses connections as unreachable, quickly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();

    await expect(reader({ server: `https://127.0.0.1:${port}` }).getJson('/version')).rejects.toMatchObject({
      state: 'unreachable',
      message: expect.stringMatching(/^GET \/version: .*ECONNREFUSED/),
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
