import { ConfigError } from '../../src/core/errors.js';
import { CONTINUE_TOKEN_LIFETIME_MS, ContinueTokens } from '../../src/simulator/continueTokens.js';
import { ObjectIndex } from '../../src/simulator/objectIndex.js';
import { parseLabelSelector, SelectorSyntaxError } from '../../src/simulator/selectors.js';
import { namespace, secret } from './fixtures.js';

const NOW = new Date('2026-11-25T09:00:00Z');

describe('ObjectIndex', () => {
  const index = new ObjectIndex(
    'unit',
    [
      namespace('a'),
      secret('a', 'one'),
      secret('a-b', 'two'),
      secret('a0', 'three'),
      secret('ab', 'four'),
      secret('a', 'five'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'defaulted' } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'ignored' } },
    ],
    { now: NOW },
  );
  const secrets = index.catalog.lookup('', 'v1', 'secrets')!;

  it('lists one namespace only, even when other namespace names share its prefix', () => {
    expect(index.list(secrets, { namespace: 'a' }).items.map((s) => s.key)).toEqual(['a/five', 'a/one']);
  });

  it('resumes after the last key of a page', () => {
    const first = index.list(secrets, { limit: 2 });
    expect(first.items.map((s) => s.key)).toEqual(['a-b/two', 'a/five']);
    expect(first.remainingItemCount).toBe(3);
    const rest = index.list(secrets, { afterKey: first.continueAfter! });
    expect(rest.items.map((s) => s.key)).toEqual(['a/one', 'a0/three', 'ab/four']);
    expect(rest.continueAfter).toBeUndefined();
  });

  it('gives Namespaces from files what an API server sets: the metadata.name label, the kubernetes finalizer, phase Active', () => {
    const namespaces = index.catalog.lookup('', 'v1', 'namespaces')!;
    const loaded = index.get(namespaces, undefined, 'a')!;

    expect(loaded.labels).toEqual({ 'kubernetes.io/metadata.name': 'a' });
    expect(loaded.object['spec']).toEqual({ finalizers: ['kubernetes'] });
    expect(loaded.object['status']).toEqual({ phase: 'Active' });
    expect(JSON.parse(loaded.json).status).toEqual({ phase: 'Active' });
  });

  it('keeps the phase a Namespace file gives and overrides a wrong metadata.name label, as the API server does', () => {
    const terminating = new ObjectIndex(
      'unit',
      [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'old', labels: { team: 'x', 'kubernetes.io/metadata.name': 'other' } },
          status: { phase: 'Terminating' },
        },
      ],
      { now: NOW },
    );
    const loaded = terminating.get(terminating.catalog.lookup('', 'v1', 'namespaces')!, undefined, 'old')!;

    expect(loaded.labels).toEqual({ team: 'x', 'kubernetes.io/metadata.name': 'old' });
    expect(loaded.object['status']).toEqual({ phase: 'Terminating' });
  });

  it('puts namespaced objects without a namespace in default and drops the namespace of cluster-scoped ones', () => {
    const configMaps = index.catalog.lookup('', 'v1', 'configmaps')!;
    expect(index.get(configMaps, 'default', 'defaulted')?.namespace).toBe('default');
    const node = index.get(index.catalog.lookup('', 'v1', 'nodes')!, undefined, 'n1');
    expect(node?.object['metadata']).toEqual(expect.not.objectContaining({ namespace: expect.anything() }));
    expect(node?.namespace).toBeUndefined();
  });

  it('serves built-in list items without kind and apiVersion, as typed lists do', () => {
    const item = index.list(secrets, { namespace: 'a', limit: 1 }).items[0];
    expect(JSON.parse(item?.itemJson ?? '{}')).not.toHaveProperty('kind');
    expect(JSON.parse(item?.json ?? '{}')).toMatchObject({ kind: 'Secret', apiVersion: 'v1' });
  });
});

describe('ContinueTokens', () => {
  it('accepts its own token within five minutes and refuses it after, or for another list', () => {
    let now = 1_000_000;
    const tokens = new ContinueTokens(() => now);
    const token = tokens.issue({ scope: '/secrets|', lastKey: 'a/b', resourceVersion: '7' });
    expect(tokens.verify(token, '/secrets|')).toEqual({ scope: '/secrets|', lastKey: 'a/b', resourceVersion: '7' });
    expect(tokens.verify(token, '/secrets|other')).toBeUndefined();
    now += CONTINUE_TOKEN_LIFETIME_MS + 1;
    expect(tokens.verify(token, '/secrets|')).toBeUndefined();
  });

  it('refuses a token signed by another server instance', () => {
    const token = new ContinueTokens().issue({ scope: 's', lastKey: 'k', resourceVersion: '1' });
    expect(new ContinueTokens().verify(token, 's')).toBeUndefined();
  });
});

describe('built-in APIs by Kubernetes version', () => {
  const serviceCidr = (apiVersion: string) => ({
    apiVersion,
    kind: 'ServiceCIDR',
    metadata: { name: 'kubernetes' },
    spec: { cidrs: ['10.96.0.0/16'] },
  });
  const servedAt = (index: ObjectIndex) =>
    ['v1', 'v1beta1'].filter((version) => index.catalog.lookup('networking.k8s.io', version, 'servicecidrs'));

  it('serves ServiceCIDR as networking.k8s.io/v1 from 1.33, v1beta1 in 1.31 and 1.32, and not before', () => {
    const at = (kubernetesVersion: string) => new ObjectIndex('unit', [], { now: NOW, kubernetesVersion });

    expect(servedAt(at('v1.34.2'))).toEqual(['v1']);
    expect(servedAt(at('v1.33.0'))).toEqual(['v1']);
    expect(servedAt(at('v1.32.7'))).toEqual(['v1beta1']);
    expect(servedAt(at('v1.31.4'))).toEqual(['v1beta1']);
    expect(servedAt(at('v1.30.9'))).toEqual([]);
  });

  it('loads a v1beta1 ServiceCIDR into a 1.32 cluster and refuses ServiceCIDRs the version could not hold', () => {
    const beta = new ObjectIndex('unit', [serviceCidr('networking.k8s.io/v1beta1')], {
      now: NOW,
      kubernetesVersion: 'v1.32.7',
    });
    const resource = beta.catalog.lookup('networking.k8s.io', 'v1beta1', 'servicecidrs')!;
    expect(beta.list(resource, {}).items.map((item) => item.name)).toEqual(['kubernetes']);

    const problemsOf = (apiVersion: string, kubernetesVersion: string) => {
      try {
        new ObjectIndex('unit', [serviceCidr(apiVersion)], { now: NOW, kubernetesVersion });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problemsOf('networking.k8s.io/v1', 'v1.32.7')).toEqual([
      'cluster unit: object 1: networking.k8s.io/v1 ServiceCIDR is not served by Kubernetes v1.32.7, which serves networking.k8s.io/v1beta1',
    ]);
    expect(problemsOf('networking.k8s.io/v1beta1', 'v1.30.9')).toEqual([
      'cluster unit: object 1: networking.k8s.io/v1beta1 ServiceCIDR is not served by Kubernetes v1.30.9',
    ]);
  });
});

describe('parseLabelSelector', () => {
  it('parses equality, set-based and existence requirements', () => {
    expect(parseLabelSelector('app=web,tier!=db,env in (prod, staging),zone notin (x),team,!legacy')).toEqual([
      { key: 'app', operator: 'in', values: ['web'] },
      { key: 'tier', operator: 'notin', values: ['db'] },
      { key: 'env', operator: 'in', values: ['prod', 'staging'] },
      { key: 'zone', operator: 'notin', values: ['x'] },
      { key: 'team', operator: 'exists' },
      { key: 'legacy', operator: '!exists' },
    ]);
  });

  it.each(['app in (a', 'app=(x)', '=value', 'a b'])('rejects %s', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorSyntaxError);
  });
});
