import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { OperationalError } from '../core/errors.js';
import {
  badRequest,
  expired,
  forbidden,
  internalError,
  methodNotAllowed,
  objectNotFound,
  pathNotFound,
  type StatusResponse,
  tooManyRequests,
  unauthorized,
} from './apiStatus.js';
import { createCertificate, type IssuedCertificate } from './certificates.js';
import { ContinueTokens } from './continueTokens.js';
import { coreVersions, group, groupList, resourceList, versionInfo } from './discovery.js';
import type { ObjectIndex, StoredObject } from './objectIndex.js';
import type { ApiResource } from './resourceCatalog.js';
import {
  type FieldRequirement,
  type LabelRequirement,
  parseFieldSelector,
  parseLabelSelector,
  SelectorSyntaxError,
} from './selectors.js';
import { tableOf } from './tables.js';

/**
 * One simulated kube-apiserver: HTTPS with its own CA, bearer-token authentication, discovery,
 * read-only get/list of the objects in an ObjectIndex, and the configured refusals and faults.
 */
export interface ApiServerSettings {
  name: string;
  kubernetesVersion: string;
  servingCertValidDays: number;
  /** Resources answering 403, as plural.group (core: plural). */
  forbidden: readonly string[];
  unreachable: boolean;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  latencyMs: number;
  tooManyRequestsEvery: number;
  serverErrorEvery: number;
  now: Date;
  /** Reuse a CA and serving certificate (the same server across restarts); default: issue new ones. */
  identity?: ServingIdentity;
}

/** Who the simulated RBAC refuses, as named in 403 messages. */
const READER = 'system:serviceaccount:fleetledger:fleetledger-reader';
const DAY_MS = 24 * 60 * 60 * 1000;
const JSON_TYPE = 'application/json';
const REQUEST_LOG_LIMIT = 10_000;

/** The simulated API server's CA and serving certificate (with its key: the simulator's own, not cluster data). */
export interface ServingIdentity {
  ca: IssuedCertificate;
  serving: IssuedCertificate;
}

export async function createServingIdentity(
  settings: Pick<ApiServerSettings, 'name' | 'now' | 'servingCertValidDays'>,
): Promise<ServingIdentity> {
  const now = settings.now.getTime();
  // The certificates must also be valid on the wall clock, or TLS fails when a test injects a
  // "now" far from today: validity starts before both instants, and the serving certificate's
  // configured expiry is only stretched when it would already have passed on the wall clock.
  const wallClock = Date.now();
  const ca = await createCertificate({
    subject: `CN=${settings.name}-ca, O=fleetledger simulator`,
    isCA: true,
    notBefore: new Date(Math.min(now, wallClock) - DAY_MS),
    notAfter: new Date(Math.max(now, wallClock) + 3650 * DAY_MS),
  });
  const serving = await createCertificate({
    subject: 'CN=kube-apiserver',
    dnsNames: [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'localhost',
    ],
    ipAddresses: ['127.0.0.1'],
    issuer: ca,
    notBefore: new Date(Math.min(now, wallClock) - 60 * 60 * 1000),
    notAfter: new Date(Math.max(now + settings.servingCertValidDays * DAY_MS, wallClock + DAY_MS)),
  });
  return { ca, serving };
}

interface Response {
  code: number;
  body: string;
  headers?: Record<string, string>;
}

function json(code: number, value: unknown): Response {
  return { code, body: JSON.stringify(value) };
}

function status(response: StatusResponse): Response {
  return {
    code: response.status.code,
    body: JSON.stringify(response.status),
    ...(response.headers ? { headers: response.headers } : {}),
  };
}

const SELF_SUBJECT_ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const REQUEST_BODY_LIMIT = 64 * 1024;

/** A request body, at most REQUEST_BODY_LIMIT bytes (the rest is dropped: a review is small). */
async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (size < REQUEST_BODY_LIMIT) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, REQUEST_BODY_LIMIT);
}

function qualifiedName(resource: ApiResource): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not determine a free port');
  return address.port;
}

export class SimulatedApiServer {
  /**
   * The authenticated requests, as `GET /api/v1/secrets?limit=500`: what the cluster was asked
   * (the last REQUEST_LOG_LIMIT, so a long-running `simulate` does not grow without bound).
   */
  readonly requestLog: string[] = [];
  private requestCount = 0;
  private readonly tokens = new ContinueTokens();
  private readonly forbiddenResources: Set<string>;

  private constructor(
    private readonly settings: ApiServerSettings,
    private readonly index: ObjectIndex,
    readonly server: string,
    readonly caPem: string,
    readonly servingCertPem: string,
    readonly token: string,
    private readonly https: Server | undefined,
  ) {
    this.forbiddenResources = new Set(settings.forbidden);
  }

  static async start(settings: ApiServerSettings, index: ObjectIndex): Promise<SimulatedApiServer> {
    const { ca, serving } = settings.identity ?? (await createServingIdentity(settings));
    const token = `sim-${settings.name}-${randomBytes(24).toString('base64url')}`;
    if (settings.unreachable) {
      // Nothing listens at the address the kubeconfig names: connections are refused.
      const port = settings.port || (await freePort());
      return new SimulatedApiServer(
        settings,
        index,
        `https://127.0.0.1:${port}`,
        ca.certPem,
        serving.certPem,
        token,
        undefined,
      );
    }
    const https = createServer({ key: serving.keyPem, cert: serving.certPem, keepAliveTimeout: 5000 });
    const server = await new Promise<string>((resolve, reject) => {
      https.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new OperationalError(`cluster ${settings.name}: port ${settings.port} is already in use`)
            : error,
        );
      });
      https.listen(settings.port, '127.0.0.1', () => {
        const address = https.address();
        resolve(typeof address === 'object' && address ? `https://127.0.0.1:${address.port}` : '');
      });
    });
    const simulated = new SimulatedApiServer(settings, index, server, ca.certPem, serving.certPem, token, https);
    https.on('request', (request: IncomingMessage, response: ServerResponse) => {
      simulated.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      });
    });
    return simulated;
  }

  async stop(): Promise<void> {
    const https = this.https;
    if (!https) return;
    await new Promise<void>((resolve) => {
      https.close(() => resolve());
      https.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = request.method === 'POST' ? await readRequestBody(request) : '';
    const answer = this.respond(request, body);
    if (this.settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.settings.latencyMs));
    response.writeHead(answer.code, {
      'Content-Type': JSON_TYPE,
      'Cache-Control': 'no-cache, private',
      ...answer.headers,
    });
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  private respond(request: IncomingMessage, body: string): Response {
    if (request.headers.authorization !== `Bearer ${this.token}`) return status(unauthorized());
    this.requestCount += 1;
    this.requestLog.push(`${request.method ?? ''} ${request.url ?? '/'}`);
    if (this.requestLog.length > REQUEST_LOG_LIMIT)
      this.requestLog.splice(0, this.requestLog.length - REQUEST_LOG_LIMIT);
    const { tooManyRequestsEvery, serverErrorEvery } = this.settings;
    if (tooManyRequestsEvery > 0 && this.requestCount % tooManyRequestsEvery === 0) return status(tooManyRequests());
    if (serverErrorEvery > 0 && this.requestCount % serverErrorEvery === 0) {
      return status(internalError('simulated server error (faults.serverErrorEvery)'));
    }
    const url = new URL(request.url ?? '/', 'https://simulator.invalid');
    if (request.method === 'POST' && url.pathname === SELF_SUBJECT_ACCESS_REVIEWS) return this.review(body);
    if (request.method !== 'GET' && request.method !== 'HEAD') return status(methodNotAllowed(request.method ?? ''));
    const wantsTable = (request.headers.accept ?? '').includes('as=Table');
    return this.route(url, wantsTable);
  }

  private route(url: URL, wantsTable: boolean): Response {
    const segments = url.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
    const [root, second, third] = segments;
    if (root === 'version' && segments.length === 1) return json(200, versionInfo(this.settings.kubernetesVersion));
    if ((root === 'healthz' || root === 'livez' || root === 'readyz') && segments.length === 1) {
      return { code: 200, body: 'ok', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    }
    if (root === 'api') {
      if (segments.length === 1) return json(200, coreVersions(new URL(this.server).host));
      if (second !== 'v1') return status(pathNotFound());
      if (segments.length === 2) return this.discovered(resourceList(this.index.catalog, '', 'v1'));
      return this.resourceRequest('', 'v1', segments.slice(2), url.searchParams, wantsTable);
    }
    if (root === 'apis') {
      if (segments.length === 1) return json(200, groupList(this.index.catalog));
      if (segments.length === 2) return this.discovered(group(this.index.catalog, second ?? ''));
      if (segments.length === 3) return this.discovered(resourceList(this.index.catalog, second ?? '', third ?? ''));
      return this.resourceRequest(second ?? '', third ?? '', segments.slice(3), url.searchParams, wantsTable);
    }
    // Includes /openapi/v2 and /openapi/v3: kubectl get works without them, as against servers that disable them.
    return status(pathNotFound());
  }

  /**
   * A SelfSubjectAccessReview, answered as the RBAC of the simulated reader would: a read-only role
   * (get, list) on every resource but the `forbidden` ones, which the API refuses with 403; a
   * wildcard resource is allowed only when nothing of its group is forbidden. Nothing is stored.
   */
  private review(body: string): Response {
    let review: unknown;
    try {
      review = JSON.parse(body);
    } catch {
      return status(badRequest('the request body is not JSON'));
    }
    const spec = (review as { spec?: { resourceAttributes?: Record<string, unknown> } } | null)?.spec;
    const attributes = spec?.resourceAttributes;
    if ((review as { kind?: unknown } | null)?.kind !== 'SelfSubjectAccessReview' || !attributes) {
      return status(badRequest('expected a SelfSubjectAccessReview with spec.resourceAttributes'));
    }
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const groupName = text(attributes['group']);
    const plural = text(attributes['resource']);
    const verb = text(attributes['verb']);
    const qualified = groupName ? `${plural}.${groupName}` : plural;
    const forbiddenHere =
      plural === '*'
        ? [...this.forbiddenResources].some((name) =>
            groupName ? name.endsWith(`.${groupName}`) : !name.includes('.'),
          )
        : this.forbiddenResources.has(qualified);
    const allowed = (verb === 'get' || verb === 'list') && !forbiddenHere;
    return json(201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: allowed
        ? {
            allowed: true,
            reason: `RBAC: allowed by ClusterRoleBinding "fleetledger-reader" of ClusterRole "fleetledger-reader" to ServiceAccount "fleetledger-reader/fleetledger"`,
          }
        : { allowed: false },
    });
  }

  private discovered(document: Record<string, unknown> | undefined): Response {
    return document ? json(200, document) : status(pathNotFound());
  }

  private resourceRequest(
    groupName: string,
    version: string,
    rest: string[],
    query: URLSearchParams,
    wantsTable: boolean,
  ): Response {
    let namespace: string | undefined;
    let plural: string | undefined;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      [, namespace, plural, name] = rest;
      if (rest.length > 4) return status(pathNotFound());
    } else {
      [plural, name] = rest;
      if (rest.length > 2) return status(pathNotFound());
    }
    const resource = this.index.catalog.lookup(groupName, version, plural ?? '');
    if (!resource) return status(pathNotFound());
    if (namespace !== undefined && !resource.namespaced) return status(pathNotFound());
    if (name !== undefined && namespace === undefined && resource.namespaced) return status(pathNotFound());
    const apiVersion = groupName ? `${groupName}/${version}` : version;
    if (this.forbiddenResources.has(qualifiedName(resource))) {
      return status(forbidden(resource, READER, name === undefined ? 'list' : 'get', namespace, name));
    }
    if (name !== undefined) {
      const found = this.index.get(resource, namespace, name);
      if (!found) return status(objectNotFound(resource, name));
      if (wantsTable) return json(200, tableOf([found], { resourceVersion: this.index.resourceVersion }));
      return {
        code: 200,
        body: found.apiVersion === apiVersion ? found.json : JSON.stringify({ ...found.object, apiVersion }),
      };
    }
    return this.list(resource, apiVersion, namespace, query, wantsTable);
  }

  private list(
    resource: ApiResource,
    apiVersion: string,
    namespace: string | undefined,
    query: URLSearchParams,
    wantsTable: boolean,
  ): Response {
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      return status(methodNotAllowed('watch is not supported by the fleetledger simulator'));
    }
    let labels: LabelRequirement[] | undefined;
    let fields: FieldRequirement[] | undefined;
    try {
      const labelSelector = query.get('labelSelector');
      const fieldSelector = query.get('fieldSelector');
      labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
      fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
    } catch (error) {
      if (error instanceof SelectorSyntaxError) return status(badRequest(error.message));
      throw error;
    }
    const supported =
      resource.group === '' && resource.plural === 'secrets'
        ? ['metadata.name', 'metadata.namespace', 'type']
        : ['metadata.name', 'metadata.namespace'];
    const unsupported = fields?.find((f) => !supported.includes(f.field));
    if (unsupported) return status(badRequest(`field label not supported: ${unsupported.field}`));

    const limitParam = query.get('limit');
    if (limitParam !== null && !/^[-+]?\d{1,18}$/.test(limitParam))
      return status(badRequest(`invalid limit: ${limitParam}`));
    // Like kube-apiserver: ListOptions does not validate limit and the etcd3 store pages only when
    // `limit > 0`, so zero and negative limits list everything (staging/.../storage/etcd3/store.go).
    const limit = limitParam === null ? undefined : Math.max(0, Number(limitParam));
    const scope = `${resource.group}/${resource.plural}|${namespace ?? ''}`;
    const continueToken = query.get('continue');
    let afterKey: string | undefined;
    if (continueToken) {
      const position = this.tokens.verify(continueToken, scope);
      if (!position || position.resourceVersion !== this.index.resourceVersion) return status(expired());
      afterKey = position.lastKey;
    }
    const page = this.index.list(resource, {
      ...(namespace === undefined ? {} : { namespace }),
      ...(labels ? { labels } : {}),
      ...(fields ? { fields } : {}),
      ...(limit ? { limit } : {}),
      ...(afterKey === undefined ? {} : { afterKey }),
    });
    const metadata: Record<string, unknown> = { resourceVersion: this.index.resourceVersion };
    if (page.continueAfter !== undefined) {
      metadata['continue'] = this.tokens.issue({
        scope,
        lastKey: page.continueAfter,
        resourceVersion: this.index.resourceVersion,
      });
    }
    if (page.remainingItemCount !== undefined) metadata['remainingItemCount'] = page.remainingItemCount;
    if (wantsTable) return json(200, tableOf(page.items, metadata));
    return { code: 200, body: listBody(resource, apiVersion, metadata, page.items) };
  }
}

/** Built from the cached item JSON: a page of thousands of objects is not re-serialised per request. */
function listBody(
  resource: ApiResource,
  apiVersion: string,
  metadata: Record<string, unknown>,
  items: readonly StoredObject[],
): string {
  const rendered = items.map((item) => {
    if (resource.builtin || item.apiVersion === apiVersion) return item.itemJson;
    return JSON.stringify({ ...item.object, apiVersion });
  });
  const head = JSON.stringify({ kind: `${resource.kind}List`, apiVersion, metadata });
  return `${head.slice(0, -1)},"items":[${rendered.join(',')}]}`;
}
