/**
 * `fleetledger check`, the CI gate over the latest stored report of a period: its verdict, its exit
 * status, and its SARIF (validated against the SARIF 2.1.0 schema) and JUnit (well-formed, every
 * cluster-supplied text escaped) outputs.
 */
import '@microsoft/jest-sarif';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parser from 'fast-xml-parser';
import { DateTime } from 'luxon';
import { judgeReport } from '../../src/check/reportGate.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { type ReportFile, reportKey } from '../../src/ledger/keys.js';
import { recordRun } from '../../src/ledger/manifest.js';
import { describeWritten, type WrittenObject } from '../../src/ledger/objects.js';
import type { ReportDocument } from '../../src/report/schema.js';
import { runCliInProcess } from '../support/cli.js';
import { makeHostileReportDocument, makeReportDocument } from '../support/reportFixture.js';

declare global {
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

const GENERATED = DateTime.fromISO('2026-11-26T09:00:00.000Z', { zone: 'utc' });

/** A ledger holding `doc` as the recorded report of its period, as `fleetledger report` leaves it. */
async function ledgerWith(doc: ReportDocument): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'check-gate-'));
  const store = new DirectoryLedgerStore(directory);
  const written: WrittenObject[] = [];
  const files: [ReportFile, string][] = [['report.json', `${JSON.stringify(doc, null, 2)}\n`]];
  for (const [file, text] of files) {
    const key = reportKey(doc.period, GENERATED, file);
    await store.put(key, Buffer.from(text), { contentType: 'application/json' });
    written.push(describeWritten(key, Buffer.from(text)));
  }
  await recordRun(store, { runAt: GENERATED, written, kind: 'report' });
  return directory;
}

describe('judgeReport', () => {
  const doc = makeReportDocument();

  it('fails on the open findings at or above --fail-on, never on waived ones', () => {
    const verdict = judgeReport(doc, { failOn: 'medium', minCompliance: null });

    expect(verdict.passed).toBe(false);
    // The waived medium QUOTA-MISSING does not count.
    expect(verdict.failing.map((finding) => finding.id)).toEqual([
      'f0000000000000a1',
      'f0000000000000b2',
      'f0000000000000c3',
      'f0000000000000d4',
    ]);
    expect(verdict.belowThreshold.map((finding) => finding.severity)).toEqual(['low', 'info']);
    expect(verdict.reasons).toEqual(['4 open finding(s) at or above medium (--fail-on medium)']);
  });

  it('fails when compliance is below --min-compliance, and when it is unknown', () => {
    expect(judgeReport(doc, { failOn: 'none', minCompliance: 0.8 }).reasons).toEqual([
      'compliance 72.4% is below the minimum 80.0%',
    ]);
    expect(
      judgeReport({ ...doc, fleet: { ...doc.fleet, compliance: null } }, { failOn: 'none', minCompliance: 0.5 })
        .reasons,
    ).toEqual(['compliance is unknown (no data for 2026-W48), below the minimum 50.0%']);
  });

  it('passes when nothing open reaches the threshold and compliance reaches the minimum', () => {
    const onlyLow = { ...doc, findings: doc.findings.filter((finding) => ['low', 'info'].includes(finding.severity)) };

    expect(judgeReport(onlyLow, { failOn: 'medium', minCompliance: 0.724 })).toMatchObject({
      passed: true,
      failing: [],
      reasons: [],
    });
  });
});

describe('fleetledger check', () => {
  let directory: string;
  let hostileDirectory: string;
  beforeAll(async () => {
    directory = await ledgerWith(makeReportDocument());
    hostileDirectory = await ledgerWith(makeHostileReportDocument());
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
    await rm(hostileDirectory, { recursive: true, force: true });
  });

  it('exits 1 and names the findings over the gate', async () => {
    const { status, stdout, stderr } = await runCliInProcess([
      'check',
      '--store',
      directory,
      '--period',
      '2026-w48',
      '--fail-on',
      'HIGH',
      '--min-compliance',
      '70',
    ]);

    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(stdout).toBe(
      [
        'check 2026-W48 (UTC): report generated at 2026-11-26T09:00:00.000Z: reports/2026-W48/2026-11-26T09-00-00.000Z/',
        '  compliance 72.4% (minimum 70.0%)',
        '  open: 1 critical, 2 high, 1 medium, 1 low, 1 info',
        '  critical CIDR-OVERLAP prod-east,prod-west PodCIDR/10.244.0.0/16: Pod range 10.244.0.0/16 of prod-east overlaps pod range 10.244.0.0/16 of prod-west',
        '  high CERT-EXPIRED prod-east Secret/payments/api-tls: Certificate CN=api.payments.example.com expired on 2026-11-20',
        '  high ARGO-OUT-OF-SYNC prod-west Application/argocd/billing: Application billing is Progressing',
        'failed: 3 open finding(s) at or above high (--fail-on high)',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 when the gate passes, and says nothing with --quiet', async () => {
    const passed = await runCliInProcess(['check', '--store', directory, '--period', '2026-W48', '--fail-on', 'none']);
    const quiet = await runCliInProcess([
      'check',
      '--quiet',
      '--store',
      directory,
      '--period',
      '2026-W48',
      '--fail-on',
      'none',
    ]);

    expect(passed.status).toBe(0);
    expect(passed.stdout.split('\n').at(-2)).toBe('passed: no open finding at or above none');
    expect(quiet).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('prints the verdict as JSON', async () => {
    const { status, stdout } = await runCliInProcess([
      'check',
      '--store',
      directory,
      '--period',
      '2026-W48',
      '--fail-on',
      'critical',
      '--min-compliance',
      '80%',
      '--format',
      'json',
    ]);

    expect(status).toBe(1);
    const verdict = JSON.parse(stdout) as Record<string, unknown> & { failing: { id: string }[] };
    expect(verdict).toMatchObject({
      period: '2026-W48',
      passed: false,
      gate: { failOn: 'critical', minCompliance: 0.8 },
      compliance: 0.724,
      reasons: [
        '1 open finding(s) at or above critical (--fail-on critical)',
        'compliance 72.4% is below the minimum 80.0%',
      ],
    });
    expect(verdict.failing.map((finding) => finding.id)).toEqual(['f0000000000000a1']);
  });

  it('prints a SARIF 2.1.0 log that the SARIF schema accepts, errors for the gate, the waiver as a suppression', async () => {
    const { status, stdout } = await runCliInProcess([
      'check',
      '--store',
      hostileDirectory,
      '--period',
      '2026-W48',
      '--fail-on',
      'high',
      '--format',
      'sarif',
    ]);

    expect(status).toBe(1);
    const log = JSON.parse(stdout) as {
      version: string;
      runs: { results: { ruleId: string; level: string; suppressions?: { kind: string }[] }[] }[];
    };
    // The validator is not a no-op: a level SARIF does not define is refused.
    expect({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }],
    }).not.toBeValidSarifLog();
    expect(log).toBeValidSarifLog();
    expect(log.version).toBe('2.1.0');
    expect(
      log.runs[0]!.results.map((result) => [result.ruleId, result.level, result.suppressions?.[0]?.kind ?? null]),
    ).toEqual([
      [expect.stringContaining('CIDR-OVERLAP'), 'error', null],
      [expect.stringContaining('CERT-EXPIRED'), 'error', null],
      [expect.stringContaining('ARGO-OUT-OF-SYNC'), 'error', null],
      [expect.stringContaining('NETPOL-NO-DEFAULT-DENY'), 'warning', null],
      [expect.stringContaining('QUOTA-MISSING'), 'warning', 'external'],
      [expect.stringContaining('LIMITRANGE-MISSING'), 'note', null],
      [expect.stringContaining('K8S-VERSION-SKEW'), 'note', null],
    ]);
  });

  it('prints well-formed JUnit XML with every cluster-supplied text escaped', async () => {
    const { status, stdout } = await runCliInProcess([
      'check',
      '--store',
      hostileDirectory,
      '--period',
      '2026-W48',
      '--fail-on',
      'high',
      '--min-compliance',
      '90',
      '--format',
      'junit',
    ]);

    expect(status).toBe(1);
    // The checker is not a no-op: an unescaped ampersand is refused.
    expect(parser.validate('<a>fish & chips</a>')).not.toBe(true);
    expect(parser.validate(stdout)).toBe(true);
    expect(stdout).not.toMatch(/<(script|img)\b/i);
    expect(stdout).toMatch(
      /^<testsuites name="fleetledger check 2026-W48" tests="7" failures="4" errors="0" time="0">$/m,
    );
    expect(stdout).toContain(
      '<testcase name="fleet compliance at least 90.0%" classname="fleetledger.gate" time="0">\n      <failure message="compliance 72.4% is below the minimum 90.0%" type="compliance">',
    );
    expect(stdout.match(/<skipped message="[a-z]+: below --fail-on high"\/>/g)).toHaveLength(3);
  });

  it('refuses a bad --fail-on or --min-compliance with exit 2 before reading the store', async () => {
    const badSeverity = await runCliInProcess(['check', '--store', '/nonexistent', '--fail-on', 'severe']);
    const badMinimum = await runCliInProcess([
      'check',
      '--store',
      '/nonexistent',
      '--fail-on',
      'high',
      '--min-compliance',
      '120',
    ]);

    expect(badSeverity).toEqual({
      status: 2,
      stdout: '',
      stderr: 'error: --fail-on: expected one of critical, high, medium, low, info, none, got "severe"\n',
    });
    expect(badMinimum).toEqual({
      status: 2,
      stdout: '',
      stderr: 'error: --min-compliance: expected a percentage from 0 to 100 (e.g. 95), got "120"\n',
    });
  });

  it('exits 1 when the period has no report', async () => {
    const { status, stderr } = await runCliInProcess([
      'check',
      '--store',
      directory,
      '--period',
      '2026-W47',
      '--fail-on',
      'high',
    ]);

    expect(status).toBe(1);
    expect(stderr).toBe(
      `error: ${directory}: no report for 2026-W47 (run fleetledger report --period 2026-W47 first)\n`,
    );
  });
});
