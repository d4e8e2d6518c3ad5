/**
 * The credential provider the Lambda bundles carry in place of the AWS SDK's default chain
 * (lambda/lambdaCredentialProvider.ts, infra/bundling.ts): the environment the Lambda runtime sets,
 * else the container credentials endpoint (a real HTTP server here), else a clear error.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultProvider } from '../../lambda/lambdaCredentialProvider.js';

const VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_PROFILE',
] as const;

const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
let server: Server | undefined;

beforeEach(() => {
  for (const name of VARIABLES) delete process.env[name];
});

afterEach(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A container credentials endpoint on 127.0.0.1 (the SDK accepts plain http on loopback only). */
async function containerEndpoint(
  body: () => unknown,
): Promise<{ url: string; requests: { path: string; headers: IncomingHttpHeaders }[] }> {
  const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body()));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/credentials`, requests };
}

describe('the Lambda credential provider', () => {
  it("returns the execution role's credentials the Lambda runtime puts in the environment", async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'ASIAEXAMPLEKEY';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'example-secret';
    process.env['AWS_SESSION_TOKEN'] = 'example-session-token';

    const credentials = await defaultProvider()();

    expect(credentials).toMatchObject({
      accessKeyId: 'ASIAEXAMPLEKEY',
      secretAccessKey: 'example-secret',
      sessionToken: 'example-session-token',
    });
  });

  it('without credentials in the environment, fetches them from the container credentials endpoint, once while they are valid', async () => {
    const expiration = new Date(Date.now() + 60 * 60 * 1000);
    const endpoint = await containerEndpoint(() => ({
      AccessKeyId: 'ASIACONTAINERKEY',
      SecretAccessKey: 'container-secret',
      Token: 'container-session-token',
      Expiration: expiration.toISOString(),
    }));
    process.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = endpoint.url;
    process.env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = 'container-authorization';
    const provider = defaultProvider();

    const first = await provider();
    const second = await provider();

    expect(first).toMatchObject({
      accessKeyId: 'ASIACONTAINERKEY',
      secretAccessKey: 'container-secret',
      sessionToken: 'container-session-token',
      expiration,
    });
    expect(second).toBe(first);
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]).toMatchObject({
      path: '/credentials',
      headers: { authorization: 'container-authorization' },
    });
  });

  it('returns credentials that expire within five minutes while it fetches new ones, as the SDK does', async () => {
    let served = 0;
    const endpoint = await containerEndpoint(() => ({
      AccessKeyId: `ASIACONTAINERKEY${++served}`,
      SecretAccessKey: 'container-secret',
      Token: 'container-session-token',
      // The first expire in two minutes; the next ones in an hour (no further refresh).
      Expiration: new Date(Date.now() + (served === 1 ? 2 : 60) * 60 * 1000).toISOString(),
    }));
    process.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = endpoint.url;
    const provider = defaultProvider();

    const first = await provider();
    const second = await provider();
    let refreshed = second;
    for (let attempt = 0; attempt < 100 && refreshed.accessKeyId === first.accessKeyId; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      refreshed = await provider();
    }

    expect([first.accessKeyId, second.accessKeyId, refreshed.accessKeyId]).toEqual([
      'ASIACONTAINERKEY1',
      'ASIACONTAINERKEY1',
      'ASIACONTAINERKEY2',
    ]);
  });

  it('with neither, rejects with an error naming the variables it looked for', async () => {
    const provider = defaultProvider();

    await expect(provider()).rejects.toMatchObject({
      name: 'CredentialsProviderError',
      tryNextLink: false,
      message:
        'No AWS credentials: neither AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY nor AWS_CONTAINER_CREDENTIALS_FULL_URI or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (the Lambda runtime sets the first two; ' +
        "this function's bundle reads no profiles, SSO or instance metadata: infra/bundling.ts)",
    });
  });
});
