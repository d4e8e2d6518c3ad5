/**
 * The example ClusterRoles in examples/rbac: the one without Secrets grants exactly what the full
 * reader grants, Secrets excepted, so the Secret-less mode never turns into missing sections.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function clusterRole(file: string): { name: string; rules: PolicyRule[] } {
  const text = readFileSync(new URL(`../../examples/rbac/${file}`, import.meta.url), 'utf8');
  const role = parseAllDocuments(text)
    .map((document) => document.toJS() as { kind?: string; metadata: { name: string }; rules: PolicyRule[] })
    .find((document) => document.kind === 'ClusterRole');
  if (!role) throw new Error(`${file}: no ClusterRole`);
  return { name: role.metadata.name, rules: role.rules };
}

describe('example reader roles', () => {
  it('grant the same reads, except that the Secret-less role has no Secrets', () => {
    const full = clusterRole('fleetledger-reader.yaml');
    const noSecrets = clusterRole('fleetledger-reader-no-secrets.yaml');

    expect(full.rules.some((rule) => rule.resources.includes('secrets'))).toBe(true);
    expect(noSecrets.name).toBe('fleetledger-reader-no-secrets');
    expect(noSecrets.rules).toEqual(
      full.rules.map((rule) => ({ ...rule, resources: rule.resources.filter((r) => r !== 'secrets') })),
    );
    expect(noSecrets.rules.every((rule) => rule.verbs.every((verb) => verb === 'get' || verb === 'list'))).toBe(true);
  });
});
