/**
 * Bearer tokens kept in AWS Secrets Manager (`token.tokenSecret` in the fleet file): the deployed
 * functions hold no token, they read it when they snapshot the cluster. The secret's SecretString is
 * the token itself. The value goes into the cluster's KubeConfig and nowhere else: messages name
 * the secret, never what it holds.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { firstLine } from '../../core/text.js';
import { ClusterAccessError } from './clusterAccess.js';

/** Reads the token a secret holds; ClusterAccessError (naming the secret, not the value) when it cannot. */
export interface SecretReader {
  readSecret(secretId: string): Promise<string>;
}

const SECRET_ARN_REGION = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/;

/**
 * Secrets Manager through the standard AWS configuration; a secret named by ARN is read in the
 * ARN's region. The SDK is loaded on first use only: most fleets have no such secret.
 *
 * @example
 * const token = await new SecretsManagerReader().readSecret('arn:aws:secretsmanager:eu-west-1:123456789012:secret:lab-AbCdEf');
 */
export class SecretsManagerReader implements SecretReader {
  readonly #clients = new Map<string, Promise<SecretsManagerClient>>();

  constructor(private readonly clientFor?: (region: string | undefined) => SecretsManagerClient) {}

  #client(region: string | undefined): Promise<SecretsManagerClient> {
    const name = region ?? '';
    let client = this.#clients.get(name);
    if (!client) {
      client = this.clientFor
        ? Promise.resolve(this.clientFor(region))
        : import('./secretsManagerGetSecret.js').then(
            ({ SecretsManagerClient }) => new SecretsManagerClient(region ? { region } : {}),
          );
      this.#clients.set(name, client);
    }
    return client;
  }

  async readSecret(secretId: string): Promise<string> {
    const region = SECRET_ARN_REGION.exec(secretId)?.[1];
    const [{ GetSecretValueCommand }, client] = await Promise.all([
      import('./secretsManagerGetSecret.js'),
      this.#client(region),
    ]);
    let value: string | undefined;
    try {
      value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      // The SDK's messages name the secret and the reason (AccessDenied, not found), never its value.
      const name = (error as { name?: string } | null)?.name ?? 'Error';
      const message = error instanceof Error ? firstLine(error.message) : String(error);
      throw new ClusterAccessError(`cannot read the token secret ${secretId} (${name}: ${message})`);
    }
    const token = value?.trim();
    if (!token) throw new ClusterAccessError(`the token secret ${secretId} holds no token (an empty or binary secret)`);
    return token;
  }
}
