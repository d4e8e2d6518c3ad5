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
