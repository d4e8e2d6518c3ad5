/**
 * The retry policy end to end over HTTPS: the real @kubernetes/client-node against a real HTTPS
 * server that answers 504, 503 or nothing at all. A 504 (a gateway that gave up) is retried like
 * any 5xx; the request deadline (requestTimeoutSeconds) bounds a request with all its retries,
 * not each attempt.
 */
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeReader } from '../../src/collect/kube.js';
import { DEFAULT_RETRY_POLICY } from '../../src/collect/retryPolicy.js';

/** What the server does with a request: answer (after a delay), or never answer. */
type Behaviour = { status: number; body: unknown; delayMs?: number } | 'hang';

let server: Server;
let base: string;
let caPem: string;
let behave: (attempt: number) => Behaviour;
let attempts: number[];

beforeAll(async () => {
  const { createCertificate } = await import('../../src/simulator/certificates.js');
  const now = Date.now();
  const ca = await createCertificate({
    subject: 'CN=retry-ca',
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
  server = createServer({ cert: serving.certPem, key: serving.keyPem }, (_request, response: ServerResponse) => {
    attempts.push(Date.now());
    const behaviour = behave(attempts.length);
    if (behaviour === 'hang') return;
    setTimeout(() => {
      response.writeHead(behaviour.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(behaviour.body));
    }, behaviour.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  attempts = [];
});

afterEach(() => {
  // Ends the answers a test left hanging.
  server.closeAllConnections();
});

/** A reader with the program's default retry policy and the given request deadline. */
function reader(requestTimeoutMs: number): KubeReader {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name: 'retry', server: base, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false },
    { name: 'reader', token: 'reader-token' },
  );
  return new KubeReader(config, { requestTimeoutMs });
}

const status = (code: number, message: string) => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code },
});
const namespaceList = {
  status: 200,
  body: { kind: 'NamespaceList', metadata: {}, items: [{ metadata: { name: 'web' } }] },
};

describe('the retry policy over HTTPS', () => {
  it('retries a 504 Gateway Timeout and reads the answer that follows', async () => {
    behave = (attempt) => (attempt <= 2 ? status(504, 'upstream request timeout') : namespaceList);
    const kube = reader(10_000);

    const items = await kube.listAll('/api/v1/namespaces');
    await kube.close();

    expect(items.map((item) => (item['metadata'] as { name: string }).name)).toEqual(['web']);
    expect(attempts).toHaveLength(3);
  });

  it('gives up when the next wait would pass the request deadline, answering with the last refusal', async () => {
    // Prepare: always 503; the default policy would wait 200 + 400 + 800 + 1600 ms over 5 attempts
    behave = () => status(503, 'the server is currently unable to handle the request');
    const kube = reader(1_000);
    const started = Date.now();

    // Act
    const outcome = await kube.getJson('/api/v1/namespaces').catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    await kube.close();

    // Assess: attempts at about 0, 200 and 600 ms; the next wait (800 ms) would end after the deadline
    expect(outcome).toMatchObject({
      state: 'error',
      httpStatus: 503,
      message: 'GET /api/v1/namespaces: HTTP 503: the server is currently unable to handle the request',
    });
    expect(attempts).toHaveLength(3);
    expect(attempts.length).toBeLessThan(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('ends a retry that gets no answer at the deadline of the whole request, not a deadline of its own', async () => {
    // Prepare: the first attempt is refused after 0.9 s, the retry (after 0.2 s) is never answered
    behave = (attempt) => (attempt === 1 ? { ...status(503, 'busy'), delayMs: 900 } : 'hang');
    const kube = reader(1_500);
    const started = Date.now();

    // Act
    const outcome = await kube.getJson('/api/v1/namespaces').catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    await kube.close();

    // Assess: given up 1.5 s after the start (a fresh 1.5 s for the retry would end after 2.6 s)
    // (The CLI says "no answer within 1.5s"; under jest the abort error comes from another realm,
    // so its wording here is the error's own.)
    expect(outcome).toMatchObject({
      state: 'unreachable',
      message: expect.stringMatching(/^GET \/api\/v1\/namespaces: (no answer within 1\.5s|TimeoutError)/),
    });
    expect(attempts).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(2_300);
  });
});
