/**
 * `fleetledger metrics`: the latest stored report as Prometheus metrics, read back by a real
 * exposition-format parser (parse-prometheus-text-format) and checked by `promtool check metrics`,
 * the linter Prometheus ships; label values carrying hostile cluster text survive the round trip.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import parse, { type ParsedMetricFamily } from 'parse-prometheus-text-format';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { reportKey } from '../../src/ledger/keys.js';
import { recordRun } from '../../src/ledger/manifest.js';
import { describeWritten } from '../../src/ledger/objects.js';
import { prometheusText } from '../../src/metrics/prometheusText.js';
import type { ReportDocument } from '../../src/report/schema.js';
import { runCliInProcess } from '../support/cli.js';
import { makeHostileReportDocument, makeReportDocument } from '../support/reportFixture.js';
import { describeWithTool, findExecutable } from '../support/requiredTool.js';

type ParsedFamily = ParsedMetricFamily;

const GENERATED = DateTime.fromISO('2026-11-26T09:00:00.000Z', { zone: 'utc' });

async function ledgerWith(doc: ReportDocument): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'metrics-'));
  const store = new DirectoryLedgerStore(directory);
  const key = reportKey(doc.period, GENERATED, 'report.json');
  const body = Buffer.from(JSON.stringify(doc));
  await store.put(key, body, { contentType: 'application/json' });
  await recordRun(store, { runAt: GENERATED, written: [describeWritten(key, body)], kind: 'report' });
  return directory;
}

const value = (families: ParsedFamily[], name: string, labels: Record<string, string> = {}) =>
  families
    .find((family) => family.name === name)
    ?.metrics.find((metric) => Object.entries(labels).every(([k, v]) => metric.labels?.[k] === v))?.value;

describe('fleetledger metrics', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await ledgerWith(makeReportDocument());
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('prints scores, cluster status, findings and certificate expiry that a Prometheus parser reads back', async () => {
    const { status, stdout } = await runCliInProcess(['metrics', '--store', directory, '--period', '2026-w48']);

    expect(status).toBe(0);
    const families = parse(stdout);
    expect(value(families, 'fleetledger_fleet_compliance_ratio')).toBe('0.724');
    expect(value(families, 'fleetledger_cluster_compliance_ratio', { cluster: 'prod-west' })).toBe('0.62');
    expect(value(families, 'fleetledger_cluster_status', { cluster: 'prod-west', status: 'partial' })).toBe('1');
    expect(value(families, 'fleetledger_open_findings_by_severity', { severity: 'high' })).toBe('2');
    expect(
      value(families, 'fleetledger_findings', {
        cluster: 'prod-west',
        rule: 'QUOTA-MISSING',
        severity: 'medium',
        status: 'waived',
      }),
    ).toBe('1');
    // A finding about two clusters counts on each.
    expect(value(families, 'fleetledger_findings', { cluster: 'prod-east', rule: 'CIDR-OVERLAP' })).toBe('1');
    expect(value(families, 'fleetledger_findings', { cluster: 'prod-west', rule: 'CIDR-OVERLAP' })).toBe('1');
    expect(value(families, 'fleetledger_report_generated_timestamp_seconds')).toBe(
      String(Date.parse(makeReportDocument().generatedAt) / 1000),
    );
    const certificates = families.find((family) => family.name === 'fleetledger_certificate_expiry_timestamp_seconds')!;
    const expected = makeReportDocument().clusters.flatMap((cluster) => cluster.facts?.certificates ?? []);
    expect(certificates.metrics.map((metric) => Number(metric.value)).sort()).toEqual(
      expected.map((certificate) => Date.parse(certificate.notAfter) / 1000).sort(),
    );
  });

  it('follows the naming rules: fleetledger_ prefix, snake_case, base units, gauges without _total, HELP on each', () => {
    const families = parse(prometheusText(makeReportDocument()));

    expect(families.length).toBeGreaterThan(10);
    for (const family of families) {
      expect(family.name).toMatch(/^fleetledger_[a-z][a-z0-9_]*[a-z0-9]$/);
      expect(family.type).toBe('GAUGE');
      expect(family.name).not.toMatch(/_total$|_(milli|micro)?seconds?_|_percent/);
      expect(family.help.length).toBeGreaterThan(10);
      if (family.name.endsWith('_ratio')) {
        for (const metric of family.metrics) expect(Number(metric.value)).toBeGreaterThanOrEqual(0);
        for (const metric of family.metrics) expect(Number(metric.value)).toBeLessThanOrEqual(1);
      }
      for (const metric of family.metrics) {
        for (const label of Object.keys(metric.labels ?? {})) expect(label).toMatch(/^[a-z][a-z0-9_]*$/);
      }
    }
  });

  it('escapes label values: hostile cluster text reads back exactly', () => {
    const doc = makeHostileReportDocument();
    const families = parse(prometheusText(doc));

    const names = families
      .find((family) => family.name === 'fleetledger_cluster_compliance_ratio')!
      .metrics.map((metric) => metric.labels?.['cluster']);
    expect(names).toEqual(doc.clusters.map((cluster) => cluster.name));
    expect(prometheusText({ ...doc, period: 'a"b\\c\nd' })).toContain('period="a\\"b\\\\c\\nd"');
  });

  it('leaves out scores the report does not know instead of exporting 0', () => {
    const doc = makeReportDocument();
    const text = prometheusText({ ...doc, noData: true, fleet: { ...doc.fleet, compliance: null, coverage: null } });

    expect(text).not.toMatch(/^fleetledger_fleet_compliance_ratio /m);
    expect(text).toContain('# TYPE fleetledger_fleet_compliance_ratio gauge\n# HELP fleetledger_fleet_coverage_ratio');
  });

  it('writes the file a textfile collector reads with --out, leaving no temporary file', async () => {
    const out = await mkdtemp(join(tmpdir(), 'textfile-'));

    const { status, stdout } = await runCliInProcess([
      'metrics',
      '--store',
      directory,
      '--period',
      '2026-W48',
      '--out',
      join(out, 'fleetledger.prom'),
    ]);

    expect(status).toBe(0);
    expect(stdout).toBe('');
    expect(await readdir(out)).toEqual(['fleetledger.prom']);
    expect(await readFile(join(out, 'fleetledger.prom'), 'utf8')).toBe(prometheusText(makeReportDocument()));
  });

  it('exits 1 when the period has no report', async () => {
    const { status, stderr } = await runCliInProcess(['metrics', '--store', directory, '--period', '2026-W40']);

    expect(status).toBe(1);
    expect(stderr).toBe(
      `error: ${directory}: no report for 2026-W40 (run fleetledger report --period 2026-W40 first)\n`,
    );
  });
});

const PROMTOOL = findExecutable('promtool', [process.env['PROMTOOL']]);
// .ci/run installs Debian's prometheus package (it ships promtool) when promtool is missing.
describeWithTool({ name: 'promtool', path: PROMTOOL, install: 'apt-get install -y prometheus' })(
  'promtool check metrics',
  () => {
    const check = (text: string) =>
      new Promise<{ code: number; output: string }>((resolve) => {
        const child = execFile(PROMTOOL!, ['check', 'metrics'], (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
        });
        child.stdin!.end(text);
      });

    it('finds nothing to complain about, hostile text included', async () => {
      expect(await check(prometheusText(makeReportDocument()))).toEqual({ code: 0, output: '' });
      expect(await check(prometheusText(makeHostileReportDocument()))).toEqual({ code: 0, output: '' });
    });

    it('is not a no-op: it complains about a counter without _total', async () => {
      const result = await check('# HELP x_requests Requests.\n# TYPE x_requests counter\nx_requests 1\n');
      expect(result.output).toContain('counter metrics should have "_total" suffix');
    });
  },
);

describe('the example Grafana dashboard', () => {
  it('queries only metrics that fleetledger metrics exports', async () => {
    const dashboard = JSON.parse(
      await readFile(new URL('../../examples/grafana/fleetledger-dashboard.json', import.meta.url), 'utf8'),
    ) as { panels: { title: string; targets: { expr: string }[] }[]; templating: { list: { query: unknown }[] } };
    const exported = new Set(parse(prometheusText(makeReportDocument())).map((family) => family.name));
    const queries = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
      ...dashboard.templating.list.flatMap((variable) => (typeof variable.query === 'string' ? [variable.query] : [])),
    ];

    const used = queries.flatMap((query) => query.match(/\bfleetledger_[a-z0-9_]+/g) ?? []);
    expect(used.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });
});
