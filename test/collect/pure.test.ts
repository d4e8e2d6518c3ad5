import { networkPolicyFacts } from '../../src/collect/collectors/networkPolicies.js';
import { parseQuantity } from '../../src/collect/quantity.js';
import { nextRetryDelayMs, parseRetryAfterMs } from '../../src/collect/retryPolicy.js';

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['2Gi', 2 * 1024 ** 3],
    ['512Mi', 512 * 1024 ** 2],
    ['1k', 1000],
    ['10M', 10_000_000],
    ['1e3', 1000],
    ['100n', 1e-7],
  ])('parses %s as %d', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  it('returns null for text that is not a quantity', () => {
    expect(parseQuantity('lots')).toBeNull();
    expect(parseQuantity('5Xi')).toBeNull();
  });
});

describe('retry policy', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

  it('backs off exponentially, at least as long as Retry-After asks, up to the attempt limit', () => {
    expect(nextRetryDelayMs(policy, 1, null, 10_000)).toBe(100);
    expect(nextRetryDelayMs(policy, 2, null, 10_000)).toBe(200);
    expect(nextRetryDelayMs(policy, 3, 2000, 10_000)).toBe(2000);
    expect(nextRetryDelayMs(policy, 4, null, 10_000)).toBeNull();
  });

  it('gives up rather than wait past the deadline', () => {
    expect(nextRetryDelayMs(policy, 1, 5000, 3000)).toBeNull();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfterMs('2', 0)).toBe(2000);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 09:00:05 GMT', Date.parse('2026-11-25T09:00:00Z'))).toBe(5000);
    expect(parseRetryAfterMs(undefined, 0)).toBeNull();
  });
});

describe('network policy facts', () => {
  it('sees default-deny ingress in a policy selecting every pod with no ingress rule', () => {
    expect(networkPolicyFacts({ spec: { podSelector: {}, policyTypes: ['Ingress'] } })).toEqual({
      defaultDenyIngress: true,
      defaultDenyEgress: false,
      allowAllIngress: false,
      allowAllEgress: false,
    });
  });

  it('treats unset policyTypes as Ingress, plus Egress only when egress rules exist', () => {
    expect(networkPolicyFacts({ spec: { podSelector: {} } }).defaultDenyIngress).toBe(true);
    expect(
      networkPolicyFacts({ spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] } }),
    ).toEqual({
      defaultDenyIngress: true,
      defaultDenyEgress: false,
      allowAllIngress: false,
      allowAllEgress: false,
    });
  });

  it('sees an empty rule as allow-all and a pod selector as not default-deny', () => {
    expect(networkPolicyFacts({ spec: { podSelector: {}, ingress: [{}] } })).toMatchObject({
      defaultDenyIngress: false,
      allowAllIngress: true,
    });
    expect(
      networkPolicyFacts({
        spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] },
      }),
    ).toMatchObject({ defaultDenyIngress: false, defaultDenyEgress: false });
    expect(networkPolicyFacts({ spec: { podSelector: {}, policyTypes: ['Egress'] } })).toMatchObject({
      defaultDenyIngress: false,
      defaultDenyEgress: true,
    });
  });
});

describe('the per-cluster CLI line', () => {
  it('carries no control characters from cluster-supplied problems or reasons', async () => {
    const { clusterLine } = await import('../../src/cli/commands/snapshot.js');
    const written = { key: 'snapshots/cluster=evil/x.json.gz', size: 1, sha256: 'a'.repeat(64) };

    const partial = clusterLine({
      cluster: 'evil',
      status: 'partial',
      objectsRead: 3,
      elapsedMs: 1200,
      problems: ['tlsSecrets: error (GET /api/v1/secrets: HTTP 500: \u001b[31mred\u001b[0m)'],
      sections: { tlsSecrets: { state: 'error', message: 'GET /api/v1/secrets: HTTP 500: \u001b[31mred\u001b[0m' } },
      written,
    });
    const unreachable = clusterLine({
      cluster: 'gone',
      status: 'unreachable',
      objectsRead: 0,
      elapsedMs: 2000,
      problems: [],
      unreachableReason: 'GET /version: \u001b]0;title\u0007reset\u009b',
      sections: {},
      written: null,
      notStoredReason: 'key taken',
    });

    // The line tells the problems in people's words: the raw errors (and their escape codes) stay out of it.
    expect(partial).toBe(
      'evil: partial, 3 objects, 1.2s [could not list TLS Secrets (the API server answered HTTP 500)] -> snapshots/cluster=evil/x.json.gz',
    );
    expect(unreachable).toBe('gone: unreachable (could not reach the API server) 2.0s -> NOT STORED');
  });
});
