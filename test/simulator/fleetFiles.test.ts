import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { loadFleetDirectory, startSimulatedFleet } from '../../src/simulator/fleet.js';

const NOW = new Date('2026-11-25T09:00:00Z');
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fleet-files-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<string> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, text);
  return full;
}

async function problemsOf(load: Promise<unknown>): Promise<string[]> {
  try {
    await load;
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadFleetDirectory', () => {
  it('loads one cluster per sub-directory from YAML, multi-document YAML, List kinds and JSON at any depth', async () => {
    await put(
      'b/ns.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: two}\n---\n',
    );
    await put(
      'b/nested/list.yml',
      'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: three}}\n',
    );
    await put(
      'b/nested/deeper/cm.json',
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'one' } }),
    );
    await put('b/README.md', 'not an object file');
    await put('a/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: only}\n');
    const clusters = await loadFleetDirectory(root, { now: NOW });
    expect(clusters.map((c) => [c.name, c.objects.map((o) => (o['metadata'] as { name: string }).name)])).toEqual([
      ['a', ['only']],
      ['b', ['c', 'three', 'one', 'two']],
    ]);
  });

  it('resolves !now offsets against the given now', async () => {
    await put(
      'a/cert.yaml',
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: x}\nstatus:\n  notAfter: !now +5d\n  renewalTime: !now -2h\n  seen: !now\n  mixed: !now -1d12h\n',
    );
    const [cluster] = await loadFleetDirectory(root, { now: NOW });
    expect(cluster?.objects[0]?.['status']).toEqual({
      notAfter: '2026-11-30T09:00:00Z',
      renewalTime: '2026-11-25T07:00:00Z',
      seen: '2026-11-25T09:00:00Z',
      mixed: '2026-11-23T21:00:00Z',
    });
  });

  it('reads simulator.yaml as the server configuration, not as an object', async () => {
    await put('a/simulator.yaml', 'kubernetesVersion: v1.31.4\nforbidden: [secrets]\nfaults: {latencyMs: 5}\n');
    await put('a/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n');
    const [cluster] = await loadFleetDirectory(root, { now: NOW });
    expect(cluster?.config).toEqual({ kubernetesVersion: 'v1.31.4', forbidden: ['secrets'], faults: { latencyMs: 5 } });
    expect(cluster?.objects).toHaveLength(1);
  });

  it('names the file and document of every bad object', async () => {
    const file = await put(
      'a/bad.yaml',
      [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: fine}',
        'kind: Namespace\nmetadata: {name: no-api-version}',
        'apiVersion: v1\nmetadata: {name: no-kind}',
        'apiVersion: v1\nkind: Secret\nmetadata: {namespace: x}',
        'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: Not_Valid}',
        'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {}}',
      ].join('\n---\n'),
    );
    expect(await problemsOf(loadFleetDirectory(root, { now: NOW }))).toEqual([
      `${file} (document 2): missing apiVersion`,
      `${file} (document 3): missing kind`,
      `${file} (document 4): missing metadata.name`,
      `${file} (document 5): metadata.namespace "Not_Valid" is not a valid namespace name and cannot be defaulted`,
      `${file} (document 6, item 1): missing metadata.name`,
    ]);
  });

  it('names the file and document of YAML that does not parse', async () => {
    const file = await put(
      'a/broken.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\nmetadata: {name: [unclosed\n',
    );
    const problems = await problemsOf(loadFleetDirectory(root, { now: NOW }));
    expect(problems).toEqual([
      `${file} (document 2): not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 6, column 1`,
    ]);
  });

  it('names the file and key of a bad simulator.yaml, including unknown keys and bad !now offsets', async () => {
    const config = await put('a/simulator.yaml', 'faults: {latencyMs: -1, typo: true}\n');
    const objects = await put(
      'a/o.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\nstatus: {at: !now soon}\n',
    );
    const problems = await problemsOf(loadFleetDirectory(root, { now: NOW }));
    expect(problems).toEqual([
      `${objects} (document 1): not valid YAML: !now: expected an offset such as +5d, -2h or -1d12h (units s, m, h, d, w), got "soon" at line 4, column 14`,
      `${config}: faults.latencyMs: Too small: expected number to be >=0`,
      `${config}: faults: Unrecognized key: "typo"`,
    ]);
  });

  it('refuses a directory without cluster sub-directories', async () => {
    expect(await problemsOf(loadFleetDirectory(root))).toEqual([
      `--fleet-dir ${root}: no cluster sub-directories found`,
    ]);
  });

  it('names both places when two files define the same object', async () => {
    const first = await put('a/one.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: twice}\n');
    const second = await put(
      'a/two.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: twice}\n',
    );
    const clusters = await loadFleetDirectory(root, { now: NOW });
    expect(await problemsOf(startSimulatedFleet(clusters, { now: NOW }))).toEqual([
      `cluster a: ${second} (document 2): duplicate namespaces twice (first defined in ${first} (document 1))`,
    ]);
  });
});
