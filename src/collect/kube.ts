/**
 * The one Kubernetes reading layer: GET requests through @kubernetes/client-node 2.x (its
 * KubeConfig authentication and TLS dispatcher, its fetch-based HTTP library), with
 * - a per-request timeout (retries included),
 * - the program's retry policy (429 / 5xx, backoff honouring Retry-After),
 * - paged lists (limit + continue, restarting from scratch when the token expired: 410),
 * - errors mapped to section states: 403 forbidden, 404 at discovery absent, network / TLS /
 *   timeout / 401 unreachable, anything else error with the message,
 * - a count of the objects read.
 *
 * Generic paths rather than the typed API classes, because most of what fleetledger reads is
 * custom resources found by discovery; the typed classes go through the same HTTP stack.
 *
 * Lists are consumed item by item as each page arrives, so memory is bounded by the page size
 * and by what the caller keeps (Secrets are reduced to certificate metadata page by page).
 */
import {
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { withoutControlCharacters } from '../core/text.js';
import { withoutCredentialsInUrls } from '../core/urls.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  nextRetryDelayMs,
  parseRetryAfterMs,
  type RetryPolicy,
} from './retryPolicy.js';
import { ExecPluginError, withBoundedExecPlugin } from './access/execCredentialPlugin.js';

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
const http = new IsomorphicFetchHttpLibrary();

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
  return withoutCredentialsInUrls(
    withoutControlCharacters(code && !detail.includes(code) ? `${code}: ${detail}` : detail),
  );
}

function statusMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && typeof parsed['message'] === 'string') {
      return withoutCredentialsInUrls(withoutControlCharacters(parsed['message'])).slice(0, 300);
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
  }

  /** The API server URL of the current context. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '';
  }

  /** GET a JSON document; throws KubeReadError (404 is `error` here: use discover for optional APIs). */
  async getJson(path: string, query: Record<string, string> = {}): Promise<unknown> {
    const response = await this.request(path, query);
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new KubeReadError('error', `GET ${path}: the answer is not JSON`, response.httpStatusCode);
      }
    }
    throw this.failure(path, response.httpStatusCode, text);
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
    let document: unknown;
    try {
      document = await this.getJson(groupVersionPath(groupVersion));
    } catch (error) {
      if (error instanceof KubeReadError && error.httpStatus === 404) return null;
      throw error;
    }
    const resources = isRecord(document) && Array.isArray(document['resources']) ? document['resources'] : [];
    return resources.filter(isRecord).flatMap((r) => {
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
      let token: string | undefined;
      let expired = false;
      do {
        const page = await this.listPage(path, query, token);
        if (page === 'expired') {
          expired = true;
          break;
        }
        for (const item of page.items) {
          this.objectsRead++;
          step(acc, item);
        }
        token = page.continueToken;
      } while (token);
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

  private async listPage(
    path: string,
    query: ListQuery,
    token: string | undefined,
  ): Promise<{ items: unknown[]; continueToken: string | undefined } | 'expired'> {
    const params: Record<string, string> = { limit: String(this.pageSize) };
    if (query.labelSelector) params['labelSelector'] = query.labelSelector;
    if (query.fieldSelector) params['fieldSelector'] = query.fieldSelector;
    if (token) params['continue'] = token;
    let document: unknown;
    try {
      document = await this.getJson(path, params);
    } catch (error) {
      if (token && error instanceof KubeReadError && error.httpStatus === 410) return 'expired';
      throw error;
    }
    const items = isRecord(document) && Array.isArray(document['items']) ? document['items'] : [];
    const metadata = isRecord(document) && isRecord(document['metadata']) ? document['metadata'] : {};
    const next = metadata['continue'];
    return { items, continueToken: typeof next === 'string' && next !== '' ? next : undefined };
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
    await dispatcher?.destroy().catch(() => undefined);
  }

  /** One GET with the retry policy, within the request deadline. */
  private async request(path: string, query: Record<string, string>): Promise<ResponseContext> {
    const { requestTimeoutMs } = this.options;
    if (this.options.readSecrets === false && SECRETS_PATH.test(path)) {
      throw new Error(`GET ${path} refused: Secret reads are off`);
    }
    const deadline = Date.now() + requestTimeoutMs;
    const server = this.server.replace(/\/+$/, '');
    for (let attempt = 1; ; attempt++) {
      const context = new RequestContext(`${server}${path}`, 'GET');
      for (const [name, value] of Object.entries(query)) context.setQueryParam(name, value);
      context.setHeaderParam('Accept', 'application/json');
      try {
        await this.kubeConfig.applySecurityAuthentication(context);
      } catch (error) {
        // An exec credential plugin's output (stdout parsed as JSON, stderr as the error) may hold
        // the very token it failed to wrap: only ExecPluginError's own words are repeated.
        const why = error instanceof ExecPluginError ? `: ${error.message}` : '';
        throw new KubeReadError('unreachable', `GET ${path}: ${CREDENTIALS_UNAVAILABLE}${why}`);
      }
      let response: ResponseContext;
      try {
        this.reuseDispatcher(context);
        context.setSignal(AbortSignal.timeout(Math.max(1, deadline - Date.now())));
        response = await http.send(context).toPromise();
      } catch (error) {
        throw new KubeReadError('unreachable', `GET ${path}: ${networkFailureReason(error, requestTimeoutMs)}`);
      }
      if (!isRetryableStatus(response.httpStatusCode)) return response;
      const retryAfter = parseRetryAfterMs(response.headers['retry-after'], Date.now());
      const delay = nextRetryDelayMs(this.retryPolicy, attempt, retryAfter, deadline - Date.now());
      if (delay === null) return response;
      // Drain the refused answer so the connection can be reused.
      await response.body.text().catch(() => '');
      await sleep(delay);
    }
  }

  private failure(path: string, status: number, body: string): KubeReadError {
    const detail = statusMessage(body);
    const message = `GET ${path}: HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if (status === 401) return new KubeReadError('unreachable', `${message} (credentials rejected)`, status);
    if (status === 403) return new KubeReadError('forbidden', message, status);
    return new KubeReadError('error', message, status);
  }
}
