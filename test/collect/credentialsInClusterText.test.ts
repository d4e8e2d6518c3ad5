/**
 * Credentials in the text a cluster supplies: Argo CD operation and ApplicationSet condition
 * messages quoting headers and repository URLs, cluster Secret servers with `?token=`, Gatekeeper,
 * KubeFed and cert-manager messages, a version string. A simulated cluster carries one credential
 * of every kind the redaction module knows, in every such field; the CLI snapshots it (debug logs
 * on), reports and evaluates, each a separate process. No credential appears in anything written
 * or printed: the ledger (snapshot, report.json/html/csv, policyreport.yaml, email.html/txt, trend
 * index, manifests), the --out copy, `evaluate` output in both formats, and every log line.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readSnapshot } from '../../src/ledger/snapshots.js';
import type { RunningFleet, SimulatedClusterDefinition } from '../../src/simulator/fleet.js';
import type { Snapshot } from '../../src/snapshot/schema.js';
import { type CliResult, runFleetledger } from '../support/cli.js';
import { allStoredText } from '../support/storedText.js';
import { b64, crd, namespace } from './fixtures.js';

let startSimulatedFleet: (clusters: SimulatedClusterDefinition[], options?: { now?: Date }) => Promise<RunningFleet>;
const running: RunningFleet[] = [];

beforeAll(async () => {
  ({ startSimulatedFleet } = await import('../../src/simulator/fleet.js'));
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
});

const NOW = '2026-11-25T09:00:00Z';
/** Reports and evaluations an hour after the snapshot. */
const LATER = '2026-11-25T10:00:00Z';
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** One credential of each kind; each holds a FAKE fragment found nowhere else. */
const CREDENTIALS = {
  bearer: 'FAKEbearerToken0001',
  basic: b64('deploy:FAKEbasicPassword0002'),
  authorization: 'FAKEauthToken0003xyz',
  repoPassword: 'FAKErepoPwA/FAKErepoPwB@FAKErepoPwC',
  queryToken: 'FAKEqueryToken0004',
  accessToken: 'FAKEaccessToken0005',
  password: 'FAKEpasswordParam0006',
  secret: 'FAKEsecretParam0007',
  apiKey: 'FAKEapiKeyParam0008',
  argoServerToken: 'FAKEargoServerToken0009',
  argoServerPassword: 'FAKEargoServerPw0010',
  jwt: `eyJhbGciOiJSUzI1NiJ9.${b64url('{"sub":"FAKE-jwt-subject-0011"}')}.FAKEjwtSignature0011`,
  awsAccessKey: 'AKIAFAKEFAKE00000012',
  awsSessionKey: 'ASIAFAKEFAKE00000013',
  githubToken: `ghp_FAKE${'0'.repeat(28)}0014`,
  githubPat: 'github_pat_FAKE0000000000000000000015',
  gitlabToken: 'glpat-FAKE0000000000000016',
  slackToken: 'xoxb-FAKE-0000000017',
  googleApiKey: `AIzaFAKE${'0'.repeat(27)}0018`,
  googleOauthToken: 'ya29.FAKE000000000000000019',
  privateKey: 'FAKEprivateKeyBody0020',
  kubefedPassword: 'FAKEkubefedPw0021',
  istioRemoteToken: 'FAKEistioRemoteToken0022',
  versionKey: 'AKIAFAKEFAKE00000023',
} as const;

/** What must never appear: each credential, and each piece of one that redaction might split. */
const FRAGMENTS = [
  ...Object.values(CREDENTIALS),
  'FAKEbasicPassword0002',
  'FAKErepoPwA',
  'FAKErepoPwB',
  'FAKErepoPwC',
  b64url('{"sub":"FAKE-jwt-subject-0011"}'),
  'FAKEjwtSignature0011',
];

function leakyCluster(): Record<string, unknown>[] {
  const c = CREDENTIALS;
  return [
    namespace('argocd', { 'owner-key': c.googleApiKey }),
    namespace('istio-system'),
    namespace('kube-federation-system'),
    namespace('payments'),
    crd('argoproj.io', ['v1alpha1'], 'Application', 'applications', 'Namespaced'),
    crd('argoproj.io', ['v1alpha1'], 'ApplicationSet', 'applicationsets', 'Namespaced'),
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { namespace: 'argocd', name: 'apps' },
      spec: {
        project: 'default',
        destination: {
          server: `https://deployer:${c.repoPassword}@app-target.example:6443/?token=${c.queryToken}`,
          namespace: 'payments',
        },
      },
      status: {
        sync: { status: 'OutOfSync', revision: c.githubPat },
        health: { status: 'Degraded' },
        operationState: {
          phase: 'Failed',
          message: `rpc error: GET https://git.example/corp/apps.git?access_token=${c.accessToken}: 401 (sent Authorization: Bearer ${c.bearer}); also tried https://ci:${c.repoPassword}@git.example/corp/apps.git`,
        },
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { namespace: 'argocd', name: 'tenants' },
      status: {
        conditions: [
          {
            type: 'ErrorOccurred',
            status: 'True',
            reason: 'ApplicationGenerationFromParamsError',
            message: `failed to list repositories with Authorization: Basic ${c.basic} and the token ${c.jwt}`,
          },
          {
            type: 'ParametersGenerated',
            status: 'False',
            reason: 'ErrorOccurred',
            message: `scm provider https://scm.example/api?password=${c.password}&secret=${c.secret} refused ${c.githubToken}`,
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: 'argocd', name: 'target', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      data: {
        name: b64('target'),
        server: b64(`https://admin:${c.argoServerPassword}@argocd-target.example:6443/?token=${c.argoServerToken}`),
        config: b64('{"tlsClientConfig":{"insecure":false}}'),
      },
    },
    crd('templates.gatekeeper.sh', ['v1'], 'ConstraintTemplate', 'constrainttemplates', 'Cluster'),
    crd('constraints.gatekeeper.sh', ['v1beta1'], 'K8sRequiredLabels', 'k8srequiredlabels', 'Cluster'),
    {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: 'k8srequiredlabels' },
      spec: { crd: { spec: { names: { kind: 'K8sRequiredLabels' } } } },
      status: {
        byPod: [
          {
            id: 'gatekeeper-audit',
            errors: [
              {
                code: 'ingest_error',
                message: `fetch https://opa.example/bundle?api_key=${c.apiKey} failed with ${c.gitlabToken}`,
              },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'constraints.gatekeeper.sh/v1beta1',
      kind: 'K8sRequiredLabels',
      metadata: { name: 'must-have-owner' },
      spec: { enforcementAction: 'deny' },
      status: {
        auditTimestamp: '2026-11-25T08:00:00Z',
        totalViolations: 2,
        violations: [
          {
            kind: 'Namespace',
            name: 'payments',
            message: `annotation aws-key holds ${c.awsAccessKey} and ${c.awsSessionKey}`,
            enforcementAction: 'deny',
          },
          {
            kind: 'Namespace',
            name: 'argocd',
            message: `annotation slack holds ${c.slackToken}`,
            enforcementAction: 'deny',
          },
        ],
      },
    },
    crd('core.kubefed.io', ['v1beta1'], 'KubeFedCluster', 'kubefedclusters', 'Namespaced'),
    {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedCluster',
      metadata: { namespace: 'kube-federation-system', name: 'member' },
      spec: { apiEndpoint: `https://fed:${c.kubefedPassword}@fed-target.example:6443` },
      status: {
        conditions: [
          { type: 'Ready', status: 'False', message: `probe sent authorization: token ${c.authorization}, got 401` },
        ],
      },
    },
    crd('cert-manager.io', ['v1'], 'Certificate', 'certificates', 'Namespaced'),
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { namespace: 'payments', name: 'api' },
      spec: { secretName: 'api-tls', dnsNames: ['api.payments.example'], issuerRef: { name: 'corp', kind: 'Issuer' } },
      status: {
        notAfter: '2026-12-20T00:00:00Z',
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Failed',
            message: `webhook answered ${c.googleOauthToken} with\n-----BEGIN PRIVATE KEY-----\n${c.privateKey}\n-----END PRIVATE KEY-----\n`,
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        namespace: 'istio-system',
        name: 'istio-remote-secret-east',
        labels: { 'istio/multiCluster': 'true' },
      },
      data: {
        east: b64(
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Config',
            clusters: [
              {
                name: 'east',
                cluster: { server: `https://east.mesh.example:6443/?access_token=${c.istioRemoteToken}` },
              },
            ],
          }),
        ),
      },
    },
  ];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else out.push(path);
  };
  walk(dir);
  return out;
}

describe('credentials in the text a cluster supplies', () => {
  it('are replaced by markers before the snapshot is stored, and appear in no output, log or file', async () => {
    // Prepare
    const fleet = await startSimulatedFleet(
      [
        {
          name: 'leaky',
          objects: leakyCluster(),
          config: { kubernetesVersion: `v1.34.2+${CREDENTIALS.versionKey}` },
        },
      ],
      { now: new Date(NOW) },
    );
    running.push(fleet);
    const dir = mkdtempSync(join(tmpdir(), 'cluster-text-'));
    const store = join(dir, 'ledger');
    const out = join(dir, 'out');
    const debug = { FLEETLEDGER_LOG_LEVEL: 'debug' };

    // Act
    const results: CliResult[] = [];
    const snapshot = await runFleetledger(
      ['snapshot', '--kubeconfig', fleet.kubeconfigPath, '--store', store, '--now', NOW],
      debug,
    );
    results.push(snapshot);
    results.push(await runFleetledger(['report', '--store', store, '--out', out, '--now', LATER], debug));
    results.push(
      await runFleetledger(['evaluate', '--store', store, '--now', LATER, '--format', 'json'], {
        ...debug,
        FLEETLEDGER_LOG_FORMAT: 'json',
      }),
    );
    results.push(await runFleetledger(['evaluate', '--store', store, '--now', LATER], debug));

    // Assess: every command did its work (a failure shows its message)
    expect(results.map((r) => (r.code === 0 ? 0 : `${r.code}: ${r.stderr}`))).toEqual([0, 0, 0, 0]);
    const files = filesUnder(store).map((f) => f.slice(store.length + 1));
    for (const kind of ['report.json', 'report.html', 'findings.csv', 'policyreport.yaml', 'email.html', 'email.txt']) {
      expect(files.some((f) => f.startsWith('reports/') && f.endsWith(`/${kind}`))).toBe(true);
    }
    expect(files.some((f) => f.startsWith('index/trend/'))).toBe(true);

    // The snapshot keeps each field, with markers where the credentials were
    const ledger = new DirectoryLedgerStore(store);
    const [stored] = await ledger.list('snapshots/');
    const leaky: Snapshot = await readSnapshot(ledger, stored!.key);
    expect(leaky.meta.kubernetesVersion).toBe('v1.34.2+[REDACTED:aws-access-key]');
    expect(leaky.gitops.applicationSets[0]?.conditions.map((c) => c.message)).toEqual([
      'failed to list repositories with Authorization: Basic [REDACTED:basic] and the token [REDACTED:jwt]',
      'scm provider https://scm.example/api?password=[REDACTED:parameter]&secret=[REDACTED:parameter] refused [REDACTED:github-token]',
    ]);
    const [app] = leaky.gitops.applications;
    expect(app?.destination.server).toBe(
      'https://[REDACTED:userinfo]@app-target.example:6443/?token=[REDACTED:parameter]',
    );
    expect(app?.revision).toBe('[REDACTED:github-token]');
    expect(app?.operation?.message).toBe(
      'rpc error: GET https://git.example/corp/apps.git?access_token=[REDACTED:parameter]: 401 (sent Authorization: Bearer [REDACTED:bearer]); also tried https://[REDACTED:userinfo]@git.example/corp/apps.git',
    );
    expect(leaky.gitops.clusters).toEqual([
      { name: 'target', server: 'https://[REDACTED:userinfo]@argocd-target.example:6443/?token=[REDACTED:parameter]' },
    ]);
    expect(leaky.policies.gatekeeper.templates[0]?.errors).toEqual([
      'fetch https://opa.example/bundle?api_key=[REDACTED:parameter] failed with [REDACTED:gitlab-token]',
    ]);
    expect(leaky.policies.gatekeeper.constraints[0]?.violations.map((v) => v.message)).toEqual([
      'annotation aws-key holds [REDACTED:aws-access-key] and [REDACTED:aws-access-key]',
      'annotation slack holds [REDACTED:slack-token]',
    ]);
    expect(leaky.federation.kubefedClusters.map((k) => [k.apiEndpoint, k.message])).toEqual([
      [
        'https://[REDACTED:userinfo]@fed-target.example:6443',
        'probe sent authorization: token [REDACTED:authorization], got 401',
      ],
    ]);
    expect(leaky.certificates.certManager[0]?.readyMessage).toBe(
      'webhook answered [REDACTED:google-oauth-token] with\n[REDACTED:private-key]\n',
    );
    expect(leaky.federation.istioRemotes).toEqual([
      {
        secret: 'istio-remote-secret-east',
        name: 'east',
        server: 'https://east.mesh.example:6443/?access_token=[REDACTED:parameter]',
      },
    ]);
    expect(leaky.namespaces.find((n) => n.name === 'argocd')?.labels['owner-key']).toBe('[REDACTED:google-api-key]');
    expect(leaky.meta.redactions).toEqual({
      authorization: 1,
      'aws-access-key': 3,
      basic: 1,
      bearer: 1,
      'github-token': 2,
      'gitlab-token': 1,
      'google-api-key': 1,
      'google-oauth-token': 1,
      jwt: 1,
      parameter: 7,
      'private-key': 1,
      'slack-token': 1,
      userinfo: 4,
    });

    // The reports carry the redacted text (so the fields do reach them) ...
    const reportJson = readFileSync(join(out, 'report.json'), 'utf8');
    expect(reportJson).toContain('(sent Authorization: Bearer [REDACTED:bearer])');
    expect(results[2]?.stdout).toContain('[REDACTED:bearer]');
    // ... the log says that something was redacted ...
    expect(snapshot.stderr).toContain('credentials in cluster text were redacted cluster=leaky');
    // ... and no credential is anywhere.
    const everything = [allStoredText(store), allStoredText(out), ...results.flatMap((r) => [r.stdout, r.stderr])].join(
      '\n',
    );
    const found = FRAGMENTS.filter((fragment) => everything.includes(fragment));
    expect(found).toEqual([]);
  }, 120_000);
});
