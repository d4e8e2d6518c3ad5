import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { type ClusterAccess, ClusterAccessError } from './clusterAccess.js';
import { type SecretReader, SecretsManagerReader } from './secretTokens.js';

export interface TokenClusterAccessProps {
  readonly clusterName: string;
  readonly server: string;
  /** PEM file of the cluster CA; @default the system trust store */
  readonly caFile: string | null;
  /** Base64 PEM of the cluster CA (as in a kubeconfig's certificate-authority-data). */
  readonly caData: string | null;
  /** Environment variable holding the bearer token. */
  readonly tokenEnv: string | null;
  /** File holding the bearer token (e.g. a projected service account token). */
  readonly tokenFile: string | null;
  /** Secrets Manager secret (ARN or name) holding the bearer token. */
  readonly tokenSecret?: string | null;
  /** @default Secrets Manager through the standard AWS configuration */
  readonly secrets?: SecretReader;
}

/** An API server URL plus a bearer token from the environment, a file or a secret. TLS is always verified. */
export class TokenClusterAccess implements ClusterAccess {
  constructor(private readonly props: TokenClusterAccessProps) {}

  async kubeConfig(): Promise<KubeConfig> {
    const { clusterName, server, caFile, caData } = this.props;
    const token = await this.token();
    const config = new KubeConfig();
    config.loadFromClusterAndUser(
      {
        name: clusterName,
        server,
        skipTLSVerify: false,
        ...(caData ? { caData } : {}),
        ...(caFile ? { caFile } : {}),
      },
      { name: `${clusterName}-reader`, token },
    );
    return config;
  }

  private async token(): Promise<string> {
    const { tokenEnv, tokenFile, tokenSecret } = this.props;
    if (tokenEnv) {
      const token = process.env[tokenEnv]?.trim();
      if (!token) throw new ClusterAccessError(`the environment variable ${tokenEnv} holds no token`);
      return token;
    }
    if (tokenFile) {
      const token = (await readFile(tokenFile, 'utf8').catch(() => '')).trim();
      if (!token) throw new ClusterAccessError(`the token file ${tokenFile} is missing or empty`);
      return token;
    }
    if (tokenSecret) return (this.props.secrets ?? new SecretsManagerReader()).readSecret(tokenSecret);
    throw new ClusterAccessError('no token source (tokenEnv, tokenFile or tokenSecret)');
  }
}
