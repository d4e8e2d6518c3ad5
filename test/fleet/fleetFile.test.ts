import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import {
  clusterNameFromContext,
  fleetFromKubeconfig,
  loadFleetFile,
  parseFleetFile,
} from '../../src/fleet/fleetFile.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: east
    cluster: { server: https://127.0.0.1:6443 }
users:
  - name: reader
    user: { token: not-a-real-token }
contexts:
  - name: prod-east
    context: { cluster: east, user: reader }
  - name: Lab_Cluster
    context: { cluster: east, user: reader }
current-context: prod-east
`;

/** A kubeconfig whose line 9 (a token) is not valid YAML. */
const BAD_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: https://127.0.0.1:1}
users:
- name: u
  user:
    token: FAKE-kubeconfig-token-XYZZY: : [
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
`;

function fleetDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-file-'));
  writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
  writeFileSync(join(dir, 'lab-ca.pem'), 'not checked here');
  return dir;
}

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('fleet file', () => {
  it('loads the three kinds of cluster access with paths relative to the fleet file', () => {
    // Prepare
    const dir = fleetDir();
    const file = join(dir, 'fleet.yaml');
    process.env['FLEET_TEST_LAB_TOKEN'] = 'x';
    writeFileSync(
      file,
      `clusters:
  - name: prod-east
    labels: { mesh: corp, env: prod }
    aliases: ["https://prod-east.k8s.example.com:6443"]
    kubeconfig: { path: ./kubeconfig, context: prod-east }
  - name: prod-west
    eks: { cluster: prod-west, region: eu-west-1, roleArn: "arn:aws:iam::123456789012:role/audit" }
  - name: lab
    token: { server: "https://10.0.0.1:6443", caFile: ./lab-ca.pem, tokenEnv: FLEET_TEST_LAB_TOKEN }
defaults: { concurrency: 4, requestTimeoutSeconds: 5, excludeNamespaces: [kube-system] }
rules: { quotaNearLimit: 0.8 }
`,
    );

    // Act
    const fleet = loadFleetFile(file);

    // Assess
    expect(fleet.clusters).toEqual([
      {
        name: 'prod-east',
        labels: { mesh: 'corp', env: 'prod' },
        aliases: ['https://prod-east.k8s.example.com:6443'],
        access: { kind: 'kubeconfig', path: join(dir, 'kubeconfig'), context: 'prod-east' },
      },
      {
        name: 'prod-west',
        labels: {},
        aliases: [],
        access: {
          kind: 'eks',
          cluster: 'prod-west',
          region: 'eu-west-1',
          roleArn: 'arn:aws:iam::123456789012:role/audit',
        },
      },
      {
        name: 'lab',
        labels: {},
        aliases: [],
        access: {
          kind: 'token',
          server: 'https://10.0.0.1:6443',
          caFile: join(dir, 'lab-ca.pem'),
          caData: null,
          tokenEnv: 'FLEET_TEST_LAB_TOKEN',
          tokenFile: null,
          tokenSecret: null,
        },
      },
    ]);
    expect(fleet.defaults).toEqual({ concurrency: 4, requestTimeoutSeconds: 5, excludeNamespaces: ['kube-system'] });
    expect(fleet.rules?.quotaNearLimit).toBe(0.8);
  });

  it('fills in the defaults when the file has none', () => {
    const dir = fleetDir();
    const fleet = parseFleetFile(`clusters: [{ name: a, kubeconfig: { path: ./kubeconfig } }]`, join(dir, 'f.yaml'));
    expect(fleet.defaults).toEqual({
      concurrency: 8,
      requestTimeoutSeconds: 20,
      excludeNamespaces: ['kube-system', 'kube-public', 'kube-node-lease'],
    });
    expect(fleet.rules).toBeNull();
  });

  it('reports every mistake at once with the file, the key path and what was expected', () => {
    // Prepare
    const dir = fleetDir();
    const file = join(dir, 'fleet.yaml');
    delete process.env['FLEET_TEST_MISSING_TOKEN'];
    const text = `clusters:
  - name: Prod_East
    kubeconfig: { path: ./kubeconfig, context: nope }
  - name: west
    eks: { cluster: west, region: 42 }
  - name: west
    token: { server: "https://10.0.0.1:6443", tokenEnv: FLEET_TEST_MISSING_TOKEN }
  - name: both
    kubeconfig: { path: ./missing-kubeconfig }
    eks: { cluster: b, region: eu-west-1 }
  - name: lab
    token: { server: "http://10.0.0.1:6443", tokenEnv: A, tokenFile: ./t, insecureSkipTLSVerify: true }
defaults: { concurrency: 0 }
`;

    // Act
    const problems = problemsOf(() => parseFleetFile(text, file));

    // Assess
    expect(problems).toEqual([
      `${file}: defaults.concurrency: expected an integer from 1 to 256`,
      `${file}: clusters[0].name: expected a cluster name of [a-z0-9-] (e.g. prod-east)`,
      `${file}: clusters[0].kubeconfig.context: expected a context of ${join(dir, 'kubeconfig')}, "nope" is not one`,
      `${file}: clusters[1].eks.region: expected a string (e.g. eu-west-1)`,
      `${file}: clusters[2].name: expected a unique name, "west" is also clusters[1]`,
      `${file}: clusters[2].token.tokenEnv: expected the environment variable FLEET_TEST_MISSING_TOKEN to hold a token, it is not set`,
      `${file}: clusters[3]: expected exactly one of kubeconfig, eks or token`,
      `${file}: clusters[4].token.server: expected an https:// URL (e.g. https://10.0.0.1:6443)`,
      `${file}: clusters[4].token: unknown key(s) "insecureSkipTLSVerify"`,
      `${file}: clusters[4].token: expected exactly one of tokenEnv, tokenFile or tokenSecret`,
    ]);
  });

  it('takes other addresses of a cluster’s API server (aliases) as https URLs without credentials, each naming one cluster', () => {
    // Prepare
    const dir = fleetDir();
    const file = join(dir, 'fleet.yaml');
    const text = `clusters:
  - name: a
    aliases: ["https://a.k8s.example.com:6443", "http://a.example.com", "https://admin:FAKE-alias-password@a.example.com", 42]
    kubeconfig: { path: ./kubeconfig }
  - name: b
    aliases: ["https://A.k8s.example.com:6443/"]
    kubeconfig: { path: ./kubeconfig }
  - name: c
    aliases: "https://c.k8s.example.com"
    kubeconfig: { path: ./kubeconfig }
`;

    // Act
    const problems = problemsOf(() => parseFleetFile(text, file));

    // Assess: a URL with credentials is named by its position only, never echoed
    expect(problems).toEqual([
      `${file}: clusters[0].aliases[1]: expected an https:// URL of the API server (e.g. https://prod-east.k8s.example.com:6443)`,
      `${file}: clusters[0].aliases[2]: expected a URL without user name or password`,
      `${file}: clusters[0].aliases[3]: expected an https:// URL of the API server (e.g. https://prod-east.k8s.example.com:6443)`,
      `${file}: clusters[2].aliases: expected a list of https:// URLs (e.g. [https://prod-east.k8s.example.com:6443])`,
      `${file}: clusters[1].aliases[0]: expected an address of one cluster, https://A.k8s.example.com:6443/ is also an alias of clusters[0]`,
    ]);
    expect(problems.join('\n')).not.toContain('FAKE-alias-password');
  });

  it('names a missing kubeconfig file and an unknown context', () => {
    const dir = fleetDir();
    const file = join(dir, 'fleet.yaml');
    const problems = problemsOf(() =>
      parseFleetFile(
        `clusters:
  - { name: a, kubeconfig: { path: ./kubeconfig, context: nope } }
  - { name: b, kubeconfig: { path: ./gone } }
`,
        file,
      ),
    );
    expect(problems).toEqual([
      `${file}: clusters[0].kubeconfig.context: expected a context of ${join(dir, 'kubeconfig')}, "nope" is not one`,
      `${file}: clusters[1].kubeconfig.path: expected an existing file, ${join(dir, 'gone')} does not exist`,
    ]);
  });

  it('checks the access files and variables of entries that have other mistakes too, so every mistake comes at once', () => {
    const dir = fleetDir();
    const file = join(dir, 'fleet.yaml');
    delete process.env['FLEET_TEST_UNSET_TOKEN'];

    const problems = problemsOf(() =>
      parseFleetFile(
        `clusters:
  - { name: Bad_Name, kubeconfig: { path: ./gone-a } }
  - { name: fine, kubeconfig: { path: ./gone-b } }
  - name: lab
    labels: { tier: 1 }
    token: { server: "https://10.0.0.1:6443", caFile: ./no-ca.pem, tokenEnv: FLEET_TEST_UNSET_TOKEN }
defaults: { concurrency: 0 }
`,
        file,
      ),
    );

    expect(problems).toEqual([
      `${file}: defaults.concurrency: expected an integer from 1 to 256`,
      `${file}: clusters[0].name: expected a cluster name of [a-z0-9-] (e.g. prod-east)`,
      `${file}: clusters[0].kubeconfig.path: expected an existing file, ${join(dir, 'gone-a')} does not exist`,
      `${file}: clusters[1].kubeconfig.path: expected an existing file, ${join(dir, 'gone-b')} does not exist`,
      `${file}: clusters[2].labels.tier: expected a string label value`,
      `${file}: clusters[2].token.caFile: expected an existing file, ${join(dir, 'no-ca.pem')} does not exist`,
      `${file}: clusters[2].token.tokenEnv: expected the environment variable FLEET_TEST_UNSET_TOKEN to hold a token, it is not set`,
    ]);
  });

  it('rejects unknown top-level keys and an empty cluster list', () => {
    const problems = problemsOf(() => parseFleetFile('clusters: []\nclsuters: []\n', 'f.yaml'));
    expect(problems).toEqual([
      'f.yaml: clusters: expected at least one cluster',
      'f.yaml: (top level): unknown key(s) "clsuters"',
    ]);
  });

  it('reports YAML syntax errors with the file name', () => {
    const problems = problemsOf(() => parseFleetFile('clusters: [\n', 'broken.yaml'));
    expect(problems).toEqual([
      'broken.yaml: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
    ]);
  });

  it('reports a YAML syntax error of the fleet file on one line with its position, never quoting the file', () => {
    const problems = problemsOf(() =>
      parseFleetFile('clusters:\n  - name: a\n    token: FAKE-fleet-secret-QUUX: : [\n', 'broken.yaml'),
    );

    expect(problems).toEqual([
      'broken.yaml: not valid YAML: Nested mappings are not allowed in compact mappings at line 3, column 12',
      'broken.yaml: not valid YAML: Nested mappings are not allowed in compact mappings at line 3, column 36',
      'broken.yaml: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 4, column 1',
    ]);
  });

  it('names a kubeconfig with a YAML syntax error by its first line only, so the token on the bad line is not shown', () => {
    const dir = fleetDir();
    writeFileSync(join(dir, 'bad.kubeconfig'), BAD_KUBECONFIG);
    const file = join(dir, 'fleet.yaml');

    const problems = problemsOf(() =>
      parseFleetFile('clusters:\n  - { name: a, kubeconfig: { path: ./bad.kubeconfig, context: ctx } }\n', file),
    );

    expect(problems).toEqual([
      `${file}: clusters[0].kubeconfig.path: expected a kubeconfig file, ${join(dir, 'bad.kubeconfig')}: not valid YAML: Nested mappings are not allowed in compact mappings at line 9, column 12`,
    ]);
  });
});

describe('fleet from a kubeconfig', () => {
  it('names a kubeconfig with a YAML syntax error by its first line only, so the token on the bad line is not shown', () => {
    const path = join(fleetDir(), 'bad.kubeconfig');
    writeFileSync(path, BAD_KUBECONFIG);

    const problems = problemsOf(() => fleetFromKubeconfig(path));

    expect(problems).toEqual([
      `--kubeconfig: cannot load ${path}: not valid YAML: Nested mappings are not allowed in compact mappings at line 9, column 12`,
    ]);
  });

  it('takes every context by default, named after the context', () => {
    const dir = fleetDir();
    const fleet = fleetFromKubeconfig(join(dir, 'kubeconfig'));
    expect(fleet.clusters.map((c) => [c.name, c.access])).toEqual([
      ['prod-east', { kind: 'kubeconfig', path: join(dir, 'kubeconfig'), context: 'prod-east' }],
      ['lab-cluster', { kind: 'kubeconfig', path: join(dir, 'kubeconfig'), context: 'Lab_Cluster' }],
    ]);
  });

  it('takes only the named contexts and rejects unknown ones', () => {
    const dir = fleetDir();
    expect(fleetFromKubeconfig(join(dir, 'kubeconfig'), ['Lab_Cluster']).clusters.map((c) => c.name)).toEqual([
      'lab-cluster',
    ]);
    expect(problemsOf(() => fleetFromKubeconfig(join(dir, 'kubeconfig'), ['nope']))).toEqual([
      `--context: "nope" is not a context of ${join(dir, 'kubeconfig')} (contexts: prod-east, Lab_Cluster)`,
    ]);
  });

  it('snapshots a context named twice once', () => {
    const dir = fleetDir();

    const fleet = fleetFromKubeconfig(join(dir, 'kubeconfig'), ['prod-east', 'prod-east']);

    expect(fleet.clusters.map((c) => c.name)).toEqual(['prod-east']);
  });

  it('rejects two contexts that become the same cluster name, naming both', () => {
    const dir = fleetDir();
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, KUBECONFIG.replace('  - name: Lab_Cluster', '  - name: prod_east'));

    expect(problemsOf(() => fleetFromKubeconfig(path))).toEqual([
      `--kubeconfig: contexts "prod-east" and "prod_east" of ${path} both become cluster "prod-east"; name one of them with --context, or use a fleet file`,
    ]);
    expect(fleetFromKubeconfig(path, ['prod_east']).clusters.map((c) => c.name)).toEqual(['prod-east']);
  });

  it('turns context names into cluster names', () => {
    expect(clusterNameFromContext('arn:aws:eks:eu-west-1:123:cluster/Prod')).toBe(
      'arn-aws-eks-eu-west-1-123-cluster-prod',
    );
  });
});
