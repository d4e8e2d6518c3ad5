/**
 * assessment-results.json: the period as an OSCAL 1.1.2 assessment-results document that NIST's
 * published schema accepts, with one observation per rule and cluster (the snapshot as evidence,
 * by ledger key and SHA-256), one finding per open finding (its fleetledger id, its rule as the
 * objective), each rule's objective defined once with its CIS, NSA/CISA and SOC 2 controls, and
 * name-based UUIDs, so the same report always renders the same document.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { findingId } from '../../src/evaluate/findingId.js';
import type { CheckTally } from '../../src/evaluate/scores.js';
import type { Waiver } from '../../src/evaluate/types.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { readManifests, recordedObjectsOf } from '../../src/ledger/manifest.js';
import { writeSnapshot } from '../../src/ledger/snapshots.js';
import { generateReport, renderReportFiles } from '../../src/report/generateReport.js';
import {
  buildAssessmentResults,
  FLEETLEDGER_OSCAL_NS,
  renderAssessmentResultsJson,
} from '../../src/report/oscal/assessmentResults.js';
import {
  ASSESSMENT_RESULTS_SCHEMA_ID,
  assertValidAssessmentResults,
  assessmentResultsProblems,
  InvalidAssessmentResultsError,
} from '../../src/report/oscal/assessmentResultsSchema.js';
import type { ReportDocument } from '../../src/report/schema.js';
import { recordStoredSnapshots } from '../support/recordedSnapshots.js';
import { makeReportDocument } from '../support/reportFixture.js';
import { evaluation, finding, namespacesNamed, reportOf, score, snapshotAt } from './fixtures.js';

const NOW = '2026-11-25T09:00:00.000Z';
const NS = FLEETLEDGER_OSCAL_NS;
const V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document of the OSCAL model
type Json = any;

const waiver: Waiver = {
  rule: 'LIMITRANGE-MISSING',
  cluster: 'prod-east',
  reason: 'batch namespace',
  owner: 'team-ledger',
  expires: '2026-12-31',
};

/**
 * prod-east: one open NETPOL-NO-DEFAULT-DENY finding (1 of 4 checks failed), QUOTA-MISSING with 2
 * of 4 checks not evaluated, LIMITRANGE-MISSING passed with a waived finding.
 */
function sampleReport(): ReportDocument {
  const checks: CheckTally[] = [
    { rule: 'QUOTA-MISSING', cluster: 'prod-east', applicable: 4, evaluated: 2, passed: 2 },
    { rule: 'LIMITRANGE-MISSING', cluster: 'prod-east', applicable: 4, evaluated: 4, passed: 4 },
    { rule: 'NETPOL-NO-DEFAULT-DENY', cluster: 'prod-east', applicable: 4, evaluated: 4, passed: 3 },
  ];
  return reportOf({
    period: '2026-W48',
    now: NOW,
    snapshots: [snapshotAt('prod-east', NOW, { namespaces: namespacesNamed('payments', 'batch', 'web', 'api') })],
    evaluation: evaluation(
      [
        finding('NETPOL-NO-DEFAULT-DENY', 'prod-east', 'Namespace/payments'),
        finding('LIMITRANGE-MISSING', 'prod-east', 'Namespace/batch', { waiver }),
      ],
      { 'prod-east': score(0.9, 0.8) },
      score(0.9, 0.8),
      [],
      checks,
    ),
    waivers: [waiver],
  }).doc;
}

const render = (doc: ReportDocument): Json =>
  JSON.parse(renderAssessmentResultsJson(doc, { reportJsonSha256: 'b'.repeat(64) }));

function allUuids(node: Json, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) allUuids(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'uuid' && typeof value === 'string') found.push(value);
      else allUuids(value, found);
    }
  }
  return found;
}

/** Python's uuid module, as an independent implementation of RFC 9562 version 5. */
function pythonUuid5(name: string): string {
  const script =
    'import sys, uuid\n' +
    "ns = uuid.uuid5(uuid.NAMESPACE_URL, 'https://fleetledger.dev/ns/oscal')\n" +
    'print(uuid.uuid5(ns, sys.stdin.read()))';
  return execFileSync('python3', ['-c', script], { input: name, encoding: 'utf-8' }).trim();
}

describe('assessment-results.json', () => {
  it('validates against the vendored NIST schema, which is byte for byte the file its README names', async () => {
    // Prepare
    const schemaDir = new URL('../../schemas/oscal/', import.meta.url);
    const bytes = await readFile(new URL('oscal_assessment-results_schema.json', schemaDir));
    const readme = await readFile(new URL('README.md', schemaDir), 'utf8');

    // Act
    const document = render(makeReportDocument());

    // Assess
    expect(readme).toContain(`SHA-256: \`${createHash('sha256').update(bytes).digest('hex')}\``);
    expect(ASSESSMENT_RESULTS_SCHEMA_ID).toBe('http://csrc.nist.gov/ns/oscal/1.0.6/oscal-ar-schema.json');
    expect(assessmentResultsProblems(document)).toEqual([]);
    const ar = document['assessment-results'];
    expect(ar.metadata).toMatchObject({
      title: 'fleetledger assessment results: 2026-W48',
      'last-modified': '2026-11-26T09:00:00.000Z',
      version: '2026-11-26T09:00:00.000Z',
      'oscal-version': '1.1.2',
    });
    expect(ar.results).toHaveLength(1);
    const result = ar.results[0];
    expect([result.start, result.end]).toEqual(['2026-11-23T00:00:00.000Z', '2026-11-26T09:00:00.000Z']);
    // Open findings only: the fixture's one waived finding is no OSCAL finding.
    const doc = makeReportDocument();
    expect(result.findings.map((f: Json) => f.props[0].value)).toEqual(
      doc.findings.filter((f) => f.status === 'open').map((f) => f.id),
    );
  });

  it('rejects a document the schema does not allow, naming where: a programmer error', () => {
    // Prepare
    const document = render(makeReportDocument());
    const result = document['assessment-results'].results[0];
    result.findings[0].props[0].value = 'two\nlines';
    delete result.start;
    result.findings[0].target['target-id'] = '5.3.2';

    // Act
    const act = () => assertValidAssessmentResults(document);

    // Assess
    expect(act).toThrow(InvalidAssessmentResultsError);
    expect(act).toThrow(/^programmer error: assessment-results\.json does not validate/);
    const problems = assessmentResultsProblems(document);
    expect(problems).toContain(
      '/assessment-results/results/0: must have required property \'start\' {"missingProperty":"start"}',
    );
    expect(problems).toContain(
      '/assessment-results/results/0/findings/0/props/0/value: must match pattern "^\\S(.*\\S)?$" {"pattern":"^\\\\S(.*\\\\S)?$"}',
    );
    expect(
      problems.some((p) =>
        p.startsWith('/assessment-results/results/0/findings/0/target/target-id: must match pattern'),
      ),
    ).toBe(true);
  });

  it('maps an open finding exactly: its id, its rule as the objective, the rule’s controls, its observation and evidence', () => {
    // Prepare
    const doc = sampleReport();
    const open = doc.findings.find((f) => f.status === 'open')!;
    expect(open.id).toBe(findingId('NETPOL-NO-DEFAULT-DENY', ['prod-east'], 'Namespace/payments'));

    // Act
    const result = render(doc)['assessment-results'].results[0];
    const backMatter = render(doc)['assessment-results']['back-matter'].resources;

    // Assess: the finding.
    expect(result.findings).toHaveLength(1);
    const oscalFinding = result.findings[0];
    expect(oscalFinding.uuid).toMatch(V5);
    expect(oscalFinding.title).toBe('NETPOL-NO-DEFAULT-DENY: Namespace/payments');
    expect(oscalFinding.description).toBe('NETPOL-NO-DEFAULT-DENY on prod-east Namespace/payments');
    expect(oscalFinding.props).toEqual([
      { name: 'finding-id', ns: NS, value: open.id },
      { name: 'rule', ns: NS, value: 'NETPOL-NO-DEFAULT-DENY' },
      { name: 'severity', ns: NS, value: 'medium' },
      { name: 'cluster', ns: NS, value: 'prod-east' },
      { name: 'resource', ns: NS, value: 'Namespace/payments' },
      { name: 'area', ns: NS, value: 'network' },
      { name: 'first-seen', ns: NS, value: NOW },
      { name: 'age-days', ns: NS, value: '0' },
      { name: 'trend', ns: NS, value: 'new' },
    ]);
    // The rule's controls and fix are the objective's, defined once however many findings it has.
    expect(oscalFinding.target).toEqual({
      type: 'objective-id',
      'target-id': 'NETPOL-NO-DEFAULT-DENY',
      title: 'Namespace without a default-deny ingress NetworkPolicy',
      status: { state: 'not-satisfied', reason: 'fail' },
    });
    expect(oscalFinding.remarks).toBeUndefined();
    expect(oscalFinding.origins).toEqual([
      { actors: [{ type: 'tool', 'actor-uuid': result['local-definitions']['assessment-assets'].components[0].uuid }] },
    ]);

    // Assess: the objective it targets, with the rule's controls and fix.
    const objectives = render(doc)['assessment-results']['local-definitions']['objectives-and-methods'];
    const objective = objectives.find((o: Json) => o.parts[0].id === oscalFinding.target['target-id']);
    expect(objective['control-id']).toBe('NETPOL-NO-DEFAULT-DENY');
    expect(objective.description).toBe('Namespace without a default-deny ingress NetworkPolicy');
    expect(objective.props).toEqual([
      {
        name: 'mapped-control',
        ns: NS,
        class: 'cis-kubernetes',
        value: 'cis-kubernetes-5.3.2',
        remarks: 'CIS Kubernetes Benchmark 5.3.2 (all Namespaces have Network Policies defined)',
      },
      {
        name: 'mapped-control',
        ns: NS,
        class: 'nsa-cisa-kubernetes',
        value: 'nsa-cisa-network-separation-and-hardening-network-policies',
        remarks: 'Network separation and hardening: Network policies',
      },
      { name: 'mapped-control', ns: NS, class: 'soc2', value: 'soc2-cc6.1', remarks: 'CC6.1' },
      { name: 'mapped-control', ns: NS, class: 'soc2', value: 'soc2-cc6.6', remarks: 'CC6.6' },
    ]);
    expect(objective.parts[0].name).toBe('objective');
    expect(objective.parts[0].title).toBe('Namespace without a default-deny ingress NetworkPolicy');
    expect(objective.remarks).toMatch(/^Fix: Add a NetworkPolicy with an empty podSelector/);

    // Assess: its observation, with the snapshot as evidence.
    expect(oscalFinding['related-observations']).toHaveLength(1);
    const observation = result.observations.find(
      (o: Json) => o.uuid === oscalFinding['related-observations'][0]['observation-uuid'],
    );
    expect(observation.title).toBe('NETPOL-NO-DEFAULT-DENY on prod-east');
    expect(observation.props).toEqual([
      { name: 'rule', ns: NS, value: 'NETPOL-NO-DEFAULT-DENY' },
      { name: 'cluster', ns: NS, value: 'prod-east' },
      { name: 'result', ns: NS, value: 'fail' },
      { name: 'checks-applicable', ns: NS, value: '4' },
      { name: 'checks-evaluated', ns: NS, value: '4' },
      { name: 'checks-passed', ns: NS, value: '3' },
      { name: 'open-findings', ns: NS, value: '1' },
    ]);
    expect(observation.methods).toEqual(['EXAMINE']);
    expect(observation.collected).toBe(NOW);
    const cluster = result['local-definitions'].components.find((c: Json) => c.title === 'prod-east');
    expect(observation.subjects).toEqual([{ 'subject-uuid': cluster.uuid, type: 'component', title: 'prod-east' }]);
    const snapshot = doc.evidence[0]!;
    expect(observation['relevant-evidence']).toEqual([
      {
        href: expect.stringMatching(/^#/),
        description: `Snapshot of prod-east collected at ${NOW}, SHA-256 ${'a'.repeat(64)}.`,
        props: [
          { name: 'ledger-key', ns: NS, value: snapshot.key },
          { name: 'sha256', ns: NS, value: 'a'.repeat(64) },
        ],
      },
    ]);
    const resource = backMatter.find((r: Json) => `#${r.uuid}` === observation['relevant-evidence'][0].href);
    expect(resource.rlinks).toEqual([
      {
        href: `../../../${snapshot.key}`,
        'media-type': 'application/gzip',
        hashes: [{ algorithm: 'SHA-256', value: 'a'.repeat(64) }],
      },
    ]);
  });

  it('defines each rule’s objective once, however many open findings it has, and writes the document on one line', () => {
    // Prepare: 3 namespaces without a default-deny policy, the same rule three times.
    const doc = reportOf({
      period: '2026-W48',
      now: NOW,
      snapshots: [snapshotAt('prod-east', NOW, { namespaces: namespacesNamed('a', 'b', 'c') })],
      evaluation: evaluation(
        ['a', 'b', 'c'].map((ns) => finding('NETPOL-NO-DEFAULT-DENY', 'prod-east', `Namespace/${ns}`)),
        { 'prod-east': score(0.5, 1) },
        score(0.5, 1),
      ),
    }).doc;

    // Act
    const text = renderAssessmentResultsJson(doc, { reportJsonSha256: 'b'.repeat(64) });
    const document = JSON.parse(text);

    // Assess
    expect(text.indexOf('\n')).toBe(text.length - 1);
    expect(assessmentResultsProblems(document)).toEqual([]);
    const findings = document['assessment-results'].results[0].findings;
    expect(findings.map((f: Json) => [f.props[0].value, f.target['target-id'], f.target.props])).toEqual(
      doc.findings.map((f) => [f.id, 'NETPOL-NO-DEFAULT-DENY', undefined]),
    );
    const objectives = document['assessment-results']['local-definitions']['objectives-and-methods'];
    expect(objectives.filter((o: Json) => o['control-id'] === 'NETPOL-NO-DEFAULT-DENY')).toHaveLength(1);
    const reviewed = document['assessment-results'].results[0]['reviewed-controls'];
    expect(objectives.map((o: Json) => o.parts[0].id)).toEqual(
      reviewed['control-objective-selections'][0]['include-objectives'].map((o: Json) => o['objective-id']),
    );
  });

  it('observes every rule and cluster with checks: passed with its waived finding, not evaluated, failed', () => {
    // Act
    const result = render(sampleReport())['assessment-results'].results[0];

    // Assess
    const summary = result.observations.map((o: Json) => [
      o.title,
      o.props.find((p: Json) => p.name === 'result').value,
      o.props.filter((p: Json) => p.name === 'waived-finding-id').map((p: Json) => p.value),
      o.types,
    ]);
    expect(summary).toEqual([
      ['QUOTA-MISSING on prod-east', 'not-evaluated', [], ['control-objective']],
      [
        'LIMITRANGE-MISSING on prod-east',
        'pass',
        [findingId('LIMITRANGE-MISSING', ['prod-east'], 'Namespace/batch')],
        ['control-objective'],
      ],
      ['NETPOL-NO-DEFAULT-DENY on prod-east', 'fail', [], ['control-objective', 'finding']],
    ]);
    expect(result.observations[0].description).toBe(
      'Namespace without a ResourceQuota. 4 checks on prod-east: 2 evaluated, 2 passed, 2 not evaluated (the data was not collected); 0 open findings, 0 waived. Result: not-evaluated.',
    );
  });

  it('reviews the controls of every rule that ran, by framework, and the rules as objectives', () => {
    // Act
    const reviewed = render(sampleReport())['assessment-results'].results[0]['reviewed-controls'];

    // Assess
    const selections = reviewed['control-selections'];
    expect(selections.map((s: Json) => s.props[0].value)).toEqual(['cis-kubernetes', 'nsa-cisa-kubernetes', 'soc2']);
    expect(selections[0]['include-controls']).toEqual([
      { 'control-id': 'cis-kubernetes-5.2.1' },
      { 'control-id': 'cis-kubernetes-5.3.2' },
    ]);
    expect(selections[2]['include-controls'].map((c: Json) => c['control-id'])).toContain('soc2-cc6.1');
    const objectives = reviewed['control-objective-selections'][0]['include-objectives'].map(
      (o: Json) => o['objective-id'],
    );
    expect(objectives).toContain('NETPOL-NO-DEFAULT-DENY');
    expect(objectives).toContain('SNAPSHOT-MISSING');
  });

  it('renders the same report to the same bytes, with version 5 UUIDs derived as documented', () => {
    // Act
    const first = renderAssessmentResultsJson(sampleReport(), { reportJsonSha256: 'b'.repeat(64) });
    const second = renderAssessmentResultsJson(sampleReport(), { reportJsonSha256: 'b'.repeat(64) });

    // Assess
    expect(second).toBe(first);
    const uuids = allUuids(JSON.parse(first));
    expect(uuids.every((u) => V5.test(u))).toBe(true);
    expect(new Set(uuids).size).toBe(uuids.length);
    const ar = JSON.parse(first)['assessment-results'];
    expect(ar.results[0].uuid).toBe(pythonUuid5('/ledger\u0000result\u00002026-W48'));
    expect(ar.uuid).toBe(pythonUuid5(`/ledger\u0000assessment-results\u00002026-W48\u0000${NOW}`));
  });

  it('keeps a cluster’s and a rule’s UUIDs from one period to the next, and gives each period its own result', () => {
    // Prepare
    const later = '2026-12-02T09:00:00.000Z';
    const week49 = reportOf({
      period: '2026-W49',
      now: later,
      snapshots: [snapshotAt('prod-east', later)],
      evaluation: evaluation([], { 'prod-east': score(1, 1) }),
    }).doc;

    // Act
    const a = render(sampleReport())['assessment-results'].results[0];
    const b = render(week49)['assessment-results'].results[0];

    // Assess
    const clusterUuid = (r: Json) => r['local-definitions'].components.find((c: Json) => c.title === 'prod-east').uuid;
    expect(clusterUuid(b)).toBe(clusterUuid(a));
    expect(b.uuid).not.toBe(a.uuid);
  });

  it('keeps text a cluster wrote on one line in props and shows it as written, never as markup', () => {
    // Prepare
    const doc = makeReportDocument();
    const target = doc.findings.find((f) => f.status === 'open')!;
    target.message = '\u001b[31msee [here](http://evil.example) <img src=x onerror=alert(1)>\n*now*';
    target.resource = ' Namespace/pay\nments\u0007 ';

    // Act
    const result = render(doc)['assessment-results'].results[0];

    // Assess
    const oscalFinding = result.findings.find((f: Json) => f.props[0].value === target.id);
    expect(oscalFinding.description).toBe(
      '\\[31msee \\[here\\](http://evil.example) \\<img src=x onerror=alert(1)\\>\n\\*now\\*',
    );
    expect(oscalFinding.props.find((p: Json) => p.name === 'resource').value).toBe('Namespace/pay ments');
  });

  it('says so when the period has no data: no observations, no findings, no scores', () => {
    // Prepare
    const doc = makeReportDocument();
    doc.noData = true;
    doc.findings = [];
    doc.evidence = [];
    doc.checks = [];
    doc.fleet.compliance = null;
    doc.fleet.coverage = null;

    // Act
    const document = render(doc);

    // Assess
    expect(assessmentResultsProblems(document)).toEqual([]);
    const result = document['assessment-results'].results[0];
    expect(result.observations).toBeUndefined();
    expect(result.findings).toBeUndefined();
    expect(result.props.map((p: Json) => [p.name, p.value])).toEqual([
      ['period', '2026-W48'],
      ['time-zone', 'UTC'],
      ['no-data', 'true'],
    ]);
    expect(result.remarks).toMatch(/^No data: every score is unknown/);
  });

  it('ends the result at the period’s end once the period is over', () => {
    // Prepare
    const doc = makeReportDocument();
    doc.generatedAt = '2026-12-03T10:00:00.000Z';

    // Act
    const result = buildAssessmentResults(doc, { reportJsonSha256: 'b'.repeat(64) })['assessment-results'] as Json;

    // Assess
    expect([result.results[0].start, result.results[0].end]).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
  });

  it('is rendered with the other report files, linking report.json by the SHA-256 of its bytes', () => {
    // Act
    const files = renderReportFiles(sampleReport());

    // Assess
    const ar = JSON.parse(files['assessment-results.json'])['assessment-results'];
    const plan = ar['back-matter'].resources.find((r: Json) => `#${r.uuid}` === ar['import-ap'].href);
    expect(plan.rlinks).toEqual([
      {
        href: 'report.json',
        'media-type': 'application/json',
        hashes: [{ algorithm: 'SHA-256', value: createHash('sha256').update(files['report.json']).digest('hex') }],
      },
    ]);
  });
});

describe('generateReport and assessment-results.json', () => {
  let root: string;
  let out: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'oscal-ledger-'));
    out = await mkdtemp(join(tmpdir(), 'oscal-out-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('stores it beside report.json and in --out; its links from the stored place reach each snapshot, whose bytes match', async () => {
    // Prepare
    const store = new DirectoryLedgerStore(root);
    for (const cluster of ['a', 'b']) {
      await writeSnapshot(
        store,
        snapshotAt(cluster, '2026-11-25T08:00:00.000Z', { namespaces: namespacesNamed('web') }),
      );
    }
    await recordStoredSnapshots(store);
    const now = DateTime.fromISO(NOW, { zone: 'utc' });

    // Act
    const generated = await generateReport({ store, period: '2026-W48', now, out });

    // Assess
    const key = 'reports/2026-W48/2026-11-25T09-00-00.000Z/assessment-results.json';
    expect(generated.writtenKeys).toContain(key);
    expect((await readdir(out)).sort()).toContain('assessment-results.json');
    const stored = await readFile(join(root, ...key.split('/')), 'utf8');
    expect(await readFile(join(out, 'assessment-results.json'), 'utf8')).toBe(stored);
    const recorded = recordedObjectsOf((await readManifests(store)).manifests);
    expect(recorded.get(key)?.sha256).toBe(createHash('sha256').update(stored).digest('hex'));
    const ar = JSON.parse(stored)['assessment-results'];
    expect(assessmentResultsProblems(JSON.parse(stored))).toEqual([]);
    const snapshots = ar['back-matter'].resources.filter((r: Json) => r.rlinks[0]['media-type'] === 'application/gzip');
    expect(snapshots).toHaveLength(2);
    for (const resource of snapshots) {
      const file = resolve(dirname(join(root, ...key.split('/'))), ...resource.rlinks[0].href.split('/'));
      const bytes = await readFile(file);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(resource.rlinks[0].hashes[0].value);
    }
    // Every open finding of the report, by id.
    const openIds = generated.doc.findings.filter((f) => f.status === 'open').map((f) => f.id);
    expect(openIds.length).toBeGreaterThan(0);
    expect(ar.results[0].findings.map((f: Json) => f.props[0].value)).toEqual(openIds);
    expect(ar.results[0].observations.length).toBe(generated.doc.checks?.length);
  });
});
