/**
 * The safe one-line form of a kubeconfig loading error. A module of its own (without the
 * Kubernetes client) so the fleet file's checks can word the error without loading the client.
 */
import { errorMessage } from '../../core/errors.js';
import { redactCredentials } from '../../core/redaction.js';
import { withoutControlCharacters } from '../../core/text.js';

/** The first line of a kubeconfig loading error, without control characters or credentials. */
export function kubeconfigProblem(error: unknown): string {
  const [first = ''] = errorMessage(error).split(/\r?\n/, 1);
  const line = redactCredentials(withoutControlCharacters(first)).trim();
  return line === '' ? 'not a readable kubeconfig' : line;
}
