/**
 * Exec credential plugins (kubeconfig `users[].user.exec`, the `client.authentication.k8s.io`
 * ExecCredential protocol), run within a deadline.
 *
 * @kubernetes/client-node's ExecAuth spawns the plugin without a limit and waits until its output
 * closes: a plugin that never returns (an SSO login waiting for a browser, a stuck network call)
 * hangs the cluster's first request, and with it the whole fleet run. Here the plugin runs in a
 * process group of its own, and when the deadline passes the whole group is killed: killing only
 * the plugin would leave a shell script's children holding its output open.
 *
 * Installed through client-node's public authenticator hook (KubeConfig.addAuthenticator): the
 * user's `exec` block is moved under an auth provider that only this authenticator claims, so the
 * built-in ExecAuth never runs it. What the plugin prints (the token) and its stderr (which may
 * quote the token) never reach an error message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { KubeConfig, type User } from '@kubernetes/client-node';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];
type RequestOptions = Parameters<Authenticator['applyAuthentication']>[1];

const PROVIDER_NAME = 'fleetledger-bounded-exec';
/** An ExecCredential is a few KiB at most; more is not a credential (and is not kept). */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** The credentials could not be obtained from the plugin; the message never holds its output. */
export class ExecPluginError extends Error {
  override readonly name = 'ExecPluginError';
}

interface ExecConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly apiVersion: string;
}

interface ExecCredentialStatus {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  /** Milliseconds since the epoch; absent: valid for the whole collection. */
  readonly expiresAt?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The exec block of a user, in either place a kubeconfig may hold it; null when it has none. */
function execBlockOf(user: User | null): unknown {
  if (!user) return null;
  if (user.exec) return user.exec;
  const provider: unknown = user.authProvider;
  if (!isRecord(provider)) return null;
  if (isRecord(provider['config']) && provider['config']['exec']) return provider['config']['exec'];
  return null;
}

function execConfigOf(block: unknown): ExecConfig | string {
  if (!isRecord(block) || typeof block['command'] !== 'string' || block['command'] === '') {
    return 'the exec block names no command';
  }
  const args = Array.isArray(block['args']) ? block['args'].filter((a): a is string => typeof a === 'string') : [];
  const env = (Array.isArray(block['env']) ? block['env'] : []).flatMap((e: unknown) =>
    isRecord(e) && typeof e['name'] === 'string' && typeof e['value'] === 'string'
      ? [{ name: e['name'], value: e['value'] }]
      : [],
  );
  const apiVersion =
    typeof block['apiVersion'] === 'string' ? block['apiVersion'] : 'client.authentication.k8s.io/v1beta1';
  return { command: block['command'], args, env, apiVersion };
}

/**
 * The KubeConfig unchanged when its current user has no exec plugin; otherwise a copy whose
 * current user's plugin runs within `timeoutMs` (killed with its process group when it expires).
 *
 * @example
 * const bounded = withBoundedExecPlugin(kubeConfig, 20_000);
 * await bounded.applySecurityAuthentication(context); // rejects with ExecPluginError after 20 s
 */
export function withBoundedExecPlugin(config: KubeConfig, timeoutMs: number): KubeConfig {
  const user = config.getCurrentUser();
  const block = execBlockOf(user);
  if (!user || !block) return config;
  const rewritten: User = { ...user, exec: undefined, authProvider: { name: PROVIDER_NAME, config: {} } };
  const bounded = new KubeConfig();
  bounded.loadFromOptions({
    clusters: config.getClusters(),
    contexts: config.getContexts(),
    users: config.getUsers().map((u) => (u === user ? rewritten : u)),
    currentContext: config.getCurrentContext(),
  });
  bounded.addAuthenticator(new BoundedExecAuthenticator(execConfigOf(block), timeoutMs));
  return bounded;
}

/** Runs the plugin when no unexpired credential is cached; concurrent requests share one run. */
class BoundedExecAuthenticator implements Authenticator {
  private cached: ExecCredentialStatus | null = null;
  private pending: Promise<ExecCredentialStatus> | null = null;

  constructor(
    private readonly exec: ExecConfig | string,
    private readonly timeoutMs: number,
  ) {}

  isAuthProvider(user: User): boolean {
    return isRecord(user.authProvider) && user.authProvider['name'] === PROVIDER_NAME;
  }

  async applyAuthentication(_user: User, opts: RequestOptions): Promise<void> {
    const credential = await this.credential();
    if (credential.clientCertificateData) opts.cert = credential.clientCertificateData;
    if (credential.clientKeyData) opts.key = credential.clientKeyData;
    if (credential.token) opts.headers = { ...opts.headers, Authorization: `Bearer ${credential.token}` };
  }

  private async credential(): Promise<ExecCredentialStatus> {
    if (typeof this.exec === 'string') throw new ExecPluginError(this.exec);
    const cached = this.cached;
    if (cached && (cached.expiresAt === undefined || cached.expiresAt > Date.now())) return cached;
    this.pending ??= runExecPlugin(this.exec, this.timeoutMs).finally(() => {
      this.pending = null;
    });
    this.cached = await this.pending;
    return this.cached;
  }
}

/** Kills the plugin and everything it started (its process group; the plugin alone where groups do not exist). */
function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function runExecPlugin(exec: ExecConfig, timeoutMs: number): Promise<ExecCredentialStatus> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // What kubectl tells a plugin: no terminal to prompt on.
      KUBERNETES_EXEC_INFO: JSON.stringify({
        apiVersion: exec.apiVersion,
        kind: 'ExecCredential',
        spec: { interactive: false },
      }),
    };
    for (const { name, value } of exec.env) env[name] = value;
    const child = spawn(exec.command, [...exec.args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });

    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const stop = (message: string) => {
      killProcessGroup(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      settle(() => reject(new ExecPluginError(message)));
    };
    const timer = setTimeout(
      () => stop(`the exec credential plugin gave no answer within ${timeoutMs / 1000}s and was stopped`),
      timeoutMs,
    );

    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        stop(`the exec credential plugin printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB and was stopped`);
        return;
      }
      chunks.push(chunk);
    });
    // Read and dropped: a failing plugin's stderr may quote the very token it could not wrap.
    child.stderr?.resume();
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle(() => reject(new ExecPluginError(`cannot run the exec credential plugin (${error.code ?? 'error'})`))),
    );
    child.on('close', (code, signal) =>
      settle(() => {
        if (code !== 0) {
          reject(
            new ExecPluginError(
              `the exec credential plugin ${signal ? `was ended by ${signal}` : `exited with code ${code}`}`,
            ),
          );
          return;
        }
        const status = credentialStatus(Buffer.concat(chunks).toString('utf8'));
        if (status) resolve(status);
        else {
          reject(
            new ExecPluginError(
              'the exec credential plugin printed no ExecCredential (JSON with status.token or client certificate data)',
            ),
          );
        }
      }),
    );
  });
}

function credentialStatus(output: string): ExecCredentialStatus | null {
  let document: unknown;
  try {
    document = JSON.parse(output);
  } catch {
    return null;
  }
  const status = isRecord(document) ? document['status'] : undefined;
  if (!isRecord(status)) return null;
  const text = (key: string) => (typeof status[key] === 'string' && status[key] !== '' ? status[key] : undefined);
  const token = text('token');
  const clientCertificateData = text('clientCertificateData');
  const clientKeyData = text('clientKeyData');
  if (!token && !(clientCertificateData && clientKeyData)) return null;
  const expiry = text('expirationTimestamp');
  const expiresAt = expiry === undefined ? Number.NaN : Date.parse(expiry);
  return {
    ...(token ? { token } : {}),
    ...(clientCertificateData && clientKeyData ? { clientCertificateData, clientKeyData } : {}),
    ...(Number.isNaN(expiresAt) ? {} : { expiresAt }),
  };
}
