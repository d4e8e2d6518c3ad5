import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { decodeUtf8, yamlValueOf } from '../../core/configFile.js';
import { errorMessage } from '../../core/errors.js';
import { redactCredentials } from '../../core/redaction.js';
import { withoutControlCharacters } from '../../core/text.js';

/** A kubeconfig file that could not be loaded; the message is safe to show and to store. */
export class KubeconfigLoadError extends Error {
  override readonly name = 'KubeconfigLoadError';
}

/**
 * Loads a kubeconfig file. The YAML parser's messages quote the offending source lines, which in
 * a kubeconfig are tokens and passwords: only the first line (the reason, its line and column) is
 * kept, so a syntax error never carries credentials into a snapshot, a report or a terminal.
 *
 * @example
 * const config = loadKubeconfigFile('/home/audit/.kube/config'); // throws KubeconfigLoadError
 */
export function loadKubeconfigFile(path: string): KubeConfig {
  const config = new KubeConfig();
  // Read as every configuration file is (src/core/configFile.ts: strict UTF-8, the YAML alias
  // limit, no __proto__ keys), then handed to the client as JSON, which has no aliases to expand.
  let parsed: ReturnType<typeof yamlValueOf>;
  try {
    parsed = yamlValueOf(decodeUtf8(readFileSync(path)));
  } catch (error) {
    throw new KubeconfigLoadError(kubeconfigProblem(error));
  }
  if ('problems' in parsed) throw new KubeconfigLoadError(kubeconfigProblem(parsed.problems[0]));
  try {
    config.loadFromString(JSON.stringify(parsed.value ?? {}));
    // As loadFromFile does: certificate and key files are relative to the kubeconfig's folder.
    config.makePathsAbsolute(dirname(path));
  } catch (error) {
    throw new KubeconfigLoadError(kubeconfigProblem(error));
  }
  return config;
}

/** The first line of a kubeconfig loading error, without control characters or credentials. */
export function kubeconfigProblem(error: unknown): string {
  const [first = ''] = errorMessage(error).split(/\r?\n/, 1);
  const line = redactCredentials(withoutControlCharacters(first)).trim();
  return line === '' ? 'not a readable kubeconfig' : line;
}
