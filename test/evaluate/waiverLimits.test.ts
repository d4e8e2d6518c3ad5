/**
 * Waivers have a maximum term (rules.waiverMaxTermDays, default 365 days, measured from the day of
 * the run in UTC), and a waiver whose cluster glob matches every cluster must say it is
 * fleet-wide (allClusters: true). Anything else is a configuration error naming the file and the
 * entry, every problem of the file at once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { ConfigError } from '../../src/core/errors.js';
import { readWaiversFile, waiverLimits } from '../../src/evaluate/waivers.js';
import { runCliInProcess } from '../support/cli.js';

const NOW = DateTime.fromISO('2026-11-25T23:30:00Z', { zone: 'utc' });

const entry = (fields: string) =>
  `  - rule: QUOTA-MISSING\n    reason: Batch namespace\n    owner: team-ledger\n${fields
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n`;

describe('waiver limits', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'waiver-limits-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fileWith = async (name: string, ...entries: string[]): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, `waivers:\n${entries.join('')}`);
    return file;
  };
  const problemsOf = async (file: string, maxTermDays?: number): Promise<readonly string[]> => {
    const limits = waiverLimits(NOW, maxTermDays === undefined ? null : { waiverMaxTermDays: maxTermDays });
    const error = await readWaiversFile(file, limits).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  };

  it('accepts a waiver that ends 365 days after the day of the run and rejects one a day longer', async () => {
    const ok = await fileWith('365.yaml', entry('cluster: prod-a\nexpires: 2027-11-25'));
    const long = await fileWith('366.yaml', entry('cluster: prod-a\nexpires: 2027-11-26'));

    expect((await readWaiversFile(ok, waiverLimits(NOW, null))).waivers.map((w) => w.expires)).toEqual(['2027-11-25']);
    expect(await problemsOf(long)).toEqual([
      `${long}: waivers[0].expires: 2027-11-26 is 366 days after 2026-11-25 (the day of this run, UTC), beyond the maximum term of 365 days (rules.waiverMaxTermDays): choose an earlier date and renew the waiver when it expires`,
    ]);
  });

  it('takes the maximum term from the fleet file', async () => {
    const file = await fileWith('term.yaml', entry('cluster: prod-a\nexpires: 2027-01-01'));

    expect(await problemsOf(file, 30)).toEqual([
      `${file}: waivers[0].expires: 2027-01-01 is 37 days after 2026-11-25 (the day of this run, UTC), beyond the maximum term of 30 days (rules.waiverMaxTermDays): choose an earlier date and renew the waiver when it expires`,
    ]);
  });

  it('requires allClusters: true for a glob matching every cluster, and only for such a glob', async () => {
    const file = await fileWith(
      'globs.yaml',
      entry('cluster: "*"\nexpires: 2027-01-31'),
      entry('cluster: "?*"\nexpires: 2027-01-31'),
      entry('cluster: "**"\nexpires: 2027-01-31\nallClusters: true'),
      entry('cluster: prod-*\nexpires: 2027-01-31\nallClusters: true'),
      entry('cluster: prod-*\nexpires: 2027-01-31\nallClusters: yes please'),
    );

    expect(await problemsOf(file)).toEqual([
      `${file}: waivers[0].cluster: "*" matches every cluster: a fleet-wide waiver needs allClusters: true`,
      `${file}: waivers[1].cluster: "?*" matches every cluster: a fleet-wide waiver needs allClusters: true`,
      `${file}: waivers[3].allClusters: true, but the cluster glob "prod-*" does not match every cluster: use cluster: "*" or remove allClusters`,
      `${file}: waivers[4].allClusters: expected true or false`,
    ]);
  });

  it('reads a declared fleet-wide waiver', async () => {
    const file = await fileWith('fleet-wide.yaml', entry('cluster: "*"\nexpires: 2027-01-31\nallClusters: true'));

    expect((await readWaiversFile(file, waiverLimits(NOW, null))).waivers).toEqual([
      {
        rule: 'QUOTA-MISSING',
        cluster: '*',
        reason: 'Batch namespace',
        owner: 'team-ledger',
        expires: '2027-01-31',
        allClusters: true,
      },
    ]);
  });

  it('is a configuration error of fleetledger report (exit 2), with every problem of the file at once', async () => {
    // Prepare: a fleet file with a 90-day maximum, a waivers file with three problems in two entries.
    await writeFile(join(dir, 'token'), 'unused\n');
    const fleetFile = join(dir, 'fleet.yaml');
    await writeFile(
      fleetFile,
      'clusters:\n  - name: a\n    token: { server: https://10.0.0.1:6443, tokenFile: ./token }\nrules:\n  waiverMaxTermDays: 90\n',
    );
    const waivers = await fileWith(
      'cli.yaml',
      entry('cluster: a\nexpires: 2027-06-30'),
      '  - rule: MTLS-NOT-STRICT\n    cluster: "*"\n    reason: Mesh rollout\n    expires: 2027-12-31\n',
    );

    // Act
    const result = await runCliInProcess([
      'report',
      '--store',
      join(dir, 'ledger'),
      '--fleet',
      fleetFile,
      '--waivers',
      waivers,
      '--now',
      NOW.toISO()!,
    ]);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `error: ${waivers}: waivers[0].expires: 2027-06-30 is 217 days after 2026-11-25 (the day of this run, UTC), beyond the maximum term of 90 days (rules.waiverMaxTermDays): choose an earlier date and renew the waiver when it expires`,
        `error: ${waivers}: waivers[1].owner: required`,
        `error: ${waivers}: waivers[1].expires: 2027-12-31 is 401 days after 2026-11-25 (the day of this run, UTC), beyond the maximum term of 90 days (rules.waiverMaxTermDays): choose an earlier date and renew the waiver when it expires`,
        `error: ${waivers}: waivers[1].cluster: "*" matches every cluster: a fleet-wide waiver needs allClusters: true`,
        '',
      ].join('\n'),
    );
  });
});
