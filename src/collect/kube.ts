/**
 * The one Kubernetes reading layer: GET requests with @kubernetes/client-node 2.x's KubeConfig
 * authentication and TLS dispatcher, sent with the undici fetch client-node itself uses, with
 * - a per-request timeout (retries included),
 * - the program's retry policy (429 / 5xx, backoff honouring Retry-After),
 * - paged lists (limit + continue, restarting from scratch when the token expired: 410),
 * - errors mapped to section states: 403 forbidden, 404 at discovery absent, network / TLS /
 *   timeout / 401 unreachable, anything else error with the message,
 * - hostile answers refused: a redirect is an error, never followed (client-node's fetch would
 *   follow it to any host, plain http included, and the answer would be stored as the cluster's);
 *   a body is read up to the response size limit and no further; bytes that are not UTF-8 and
 *   JSON of another shape than a list or discovery document are errors naming the request,
 * - exec credential plugins bounded by the request timeout (access/execCredentialPlugin.ts),
 * - a count of the objects read.
 *
 * Generic paths rather than the typed API classes, because most of what fleetledger reads is
 * custom resources found by discovery.
 *
 * Lists are consumed item by item as each page arrives, so memory is bounded by the page size
 * (and each answer by the response size limit) and by what the caller keeps (Secrets are reduced to certificate metadata page by page).
 */
import { type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fetch, type Response } from 'undici';
import { redactCredentials } from '../core/redaction.js';
import { withoutControlCharacters } from '../core/text.js';
import { ExecPluginError, withBoundedExecPlugin } from './access/execCredentialPlugin.js';
import { discoveryResourcesOf, type ListPage, listPageOf } from './answerShapes.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  discardBody,
  ResponseBodyError,
  readBodyText,
  readErrorBodyText,
} from './responseBody.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  nextRetryDelayMs,
  parseRetryAfterMs,
  type RetryPolicy,
} from './retryPolicy.js';

export type ReadFailureState = 'absent' | 'forbidden' | 'error' | 'unreachable';

/**
 * A read that failed, with the state it means for the section being collected. Collectors let it
 * propagate; the section runner records it as that section's status (failures are data there).
 * Messages name the request path and status, never credentials.
 */
export class KubeReadError extends Error {
  override readonly name = 'KubeReadError';
  constructor(
    readonly state: ReadFailureState,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

export interface KubeReaderOptions {
  /** Deadline of one request, retries included. */
  readonly requestTimeoutMs: number;
  /** `limit` of every list request. */
  readonly pageSize?: number;
  readonly retryPolicy?: RetryPolicy;
  /**
   * false: every request for a Secret is refused before it leaves (a collector that asked would be
   * a bug: Secret sources are skipped when Secret reads are off). @default true
   */
  readonly readSecrets?: boolean;
  /** The largest answer read; a larger one fails its request. @default 64 MiB */
  readonly maxResponseBytes?: number;
}

export interface ListQuery {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface DiscoveredResource {
  /** Plural name, e.g. k8srequiredlabels. */
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const MAX_LIST_RESTARTS = 3;
/** The core Secrets resource, listed or read, cluster-wide or in a namespace. */
const SECRETS_PATH = /^\/api\/v1\/(namespaces\/[^/]+\/)?secrets(\/|$)/;
export const CREDENTIALS_UNAVAILABLE = 'credentials of the kubeconfig user could not be obtained';

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(groupVersion: string): string {
  return groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Why a request never got an HTTP answer, without echoing anything but the error code. */
function networkFailureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000}s`;
  }
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  const code = isRecord(cause) && typeof cause['code'] === 'string' ? cause['code'] : null;
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  // fetch quotes the request URL in some errors, user-info included.
  return redactCredentials(withoutControlCharacters(code && !detail.includes(code) ? `${code}: ${detail}` : detail));
}

function statusMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && typeof parsed['message'] === 'string') {
      return redactCredentials(withoutControlCharacters(parsed['message'])).slice(0, 300);
    }
  } catch {
    // not a Status object: fall through to the status code alone
  }
  return '';
}

export class KubeReader {
  /** Objects read by lists (items), for the run summary. */
  objectsRead = 0;
  private readonly pageSize: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly maxResponseBytes: number;
  private readonly discovered = new Map<string, Promise<DiscoveredResource[] | null>>();
  /**
   * One connection pool per cluster. client-node builds a new undici Agent for every request
   * (KubeConfig.applySecurityAuthentication), each holding its own keep-alive TLS connection open:
   * thousands per fleet run. The first one is kept and reused; close() ends its connections.
   */
  private dispatcher: ReturnType<RequestContext['getDispatcher']>;
  private readonly kubeConfig: KubeConfig;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: KubeReaderOptions,
  ) {
    // Credentials are part of the request: an exec plugin gets no longer than the request.
    this.kubeConfig = withBoundedExecPlugin(kubeConfig, options.requestTimeoutMs);
    this.pageSize = options.pageSize ?? 500;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** The API server URL of the current context. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '';
  }

  /** GET a JSON document; throws KubeReadError (404 is `error` here: use discover for optional APIs). */
  async getJson(path: string, query: Record<string, string> = {}): Promise<unknown> {
    return (await this.getDocument(path, query)).document;
  }

  /**
   * POST a review (SelfSubjectAccessReview) and read its answer: the one write fleetledger makes,
   * which stores nothing in the cluster (reviews are computed, not persisted). Same retries,
   * deadline, size limit and error mapping as a GET.
   */
  async postJson(path: string, body: unknown): Promise<unknown> {
    const response = await this.request(path, {}, { body: JSON.stringify(body) });
    if (response.status < 200 || response.status >= 300) {
      const failure = this.failure(path, response.status, await readErrorBodyText(response));
      throw new KubeReadError(failure.state, failure.message.replace(/^GET /, 'POST '), failure.httpStatus);
    }
    let text: string;
    try {
      text = await readBodyText(response, this.maxResponseBytes);
    } catch (error) {
      throw new KubeReadError(
        'unreachable',
        `POST ${path}: ${networkFailureReason(error, this.options.requestTimeoutMs)}`,
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new KubeReadError('error', `POST ${path}: the answer is not JSON`, response.status);
    }
  }

  private async getDocument(
    path: string,
    query: Record<string, string>,
  ): Promise<{ document: unknown; httpStatus: number }> {
    const response = await this.request(path, query);
    const httpStatus = response.status;
    if (httpStatus < 200 || httpStatus >= 300) {
      throw this.failure(path, httpStatus, await readErrorBodyText(response));
    }
    let text: string;
    try {
      text = await readBodyText(response, this.maxResponseBytes);
    } catch (error) {
      if (error instanceof ResponseBodyError)
        throw new KubeReadError('error', `GET ${path}: ${error.message}`, httpStatus);
      throw new KubeReadError(
        'unreachable',
        `GET ${path}: ${networkFailureReason(error, this.options.requestTimeoutMs)}`,
      );
    }
    try {
      return { document: JSON.parse(text) as unknown, httpStatus };
    } catch {
      throw new KubeReadError('error', `GET ${path}: the answer is not JSON`, httpStatus);
    }
  }

  /** The document's expected part, or a KubeReadError naming the request and the field that is not as expected. */
  private shaped<T>(
    path: string,
    answer: { document: unknown; httpStatus: number },
    shape: (d: unknown) => T | string,
  ): T {
    const shaped = shape(answer.document);
    if (typeof shaped === 'string') throw new KubeReadError('error', `GET ${path}: ${shaped}`, answer.httpStatus);
    return shaped;
  }

  /**
   * The resources served in a group version, or null when it is not served (404: absent).
   * Subresources (names with `/`) are left out.
   */
  discover(groupVersion: string): Promise<DiscoveredResource[] | null> {
    // Several collectors probe the same group (argoproj.io, networking.k8s.io): ask once per cluster.
    let pending = this.discovered.get(groupVersion);
    if (!pending) {
      pending = this.fetchDiscovery(groupVersion);
      this.discovered.set(groupVersion, pending);
    }
    return pending;
  }

  private async fetchDiscovery(groupVersion: string): Promise<DiscoveredResource[] | null> {
    const path = groupVersionPath(groupVersion);
    let answer: { document: unknown; httpStatus: number };
    try {
      answer = await this.getDocument(path, {});
    } catch (error) {
      if (error instanceof KubeReadError && error.httpStatus === 404) return null;
      throw error;
    }
    return this.shaped(path, answer, discoveryResourcesOf).flatMap((r) => {
      const name = r['name'];
      if (typeof name !== 'string' || name.includes('/')) return [];
      return [{ name, kind: typeof r['kind'] === 'string' ? r['kind'] : '', namespaced: r['namespaced'] === true }];
    });
  }

  /** The first of the group versions that serves `resource`, or null when none does. */
  async firstServing(groupVersions: readonly string[], resource: string): Promise<string | null> {
    for (const groupVersion of groupVersions) {
      const resources = await this.discover(groupVersion);
      if (resources?.some((r) => r.name === resource)) return groupVersion;
    }
    return null;
  }

  /**
   * Reads every item of a list, page by page, folding each item into an accumulator made by
   * `start()`. When the continue token expires (410) the list restarts with a fresh accumulator,
   * so no item is counted twice.
   */
  async reduceList<A>(
    path: string,
    query: ListQuery,
    start: () => A,
    step: (acc: A, item: unknown) => void,
  ): Promise<A> {
    for (let restart = 0; ; restart++) {
      const acc = start();
      let expired = false;
      let pending: Promise<ListPage | 'expired'> | null = this.listPage(path, query, undefined);
      while (pending) {
        const page = await pending;
        pending = null;
        if (page === 'expired') {
          expired = true;
          break;
        }
        if (page.continueToken) {
          // The next page is asked for before this one is processed, and the request leaves
          // (one turn of the event loop) before the items are: the server prepares the next answer
          // while the items are processed (a cluster's largest list is read page after page, and
          // its certificates parsed between pages). At most two pages are held at once.
          pending = this.listPage(path, query, page.continueToken);
          pending.catch(() => undefined);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        for (const item of page.items) {
          this.objectsRead++;
          step(acc, item);
        }
      }
      if (!expired) return acc;
      if (restart >= MAX_LIST_RESTARTS) {
        throw new KubeReadError(
          'error',
          `GET ${path}: the list kept changing (continue token expired ${restart + 1} times)`,
          410,
        );
      }
    }
  }

  /** Every item of a list (see reduceList), for lists whose objects are small and kept anyway. */
  async listAll(path: string, query: ListQuery = {}): Promise<Record<string, unknown>[]> {
    return this.reduceList(
      path,
      query,
      () => [] as Record<string, unknown>[],
      (acc, item) => {
        if (isRecord(item)) acc.push(item);
      },
    );
  }

  private async listPage(path: string, query: ListQuery, token: string | undefined): Promise<ListPage | 'expired'> {
    const params: Record<string, string> = { limit: String(this.pageSize) };
    if (query.labelSelector) params['labelSelector'] = query.labelSelector;
    if (query.fieldSelector) params['fieldSelector'] = query.fieldSelector;
    if (token) params['continue'] = token;
    let answer: { document: unknown; httpStatus: number };
    try {
      answer = await this.getDocument(path, params);
    } catch (error) {
      if (token && error instanceof KubeReadError && error.httpStatus === 410) return 'expired';
      throw error;
    }
    return this.shaped(path, answer, listPageOf);
  }

  private reuseDispatcher(context: RequestContext): void {
    const built = context.getDispatcher();
    if (!built) return;
    if (!this.dispatcher) {
      this.dispatcher = built;
      return;
    }
    context.setDispatcher(this.dispatcher);
    // Never used, so it holds no connection; closing it just releases it.
    void built.close().catch(() => undefined);
  }

  /**
   * Ends the cluster's connections, aborting any request a silent server never answered (the
   * reader can still be used: a new pool is built).
   */
  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    // Not awaited: undici's destroy() settles only when a connection to a server that accepted and
    // never completed the TLS handshake gives up (its 10 s connect timeout), and the cluster's
    // snapshot would wait that long after its request timeout.
    void dispatcher?.destroy().catch(() => undefined);
  }

  /** One GET (or a POST of a review, see postJson) with the retry policy, within the request deadline. */
  private async request(path: string, query: Record<string, string>, post?: { body: string }): Promise<Response> {
    const method = post ? 'POST' : 'GET';
    const { requestTimeoutMs } = this.options;
    if (this.options.readSecrets === false && SECRETS_PATH.test(path)) {
      throw new Error(`${method} ${path} refused: Secret reads are off`);
    }
    const deadline = Date.now() + requestTimeoutMs;
    const server = this.server.replace(/\/+$/, '');
    for (let attempt = 1; ; attempt++) {
      const context = new RequestContext(`${server}${path}`, method);
      for (const [name, value] of Object.entries(query)) context.setQueryParam(name, value);
      context.setHeaderParam('Accept', 'application/json');
      if (post) context.setHeaderParam('Content-Type', 'application/json');
      try {
        await this.kubeConfig.applySecurityAuthentication(context);
      } catch (error) {
        // An exec credential plugin's output (stdout parsed as JSON, stderr as the error) may hold
        // the very token it failed to wrap: only ExecPluginError's own words are repeated.
        const why = error instanceof ExecPluginError ? `: ${error.message}` : '';
        throw new KubeReadError('unreachable', `${method} ${path}: ${CREDENTIALS_UNAVAILABLE}${why}`);
      }
      let response: Response;
      try {
        this.reuseDispatcher(context);
        // client-node's own HTTP library (IsomorphicFetchHttpLibrary) cannot refuse redirects:
        // the same undici fetch, called with redirect: 'manual'.
        response = await fetch(context.getUrl(), {
          method,
          headers: context.getHeaders(),
          ...(post ? { body: post.body } : {}),
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
          redirect: 'manual',
          dispatcher: context.getDispatcher(),
        });
      } catch (error) {
        throw new KubeReadError('unreachable', `${method} ${path}: ${networkFailureReason(error, requestTimeoutMs)}`);
      }
      if (response.status >= 300 && response.status < 400) {
        await discardBody(response);
        throw this.redirected(path, response, context.getUrl());
      }
      if (!isRetryableStatus(response.status)) return response;
      const retryAfter = parseRetryAfterMs(response.headers.get('retry-after'), Date.now());
      const delay = nextRetryDelayMs(this.retryPolicy, attempt, retryAfter, deadline - Date.now());
      if (delay === null) return response;
      // Read the refused answer (a bounded amount) so the connection can be reused.
      await readErrorBodyText(response);
      await sleep(delay);
    }
  }

  /** A 3xx: an error of the request, naming where it pointed (credentials redacted). */
  private redirected(path: string, response: Response, requestUrl: string): KubeReadError {
    const location = response.headers.get('location');
    let target = '';
    if (location) {
      try {
        target = new URL(location, requestUrl).href;
      } catch {
        target = location;
      }
    }
    const to = target ? ` (to ${redactCredentials(withoutControlCharacters(target)).slice(0, 300)})` : '';
    return new KubeReadError(
      'error',
      `GET ${path}: HTTP ${response.status}: redirects are not followed${to}`,
      response.status,
    );
  }

  private failure(path: string, status: number, body: string): KubeReadError {
    const detail = statusMessage(body);
    const message = `GET ${path}: HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if (status === 401) return new KubeReadError('unreachable', `${message} (credentials rejected)`, status);
    if (status === 403) return new KubeReadError('forbidden', message, status);
    return new KubeReadError('error', message, status);
  }
}
