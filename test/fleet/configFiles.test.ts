/**
 * Every YAML input (fleet file, waivers file, kubeconfig, simulated fleet directory) goes through
 * one reader: strict UTF-8 (an invalid byte is named by its offset), the yaml package's alias limit
 * (an alias bomb is one line, exit 2, never a stack trace), no `__proto__` keys (refused, not
 * silently dropped), and every problem of a file at once.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { ConfigError } from '../../src/core/errors.js';
import { readWaiversFile, waiverLimits } from '../../src/evaluate/waivers.js';
import { fleetFromKubeconfig, loadFleetFile } from '../../src/fleet/fleetFile.js';
import { loadFleetDirectory } from '../../src/simulator/fleetFiles.js';
import { runCliInProcess } from '../support/cli.js';

/** Nine levels of nine aliases each: 9^9 strings once expanded (the "billion laughs"). */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => {
    const previous = 'abcdefghi'[i]!;
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`;
  }),
].join('\n');
const BOMB_PROBLEM = 'not valid YAML: aliases expand too far (more than 100 times), as in an alias bomb';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts: [{ name: east, context: { cluster: c, user: u } }]
current-context: east
`;

const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-files-'));
  await writeFile(join(dir, 'kubeconfig'), KUBECONFIG);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function put(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  return path;
}

async function problemsOf(action: () => unknown): Promise<readonly string[]> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const loadWaivers = async (file: string) => (await readWaiversFile(file, waiverLimits(NOW, null))).waivers;

describe('an alias bomb', () => {
  it('in the fleet file is exit 2 with one line naming the file, and nothing is written', async () => {
    const fleet = await put(
      'fleet.yaml',
      `${ALIAS_BOMB}\nclusters: [{ name: a, kubeconfig: { path: ./kubeconfig } }]\n`,
    );
    const store = join(dir, 'ledger');

    const snapshot = await runCliInProcess(['snapshot', '--fleet', fleet, '--store', store]);
    const report = await runCliInProcess(['report', '--fleet', fleet, '--store', store, '--out', join(dir, 'out')]);

    for (const result of [snapshot, report]) {
      expect(result).toEqual({ status: 2, stdout: '', stderr: `error: ${fleet}: ${BOMB_PROBLEM}\n` });
    }
    expect(await readdir(dir)).toEqual(['fleet.yaml', 'kubeconfig']);
  });

  it('in the waivers file, a kubeconfig or a simulated fleet directory is one problem naming the file', async () => {
    const waivers = await put('waivers.yaml', `${ALIAS_BOMB}\nwaivers: []\n`);
    const kubeconfig = await put('bomb.kubeconfig', `${KUBECONFIG}${ALIAS_BOMB}\n`);
    const objects = await put('fleet/a/objects.yaml', `${ALIAS_BOMB}\n`);
    const simulatorConfig = await put('fleet/a/simulator.yaml', `${ALIAS_BOMB}\n`);

    expect(await problemsOf(() => loadWaivers(waivers))).toEqual([`${waivers}: ${BOMB_PROBLEM}`]);
    expect(await problemsOf(() => fleetFromKubeconfig(kubeconfig))).toEqual([
      `--kubeconfig: cannot load ${kubeconfig}: ${BOMB_PROBLEM}`,
    ]);
    expect(await problemsOf(() => loadFleetDirectory(join(dir, 'fleet')))).toEqual([
      `${objects} (document 1): ${BOMB_PROBLEM}`,
      `${simulatorConfig}: ${BOMB_PROBLEM}`,
    ]);
  });

  it('is no problem below the limit: anchors and aliases are YAML like any other', async () => {
    const fleet = await put(
      'fleet.yaml',
      'x-labels: &prod { env: prod }\nclusters:\n  - { name: a, labels: *prod, kubeconfig: { path: ./kubeconfig } }\n',
    );

    expect(await problemsOf(() => loadFleetFile(fleet))).toEqual([`${fleet}: (top level): unknown key(s) "x-labels"`]);
  });
});

describe('invalid UTF-8', () => {
  it('is an error naming the file, the byte offset and the line, in every configuration file', async () => {
    // 0xC3 starts a two-byte sequence; "(" cannot continue it.
    const bad = (text: string) => Buffer.concat([Buffer.from(text), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const at = (text: string) => `not valid UTF-8 at byte ${Buffer.byteLength(text)} (line ${text.split('\n').length})`;
    const fleetText = 'clusters:\n  - { name: a, kubeconfig: { path: ./kubeconfig } }\n# é ';
    const waiversText = 'waivers: []\n# ';
    const kubeconfigText = `${KUBECONFIG}# `;
    const objectsText = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n# ';
    const fleet = await put('fleet.yaml', bad(fleetText));
    const waivers = await put('waivers.yaml', bad(waiversText));
    const kubeconfig = await put('bad.kubeconfig', bad(kubeconfigText));
    const objects = await put('fleet/a/ns.yaml', bad(objectsText));

    expect(await problemsOf(() => loadFleetFile(fleet))).toEqual([`${fleet}: ${at(fleetText)}`]);
    expect(at(fleetText)).toBe('not valid UTF-8 at byte 67 (line 3)');
    expect(await problemsOf(() => loadWaivers(waivers))).toEqual([`${waivers}: ${at(waiversText)}`]);
    expect(await problemsOf(() => fleetFromKubeconfig(kubeconfig))).toEqual([
      `--kubeconfig: cannot load ${kubeconfig}: ${at(kubeconfigText)}`,
    ]);
    expect(await problemsOf(() => loadFleetDirectory(join(dir, 'fleet')))).toEqual([`${objects}: ${at(objectsText)}`]);
  });
});

describe('__proto__ keys', () => {
  it('are an error wherever they appear, not silently dropped', async () => {
    const fleet = await put(
      'fleet.yaml',
      'clusters:\n  - name: a\n    labels: { __proto__: { polluted: yes }, env: prod }\n    kubeconfig: { path: ./kubeconfig }\n',
    );
    const waivers = await put('waivers.yaml', '__proto__: {}\nwaivers: []\n');
    const kubeconfig = await put('proto.kubeconfig', `${KUBECONFIG}__proto__: { current-context: west }\n`);
    const aliased = await put('aliased.yaml', 'waivers: []\nx: &key __proto__\ny: { *key : {} }\n');

    expect(await problemsOf(() => loadFleetFile(fleet))).toEqual([
      `${fleet}: "__proto__" is not allowed as a key at line 3, column 15`,
    ]);
    expect(await problemsOf(() => loadWaivers(waivers))).toEqual([
      `${waivers}: "__proto__" is not allowed as a key at line 1, column 1`,
    ]);
    expect(await problemsOf(() => fleetFromKubeconfig(kubeconfig))).toEqual([
      `--kubeconfig: cannot load ${kubeconfig}: "__proto__" is not allowed as a key at line 7, column 1`,
    ]);
    expect(await problemsOf(() => loadWaivers(aliased))).toEqual([
      `${aliased}: "__proto__" is not allowed as a key at line 3, column 6`,
    ]);
  });

  it('are refused in the CLI’s fleet file too: exit 2, one line', async () => {
    const fleet = await put('fleet.yaml', '__proto__: { clusters: [] }\nclusters: []\n');

    const result = await runCliInProcess(['evaluate', '--store', join(dir, 'ledger'), '--fleet', fleet]);

    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: `error: ${fleet}: "__proto__" is not allowed as a key at line 1, column 1\n`,
    });
  });
});

describe('a waivers file with an unknown top-level key', () => {
  it('still reports every problem of its entries at once', async () => {
    const waivers = await put(
      'waivers.yaml',
      'waiver: []\nwaivers:\n  - rule: QUOTA-MISING\n    cluster: prod-*\n    reason: fine\n    owner: team\n    expires: 2026-12-31\n',
    );

    expect(await problemsOf(() => loadWaivers(waivers))).toEqual([
      `${waivers}: (top level): Unrecognized key: "waiver"`,
      `${waivers}: waivers[0].rule: unknown rule id "QUOTA-MISING" (see fleetledger rules)`,
    ]);
  });
});
