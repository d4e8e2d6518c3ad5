import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** One context per simulated cluster (context, cluster and user all named after it): CA data and a bearer token. */
export interface KubeconfigEntry {
  name: string;
  server: string;
  caPem: string;
  token: string;
}

export function renderKubeconfig(entries: readonly KubeconfigEntry[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: entries.map((e) => ({
      name: e.name,
      cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caPem, 'utf8').toString('base64') },
    })),
    users: entries.map((e) => ({ name: e.name, user: { token: e.token } })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name } })),
    'current-context': entries[0]?.name ?? '',
  });
}

/** Written readable by the owner only: it holds bearer tokens. */
export async function writeKubeconfig(path: string, entries: readonly KubeconfigEntry[]): Promise<void> {
  await writeFile(path, renderKubeconfig(entries), { mode: 0o600 });
}
