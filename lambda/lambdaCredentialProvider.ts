/**
 * The AWS SDK's default credential provider as the Lambda functions need it, bundled in place of
 * `@aws-sdk/credential-provider-node` (infra/bundling.ts): every SDK client of a function, and
 * `fromNodeProviderChain` / `fromTemporaryCredentials` of `@aws-sdk/credential-providers` (the
 * cross-account role of an EKS cluster), take their credentials from here.
 *
 * The Lambda runtime always gives the execution role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. The SDK's own chain first tries those too, then SSO,
 * shared ini files, credential processes, web identity tokens (with STS), the container endpoint and
 * EC2 instance metadata: about 110 KB of code in each function that a function never reaches. Kept
 * are the environment and the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI /
 * RELATIVE_URI, as in a Lambda-compatible container runtime), with the SDK's own providers; when
 * neither is there, the error says so. (The two providers are the SDK's own packages, imported
 * directly: `@aws-sdk/credential-providers` would bring its STS client into every function.)
 *
 * Same exports, signature and caching as the SDK's `defaultProvider`: credentials are fetched once,
 * and fetched again when they expire within five minutes.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { CredentialsProviderError, chain } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';

/** What the SDK clients pass (their configuration); the providers read the logger and HTTP options. */
export interface DefaultProviderInit {
  readonly logger?: Logger;
  /** Connection and request timeout of the container endpoint, in milliseconds. @default 1000 */
  readonly timeout?: number;
  /** Retries of the container endpoint. @default 3 */
  readonly maxRetries?: number;
}

const CONTAINER_ENDPOINT_VARIABLES = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

/** As the SDK's: credentials with an expiration may be refreshed. */
export const credentialsWillNeedRefresh = (credentials: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined;

/** As the SDK's: credentials that expire within five minutes are fetched again. */
export const credentialsTreatedAsExpired = (credentials: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/**
 * The credentials of the environment, else of the container credentials endpoint, memoized.
 *
 * @example
 * const s3 = new S3Client({ credentials: defaultProvider() }); // what the clients do by default
 */
export const defaultProvider = (init: DefaultProviderInit = {}): AwsCredentialIdentityProvider =>
  memoized(
    chain(
      fromEnv(init),
      async () => {
        if (!CONTAINER_ENDPOINT_VARIABLES.some((name) => process.env[name])) {
          throw new CredentialsProviderError('no container credentials endpoint', { logger: init.logger });
        }
        // A chunk of its own: only a container runtime has the endpoint.
        const { fromHttp } = await import('@aws-sdk/credential-provider-http');
        return fromHttp(init)();
      },
      async () => {
        throw new CredentialsProviderError(
          'No AWS credentials: neither AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY nor ' +
            `${CONTAINER_ENDPOINT_VARIABLES.join(' or ')} is set (the Lambda runtime sets the first two; ` +
            "this function's bundle reads no profiles, SSO or instance metadata: infra/bundling.ts)",
          { tryNextLink: false, logger: init.logger },
        );
      },
    ),
  );

/**
 * As the SDK's default chain caches (credential-provider-node's memoizeChain): one fetch at a time,
 * shared by concurrent callers; credentials that expire within five minutes are still returned while
 * new ones are fetched in the background; expired ones (or `forceRefresh`) wait for new ones.
 */
function memoized(fetch: () => Promise<AwsCredentialIdentity>): AwsCredentialIdentityProvider {
  let credentials: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const refresh = (): Promise<AwsCredentialIdentity> => {
    pending ??= fetch()
      .then((fetched) => {
        credentials = fetched;
        return fetched;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return async (options?: { forceRefresh?: boolean }) => {
    const expired = credentials?.expiration !== undefined && credentials.expiration.getTime() <= Date.now();
    if (!credentials || expired || options?.forceRefresh) return refresh();
    // A failed background refresh keeps the valid credentials; the next call tries again.
    if (credentialsTreatedAsExpired(credentials)) refresh().catch(() => undefined);
    return credentials;
  };
}
