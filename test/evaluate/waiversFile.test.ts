import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { ConfigError } from '../../src/core/errors.js';
import { readWaiversFile, waiverLimits } from '../../src/evaluate/waivers.js';

const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });
const loadWaivers = async (file: string) => (await readWaiversFile(file, waiverLimits(NOW, null))).waivers;

describe('readWaiversFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetledger-waivers-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fileWith = async (name: string, text: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('reads valid waivers, dates as YYYY-MM-DD strings', async () => {
    const file = await fileWith(
      'ok.yaml',
      `waivers:
  - rule: QUOTA-MISSING
    cluster: prod-*
    resource: Namespace/ledger
    reason: Batch namespace, quota enforced by the scheduler
    owner: team-ledger
    expires: 2026-12-31
`,
    );
    expect(await loadWaivers(file)).toEqual([
      {
        rule: 'QUOTA-MISSING',
        cluster: 'prod-*',
        resource: 'Namespace/ledger',
        reason: 'Batch namespace, quota enforced by the scheduler',
        owner: 'team-ledger',
        expires: '2026-12-31',
      },
    ]);
  });

  it('reports every problem at once, naming the entry and the key', async () => {
    const file = await fileWith(
      'bad.yaml',
      `waivers:
  - rule: QUOTA-MISSING
    cluster: prod-*
    reason: fine
    owner: team-ledger
    expires: 2026-12-31
  - rule: QUOTA-MISING
    cluster: prod-*
    reason: ""
    expires: 2026-02-30
    approvedBy: someone
`,
    );
    const error = await loadWaivers(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `${file}: waivers[1].rule: unknown rule id "QUOTA-MISING" (see fleetledger rules)`,
      `${file}: waivers[1].reason: required`,
      `${file}: waivers[1].owner: required`,
      `${file}: waivers[1].expires: expected a date YYYY-MM-DD`,
      `${file}: waivers[1]: Unrecognized key: "approvedBy"`,
    ]);
  });

  it('rejects a file that is not a waivers list', async () => {
    const file = await fileWith('list.yaml', '- rule: QUOTA-MISSING\n');
    await expect(loadWaivers(file)).rejects.toThrow(`${file}: (top level): expected a mapping with a waivers: list`);
  });

  it('reports each YAML syntax error on one line, without the source snippet', async () => {
    const file = await fileWith('broken.yaml', 'waivers:\n  - rule: QUOTA-MISSING\n    owner: SNIPPET-TEXT: : [\n');
    const error = await loadWaivers(file).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `${file}: not valid YAML: Nested mappings are not allowed in compact mappings at line 3, column 12`,
      `${file}: not valid YAML: Nested mappings are not allowed in compact mappings at line 3, column 26`,
      `${file}: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 4, column 1`,
    ]);
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadWaivers(join(dir, 'nope.yaml'))).rejects.toThrow(/^--waivers: cannot read .*nope\.yaml/);
  });
});
