import { clusterProblemsOf, sectionProblem, unreachableSummary } from '../../src/evaluate/sectionProblems.js';
import { SECTION_NAMES } from '../../src/snapshot/schema.js';
import { allSectionsOk } from '../support/snapshotFixture.js';

const FORBIDDEN_APPLICATIONSETS =
  'GET /apis/argoproj.io/v1alpha1/applicationsets: HTTP 403: applicationsets.argoproj.io is forbidden: User "system:serviceaccount:fleetledger:fleetledger-reader" cannot list resource "applicationsets" in API group "argoproj.io" at the cluster scope';

describe('a section problem told in people words', () => {
  it('says what could not be read and why, and keeps the raw API error as the detail', () => {
    expect(sectionProblem('argocdApplicationSets', { state: 'forbidden', message: FORBIDDEN_APPLICATIONSETS })).toEqual(
      {
        section: 'argocdApplicationSets',
        state: 'forbidden',
        summary: 'cannot list ApplicationSets (forbidden for the reader role)',
        detail: FORBIDDEN_APPLICATIONSETS,
      },
    );
  });

  it('names every section with a noun of its own', () => {
    const summaries = SECTION_NAMES.map((section) => sectionProblem(section, { state: 'forbidden' })?.summary);
    expect(summaries.filter((summary) => summary === undefined)).toEqual([]);
    expect(new Set(summaries).size).toBe(SECTION_NAMES.length);
    expect(summaries.some((summary) => SECTION_NAMES.some((name) => summary?.includes(name)))).toBe(false);
    expect(sectionProblem('tlsSecrets', { state: 'forbidden' })?.summary).toBe(
      'cannot list TLS Secrets (forbidden for the reader role)',
    );
    expect(sectionProblem('istioCa', { state: 'forbidden' })?.summary).toBe(
      'cannot read Istio CA roots (forbidden for the reader role)',
    );
  });

  it('tells errors by what went wrong, not by the request', () => {
    const summary = (message: string) => sectionProblem('kyverno', { state: 'error', message })?.summary;
    expect(summary('GET /apis/wgpolicyk8s.io/v1alpha2/policyreports: HTTP 503: service unavailable')).toBe(
      'could not list Kyverno policies and reports (the API server answered HTTP 503)',
    );
    expect(summary('invalid data from the cluster, section dropped: kyverno.policies.0.name: expected string')).toBe(
      'could not list Kyverno policies and reports (the cluster sent data that is not valid)',
    );
    expect(summary('GET /apis/kyverno.io/v1/clusterpolicies: no answer within 20s')).toBe(
      'could not list Kyverno policies and reports (no answer in time)',
    );
    expect(sectionProblem('kyverno', { state: 'error' })?.summary).toBe(
      'could not list Kyverno policies and reports (an error)',
    );
  });

  it('tells a partly read section by its failed sources', () => {
    const problem = sectionProblem('istioCa', {
      state: 'partial',
      sources: [
        { source: 'istio-ca-root-cert ConfigMaps', request: 'GET /api/v1/configmaps', state: 'ok' },
        {
          source: 'cacerts Secret',
          request: 'GET /api/v1/namespaces/istio-system/secrets/cacerts',
          state: 'forbidden',
          message: 'HTTP 403: secrets "cacerts" is forbidden',
        },
      ],
    });
    expect(problem).toEqual({
      section: 'istioCa',
      state: 'partial',
      summary: 'read Istio CA roots only in part (cacerts Secret: forbidden for the reader role)',
      detail:
        'cacerts Secret: forbidden (GET /api/v1/namespaces/istio-system/secrets/cacerts: HTTP 403: secrets "cacerts" is forbidden)',
    });
    expect(sectionProblem('istioCa', { state: 'partial' })?.summary).toBe('read Istio CA roots only in part');
  });

  it('is no problem when what was not read was skipped on purpose (Secret reads off: the report states that mode apart)', () => {
    expect(sectionProblem('tlsSecrets', { state: 'skipped', message: 'defaults.readSecrets is false' })).toBeNull();
    const secret = {
      source: 'Secret istio-system/cacerts',
      request: 'GET /api/v1/namespaces/istio-system/secrets/cacerts',
    };
    expect(
      sectionProblem('istioCa', {
        state: 'partial',
        sources: [
          { source: 'ConfigMaps istio-ca-root-cert', request: 'GET /api/v1/configmaps', state: 'ok' },
          { ...secret, state: 'skipped' },
        ],
      }),
    ).toBeNull();
    // A partial section names only the sources that failed, not the ones skipped.
    expect(
      sectionProblem('istioCa', {
        state: 'partial',
        sources: [
          { ...secret, state: 'skipped' },
          { source: 'ConfigMaps istio-ca-root-cert', request: 'GET /api/v1/configmaps', state: 'forbidden' },
        ],
      })?.summary,
    ).toBe('read Istio CA roots only in part (ConfigMaps istio-ca-root-cert: forbidden for the reader role)');
  });

  it('handles a state or section it does not know without failing', () => {
    expect(sectionProblem('nodes', { state: 'throttled', message: 'slow down' })).toEqual({
      section: 'nodes',
      state: 'throttled',
      summary: 'could not fully list Nodes (state "throttled")',
      detail: 'slow down',
    });
    expect(sectionProblem('gatewayRoutes', { state: 'forbidden' })?.summary).toBe(
      'cannot read gatewayRoutes (forbidden for the reader role)',
    );
  });

  it('is no problem for a section that was read or whose API is not installed', () => {
    expect(sectionProblem('kyverno', { state: 'ok' })).toBeNull();
    expect(sectionProblem('kyverno', { state: 'absent' })).toBeNull();
  });
});

describe('an unreachable cluster told in people words', () => {
  it.each([
    ['GET /version: connect ECONNREFUSED 10.0.0.9:6443', 'could not reach the API server (connection refused)'],
    ['GET /version: getaddrinfo ENOTFOUND api.lab.example', 'could not reach the API server (host name not found)'],
    ['GET /version: no answer within 20s', 'could not reach the API server (no answer in time)'],
    ['GET /version: HTTP 401: Unauthorized (credentials rejected)', 'the API server rejected the credentials'],
    [
      'GET /version: credentials of the kubeconfig user could not be obtained',
      'no credentials for the API server could be obtained',
    ],
    [
      'GET /version: SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain',
      'could not reach the API server (its TLS certificate is not trusted)',
    ],
    ['GET /version: something nobody foresaw', 'could not reach the API server'],
    ['connect ETIMEDOUT', 'could not reach the API server (no answer in time)'],
    // fleetledger's own words on the access it was given say what to fix: kept.
    [
      'cannot load kubeconfig /etc/fleet/bad.kubeconfig: bad indentation of a mapping entry (9:39)',
      'cannot load kubeconfig /etc/fleet/bad.kubeconfig: bad indentation of a mapping entry (9:39)',
    ],
    ['the environment variable LAB_TOKEN holds no token', 'the environment variable LAB_TOKEN holds no token'],
  ])('%s', (reason, summary) => {
    expect(unreachableSummary(reason)).toBe(summary);
  });
});

describe('the problems of a cluster', () => {
  it('are its sections not (fully) read, in section order, or the one unreachable problem', () => {
    const sections = {
      ...allSectionsOk(),
      tlsSecrets: { state: 'forbidden' as const, message: 'HTTP 403' },
      argocdApplicationSets: { state: 'forbidden' as const, message: FORBIDDEN_APPLICATIONSETS },
      kyverno: { state: 'absent' as const },
    };
    expect(clusterProblemsOf({ status: 'partial', sections }).map((p) => p.summary)).toEqual([
      'cannot list TLS Secrets (forbidden for the reader role)',
      'cannot list ApplicationSets (forbidden for the reader role)',
    ]);
    expect(
      clusterProblemsOf({ status: 'unreachable', unreachableReason: 'GET /version: no answer within 20s', sections }),
    ).toEqual([
      {
        section: null,
        state: 'unreachable',
        summary: 'could not reach the API server (no answer in time)',
        detail: 'GET /version: no answer within 20s',
      },
    ]);
  });
});
