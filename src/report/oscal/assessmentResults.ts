/**
 * `assessment-results.json`: the report of one period as a NIST OSCAL assessment-results document
 * (OSCAL 1.1.2, JSON), for GRC tools and auditors who take OSCAL. Rendered from report.json alone,
 * like every other report file, and validated against NIST's schema before anything is stored.
 *
 * How fleetledger's report maps onto the model:
 * - one `result` per period: start = the period's start; end = its end, or the instant the report
 *   was generated if the period was not over yet (no evidence after that instant is in it);
 * - the clusters (and the fleet as a whole) are components in the result's local definitions, and
 *   fleetledger itself is the tool of its assessment assets, the actor of every origin;
 * - one `observation` per rule and cluster (and per rule fleet-wide, for checks about a group of
 *   clusters), from report.json `checks`: how many checks applied, were evaluated and passed, with
 *   the cluster's snapshot as relevant evidence (ledger key and SHA-256);
 * - one `finding` per open finding, carrying its fleetledger finding id (a prop, stable week to
 *   week). Its target is the rule, as the control objective assessed (`objective-id`); waived
 *   findings are accepted risks, not findings: the observations list them;
 * - each rule that ran (and any other rule of an open finding) is a control objective, defined once
 *   in the document's `local-definitions` (`objectives-and-methods`): its title, rationale, the
 *   controls it maps to (CIS, NSA/CISA, SOC 2) as props, and its fix. What belongs to the rule is
 *   written there once, not in each finding: a cluster with 20,000 namespaces has 60,000 findings;
 * - `reviewed-controls` names the mapped controls of every rule that ran, by framework, and the
 *   rules as the control objectives;
 * - `import-ap`: fleetledger writes no separate OSCAL assessment plan. Its plan is the rule catalog
 *   of the version that ran plus the configuration recorded in report.json; import-ap points at a
 *   back-matter resource that says so and links report.json with its SHA-256;
 * - back-matter holds that resource and one resource per snapshot, whose link leads from the
 *   document's place in the ledger to the snapshot and carries its SHA-256.
 *
 * UUIDs are version 5, derived from the ledger location and stable names (period, rule, cluster,
 * finding id, evidence key): the same report renders the same document, and a cluster or rule keeps
 * its UUID across periods. Text a cluster wrote goes into markup fields escaped, and into props on
 * one line, as the schema's string type wants.
 */
import { DateTime } from 'luxon';
import { isoUtc } from '../../core/clock.js';
import { withoutControlCharacters, withoutTerminalControls } from '../../core/text.js';
import { ruleById, ruleCatalog } from '../../evaluate/catalog.js';
import { reportKey } from '../../ledger/keys.js';
import { JsonItems, jsonPieces } from '../jsonPieces.js';
import type { ReportCluster, ReportDocument, ReportFinding, RuleChecks } from '../schema.js';
import { assertValidAssessmentResults, validatedFindings } from './assessmentResultsSchema.js';
import { CONTROL_FRAMEWORKS, isOscalToken, type MappedControl, mappedControls } from './mappedControls.js';
import { URL_NAMESPACE, uuidV5 } from './nameBasedUuid.js';

/** The OSCAL model version the documents conform to (see schemas/oscal/README.md). */
export const OSCAL_VERSION = '1.1.2';

/** The namespace of fleetledger's own props (OSCAL props without `ns` are OSCAL's). */
export const FLEETLEDGER_OSCAL_NS = 'https://fleetledger.dev/ns/oscal';

/** The namespace of every UUID fleetledger derives. */
const UUID_NAMESPACE = uuidV5(URL_NAMESPACE, FLEETLEDGER_OSCAL_NS);

export const ASSESSMENT_RESULTS_FILE = 'assessment-results.json';

interface Property {
  name: string;
  ns: string;
  value: string;
  class?: string;
  remarks?: string;
}

type Json = Record<string, unknown>;

// Printable ASCII words with single spaces between them: already one clean line (the ids, keys,
// dates and numbers of nearly every prop), taken as is without the three passes below.
const CLEAN_LINE = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/** One line, no control characters, no leading or trailing blanks: what OSCAL's StringDatatype allows. */
export function oscalString(text: string): string {
  if (CLEAN_LINE.test(text)) return text;
  return withoutControlCharacters(text).replace(/\s+/g, ' ').trim();
}

// Characters Markdown (OSCAL markup-line and markup-multiline) would take as markup or raw HTML.
const MARKDOWN_SPECIAL = /[\\`*_[\]<>&#|!~]/g;

const escapeMarkdown = (text: string) => text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);

/**
 * Text a cluster wrote, for a markup-multiline field (descriptions, remarks): shown as written,
 * never as a link, HTML or emphasis; its line breaks kept.
 */
export function markupText(text: string): string {
  return escapeMarkdown(withoutTerminalControls(text));
}

/** The same for a markup-line field (titles) or inside one line of text: on one line. */
export function markupLine(text: string): string {
  return escapeMarkdown(withoutControlCharacters(text));
}

function prop(name: string, value: string | number | null | undefined, extra: Partial<Property> = {}): Property[] {
  if (value === null || value === undefined) return [];
  const text = oscalString(String(value));
  return text === '' ? [] : [{ name, ns: FLEETLEDGER_OSCAL_NS, value: text, ...extra }];
}

/** `[]` stays out of the document: every OSCAL array holds at least one item. */
function nonEmpty<K extends string, T>(key: K, items: readonly T[]): Partial<Record<K, T[]>> {
  return items.length > 0 ? ({ [key]: [...items] } as Record<K, T[]>) : {};
}

const clustersOf = (f: ReportFinding): string[] => f.clusters ?? (f.cluster ? [f.cluster] : []);

const percent = (ratio: number | null) => (ratio === null ? null : `${(ratio * 100).toFixed(1)}%`);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What one observation stands for: a rule's checks on one cluster, or fleet-wide (cluster null). */
interface ObservationDraft {
  rule: string;
  cluster: string | null;
  /** null: no checks recorded (a report without `checks`): the observation rests on its findings. */
  checks: RuleChecks | null;
  open: ReportFinding[];
  waived: ReportFinding[];
}

const draftKey = (rule: string, cluster: string | null) => `${rule}\u0000${cluster ?? ''}`;

/**
 * The observations and, per finding, the ones it relates to: its rule on each cluster it names;
 * failing those, its rule fleet-wide (checks about a group of clusters); failing both, new ones.
 */
function observationDrafts(doc: ReportDocument): {
  drafts: Map<string, ObservationDraft>;
  relatedTo: Map<string, string[]>;
} {
  const drafts = new Map<string, ObservationDraft>();
  for (const checks of doc.checks ?? []) {
    drafts.set(draftKey(checks.rule, checks.cluster), {
      rule: checks.rule,
      cluster: checks.cluster,
      checks,
      open: [],
      waived: [],
    });
  }
  const relatedTo = new Map<string, string[]>();
  for (const finding of doc.findings) {
    const clusters = clustersOf(finding);
    let keys = clusters.map((c) => draftKey(finding.rule, c)).filter((key) => drafts.has(key));
    if (keys.length === 0 && drafts.has(draftKey(finding.rule, null))) keys = [draftKey(finding.rule, null)];
    if (keys.length === 0) {
      for (const cluster of clusters.length > 0 ? clusters : [null]) {
        const key = draftKey(finding.rule, cluster);
        if (!drafts.has(key)) drafts.set(key, { rule: finding.rule, cluster, checks: null, open: [], waived: [] });
        keys.push(key);
      }
    }
    for (const key of keys) drafts.get(key)![finding.status === 'open' ? 'open' : 'waived'].push(finding);
    relatedTo.set(finding.id, keys);
  }
  return { drafts, relatedTo };
}

type ObservationResult = 'pass' | 'fail' | 'not-evaluated';

function observationResult(draft: ObservationDraft): ObservationResult {
  const failedChecks = draft.checks ? draft.checks.evaluated - draft.checks.passed : 0;
  if (failedChecks > 0 || draft.open.length > 0) return 'fail';
  if (draft.checks && draft.checks.evaluated < draft.checks.applicable) return 'not-evaluated';
  return 'pass';
}

function observationDescription(draft: ObservationDraft, result: ObservationResult): string {
  const rule = ruleById(draft.rule);
  const where = draft.cluster === null ? 'across the fleet' : `on ${markupLine(draft.cluster)}`;
  const counts = draft.checks
    ? `${plural(draft.checks.applicable, 'check')} ${where}: ${draft.checks.evaluated} evaluated, ${draft.checks.passed} passed${
        draft.checks.evaluated < draft.checks.applicable
          ? `, ${draft.checks.applicable - draft.checks.evaluated} not evaluated (the data was not collected)`
          : ''
      }`
    : `No check counts recorded ${where}`;
  const findings = `${plural(draft.open.length, 'open finding')}, ${draft.waived.length} waived`;
  // The catalog's own words are no cluster's: they go as written.
  return `${rule?.title ?? draft.rule}. ${counts}; ${findings}. Result: ${result}.`;
}

interface Ids {
  of(...parts: string[]): string;
}

/** The UUIDs of one ledger's documents: every name is prefixed with the ledger location. */
function idsFor(store: string): Ids {
  return { of: (...parts: string[]) => uuidV5(UUID_NAMESPACE, [store, ...parts].join('\u0000')) };
}

/** fleetledger as a tool: the same UUID in every document. */
const TOOL_UUID = uuidV5(UUID_NAMESPACE, 'tool\u0000fleetledger');

const TOOL_ORIGIN = [{ actors: [{ type: 'tool', 'actor-uuid': TOOL_UUID }] }];

/** `objective-id` target ids are tokens; the catalog's rule ids are (e.g. QUOTA-MISSING). */
function ruleObjectiveId(rule: string): string {
  if (isOscalToken(rule)) return rule;
  return `rule-${rule.replace(/[^\p{L}\p{N}._-]+/gu, '-')}`;
}

function controlProps(controls: readonly MappedControl[]): Property[] {
  return controls.flatMap((control) =>
    prop('mapped-control', control.controlId, { class: control.framework, remarks: control.text }),
  );
}

function rulesThatRan(doc: ReportDocument) {
  const disabled = new Set(doc.configuration?.rules.disabled ?? []);
  return ruleCatalog().filter((rule) => !disabled.has(rule.id));
}

/**
 * The control objectives the document refers to, each once: the rules that ran, then any other rule
 * of an open finding (the objective-id targets of the findings resolve to the parts' ids).
 */
function ruleObjectives(doc: ReportDocument, openRules: readonly string[]): Json[] {
  const ids = [...new Set([...rulesThatRan(doc).map((rule) => rule.id), ...openRules])];
  return ids.map((id) => {
    const rule = ruleById(id);
    const objectiveId = ruleObjectiveId(id);
    // The catalog's own words are no cluster's: they go as written.
    return {
      'control-id': objectiveId,
      description: rule?.title ?? id,
      ...nonEmpty('props', controlProps(rule ? mappedControls(rule.controls) : [])),
      parts: [
        {
          id: objectiveId,
          name: 'objective',
          title: rule?.title ?? id,
          ...(rule ? { prose: rule.rationale } : {}),
        },
      ],
      ...(rule ? { remarks: `Fix: ${rule.remediation}` } : {}),
    };
  });
}

function reviewedControls(doc: ReportDocument): Json {
  const ran = rulesThatRan(doc);
  const controls = ran.flatMap((rule) => mappedControls(rule.controls));
  const selections = CONTROL_FRAMEWORKS.flatMap(({ framework, title }) => {
    const ids = [...new Set(controls.filter((c) => c.framework === framework).map((c) => c.controlId))].sort();
    if (ids.length === 0) return [];
    return [
      {
        description: `${title}: the controls the rules that ran map to (fleetledger rule catalog).`,
        props: prop('framework', framework),
        'include-controls': ids.map((id) => ({ 'control-id': id })),
      },
    ];
  });
  return {
    description:
      'The controls the fleetledger rules that ran map to, by framework, and those rules as the control objectives assessed.',
    'control-selections':
      selections.length > 0 ? selections : [{ description: 'No rule that ran maps to a control of a framework.' }],
    ...(ran.length > 0
      ? {
          'control-objective-selections': [
            {
              description: `The fleetledger rules that ran (${ran.length} of ${ruleCatalog().length}; disabled rules are listed in report.json configuration).`,
              'include-objectives': ran.map((rule) => ({ 'objective-id': ruleObjectiveId(rule.id) })),
            },
          ],
        }
      : {}),
  };
}

function clusterComponent(ids: Ids, cluster: ReportCluster): Json {
  const read = cluster.status === 'ok' || cluster.status === 'partial';
  return {
    uuid: ids.of('cluster', cluster.name),
    type: 'system',
    title: markupLine(cluster.name),
    description: `Kubernetes cluster ${markupLine(cluster.name)} of the fleet (${cluster.status}).`,
    props: [...prop('cluster', cluster.name), ...prop('cluster-status', cluster.status)],
    status: {
      state: read ? 'operational' : 'other',
      ...(cluster.statusReason ? { remarks: markupText(cluster.statusReason) } : {}),
    },
  };
}

/**
 * The relative link from where the document lies in the ledger (`reports/<period>/<generatedAt>/`)
 * to a ledger key: it resolves in the store, in a copy of it, and wherever the ledger layout is kept.
 */
function hrefFromReportFolder(doc: ReportDocument, key: string): string {
  const documentKey = reportKey(
    doc.period,
    DateTime.fromISO(doc.generatedAt, { zone: 'utc' }),
    ASSESSMENT_RESULTS_FILE,
  );
  return `${'../'.repeat(documentKey.split('/').length - 1)}${key}`;
}

export interface AssessmentResultsInput {
  /** SHA-256 of report.json as it is stored beside the document (the plan resource links it). */
  reportJsonSha256: string;
}

/**
 * The OSCAL assessment-results document of a report, unvalidated (renderAssessmentResultsJson
 * validates). A pure function of its inputs.
 */
export function buildAssessmentResults(doc: ReportDocument, input: AssessmentResultsInput): Json {
  const { document, findings } = assessmentResultsParts(doc, input);
  return withFindings(document, [...findings()]);
}

interface AssessmentResultsParts {
  /** The document, its result's findings (when there are any) a JsonItems made as they are written. */
  document: Json;
  /** The result's findings, made anew at each call. */
  findings: () => Generator<Json>;
}

/** The document with its one result's findings replaced (in place: key order is kept), or left out (undefined). */
function withFindings(document: Json, findings: unknown): Json {
  const ar = document['assessment-results'] as Json;
  const [result] = ar.results as Json[];
  if (!result || !('findings' in result)) return document;
  const { findings: _, ...rest } = result;
  return {
    ...document,
    'assessment-results': { ...ar, results: [findings === undefined ? rest : { ...result, findings }] },
  };
}

/**
 * The document with the findings of its result (60,000 for a cluster with 20,000 namespaces) made
 * one at a time: validated one by one and written one by one, the findings are never all held.
 */
function assessmentResultsParts(doc: ReportDocument, input: AssessmentResultsInput): AssessmentResultsParts {
  const ids = idsFor(doc.store);
  const generatedAt = DateTime.fromISO(doc.generatedAt, { zone: 'utc' });
  const periodEnd = DateTime.fromISO(doc.periodEnd, { zone: 'utc' });
  const end = isoUtc(DateTime.min(generatedAt, periodEnd));

  // Subjects: the fleet, each cluster of the report, and any other cluster a finding names.
  const fleetUuid = ids.of('fleet');
  const clusterNames = new Set(doc.clusters.map((c) => c.name));
  const otherClusters = [
    ...new Set([
      ...(doc.checks ?? []).flatMap((c) => (c.cluster === null ? [] : [c.cluster])),
      ...doc.findings.flatMap(clustersOf),
    ]),
  ]
    .filter((name) => !clusterNames.has(name))
    .sort();
  const components = [
    {
      uuid: fleetUuid,
      type: 'this-system',
      title: 'The Kubernetes fleet',
      description: `Every cluster the report covers (${plural(doc.clusters.length, 'cluster')}), as a whole.`,
      status: { state: 'operational' },
    },
    ...doc.clusters.map((cluster) => clusterComponent(ids, cluster)),
    ...otherClusters.map((name) => ({
      uuid: ids.of('cluster', name),
      type: 'system',
      title: markupLine(name),
      description: `Kubernetes cluster ${markupLine(name)}, named by a finding but not part of the fleet report.`,
      props: prop('cluster', name),
      status: { state: 'other' },
    })),
  ];
  const subjectOf = (cluster: string | null) =>
    cluster === null
      ? { 'subject-uuid': fleetUuid, type: 'component', title: 'The Kubernetes fleet' }
      : { 'subject-uuid': ids.of('cluster', cluster), type: 'component', title: markupLine(cluster) };

  // Evidence: each snapshot once, in back-matter, referenced from observations.
  const evidenceUuid = (key: string, sha256: string) => ids.of('evidence', key, sha256);
  const evidenceResources = doc.evidence.map((e) => ({
    uuid: evidenceUuid(e.key, e.sha256),
    title: `Snapshot of ${markupLine(e.cluster)} collected at ${e.collectedAt}`,
    description: `The stored snapshot (gzip JSON) the report evaluated, under the ledger key ${markupLine(e.key)}.`,
    props: [
      ...prop('cluster', e.cluster),
      ...prop('ledger-key', e.key),
      ...prop('collected-at', e.collectedAt),
      ...prop('size', e.size),
    ],
    rlinks: [
      {
        href: hrefFromReportFolder(doc, e.key),
        'media-type': 'application/gzip',
        hashes: [{ algorithm: 'SHA-256', value: e.sha256 }],
      },
    ],
  }));
  const evidenceOf = (cluster: string | null) =>
    doc.evidence
      .filter((e) => cluster === null || e.cluster === cluster)
      .map((e) => ({
        href: `#${evidenceUuid(e.key, e.sha256)}`,
        description: `Snapshot of ${markupLine(e.cluster)} collected at ${e.collectedAt}, SHA-256 ${e.sha256}.`,
        props: [...prop('ledger-key', e.key), ...prop('sha256', e.sha256)],
      }));
  const collectedOf = (cluster: string | null) =>
    doc.evidence
      .filter((e) => cluster === null || e.cluster === cluster)
      .map((e) => e.collectedAt)
      .sort()
      .at(-1) ?? doc.generatedAt;

  const { drafts, relatedTo } = observationDrafts(doc);
  // Each once: every finding of a rule on a cluster relates to the same observation.
  const observationUuids = new Map(
    [...drafts.entries()].map(([key, draft]) => [
      key,
      ids.of('observation', doc.period, draft.rule, draft.cluster ?? ''),
    ]),
  );
  const observationUuid = (key: string) => observationUuids.get(key)!;
  const observations = [...drafts.entries()].map(([key, draft]) => {
    const result = observationResult(draft);
    const title = `${draft.rule} ${draft.cluster === null ? 'across the fleet' : `on ${markupLine(draft.cluster)}`}`;
    return {
      uuid: observationUuid(key),
      title,
      description: observationDescription(draft, result),
      props: [
        ...prop('rule', draft.rule),
        ...prop('cluster', draft.cluster),
        ...prop('result', result),
        ...(draft.checks
          ? [
              ...prop('checks-applicable', draft.checks.applicable),
              ...prop('checks-evaluated', draft.checks.evaluated),
              ...prop('checks-passed', draft.checks.passed),
            ]
          : []),
        ...prop('open-findings', draft.open.length),
        ...draft.waived.flatMap((f) => prop('waived-finding-id', f.id)),
      ],
      methods: ['EXAMINE'],
      types: result === 'fail' ? ['control-objective', 'finding'] : ['control-objective'],
      origins: TOOL_ORIGIN,
      subjects: [subjectOf(draft.cluster)],
      ...nonEmpty('relevant-evidence', evidenceOf(draft.cluster)),
      collected: collectedOf(draft.cluster),
    };
  });

  const openFindings = doc.findings.filter((f) => f.status === 'open');
  const findingOf = (f: ReportFinding) => {
    const rule = ruleById(f.rule);
    return {
      uuid: ids.of('finding', doc.period, f.id),
      title: `${f.rule}: ${markupLine(f.resource)}`,
      description: markupText(f.message),
      props: [
        ...prop('finding-id', f.id),
        ...prop('rule', f.rule),
        ...prop('severity', f.severity),
        ...clustersOf(f).flatMap((c) => prop('cluster', c)),
        ...prop('resource', f.resource),
        ...prop('area', f.area),
        ...prop('first-seen', f.firstSeen),
        ...prop('age-days', f.ageDays),
        ...prop('trend', f.trend),
      ],
      origins: TOOL_ORIGIN,
      target: {
        type: 'objective-id',
        'target-id': ruleObjectiveId(f.rule),
        title: rule?.title ?? f.rule,
        status: { state: 'not-satisfied', reason: 'fail' },
      },
      'related-observations': (relatedTo.get(f.id) ?? []).map((key) => ({
        'observation-uuid': observationUuid(key),
      })),
    };
  };
  function* findings(): Generator<Json> {
    for (const finding of openFindings) yield findingOf(finding);
  }

  const objectives = ruleObjectives(
    doc,
    openFindings.map((f) => f.rule),
  );

  const planUuid = ids.of('assessment-plan', doc.fleetledgerVersion, JSON.stringify(doc.configuration ?? null));
  const fleetFile = doc.configuration?.fleetFile ?? null;
  const waiversFile = doc.configuration?.waiversFile ?? null;
  const planResource = {
    uuid: planUuid,
    title: `fleetledger ${markupLine(doc.fleetledgerVersion)} assessment plan`,
    description:
      'fleetledger writes no separate OSCAL assessment plan. The plan is the rule catalog of the fleetledger version named here (the rules that ran are the control objectives in reviewed-controls) applied with the configuration report.json records under `configuration`: the fleet file, the waivers file (each with its SHA-256) and the rule settings.',
    props: [
      ...prop('fleetledger-version', doc.fleetledgerVersion),
      ...(fleetFile ? prop('fleet-file-sha256', fleetFile.sha256) : []),
      ...(waiversFile ? prop('waivers-file-sha256', waiversFile.sha256) : []),
    ],
    rlinks: [
      {
        href: 'report.json',
        'media-type': 'application/json',
        hashes: [{ algorithm: 'SHA-256', value: input.reportJsonSha256 }],
      },
    ],
  };

  const fleet = doc.fleet;
  const summary = doc.noData
    ? `No snapshot of any expected cluster in ${doc.period}: nothing was evaluated.`
    : `${plural(fleet.clusters.total, 'cluster')} (${fleet.clusters.ok} ok, ${fleet.clusters.partial} partial, ${fleet.clusters.unreachable} unreachable, ${fleet.clusters.missing} missing); compliance ${percent(fleet.compliance) ?? 'unknown'}, coverage ${percent(fleet.coverage) ?? 'unknown'}; ${plural(openFindings.length, 'open finding')}, ${doc.findings.length - openFindings.length} waived.`;
  const remarks = [
    ...(doc.noData ? ['No data: every score is unknown, there are no observations and no findings.'] : []),
    ...doc.gaps.map((gap) => `Unreadable stored object ${markupLine(gap.key)}: ${markupLine(gap.error)}`),
  ];

  const document = {
    'assessment-results': {
      uuid: ids.of('assessment-results', doc.period, doc.generatedAt),
      metadata: {
        title: `fleetledger assessment results: ${doc.period}`,
        'last-modified': doc.generatedAt,
        version: doc.generatedAt,
        'oscal-version': OSCAL_VERSION,
        props: [
          ...prop('fleetledger-version', doc.fleetledgerVersion),
          ...prop('report-schema-version', doc.schemaVersion),
          ...prop('ledger', doc.store),
          ...(doc.supersedes ? prop('supersedes-report', doc.supersedes.folder) : []),
        ],
        links: [{ href: 'report.json', rel: 'related', 'media-type': 'application/json', text: 'report.json' }],
      },
      'import-ap': {
        href: `#${planUuid}`,
        remarks:
          'The assessment plan is a back-matter resource: the fleetledger rule catalog and the configuration in report.json.',
      },
      ...(objectives.length > 0 ? { 'local-definitions': { 'objectives-and-methods': objectives } } : {}),
      results: [
        {
          uuid: ids.of('result', doc.period),
          title: `Kubernetes fleet compliance, ${doc.period}`,
          description: `fleetledger's weekly assessment of the fleet, ${doc.period} (${markupLine(doc.timeZone)}): ${summary}`,
          start: doc.periodStart,
          end,
          props: [
            ...prop('period', doc.period),
            ...prop('time-zone', doc.timeZone),
            ...prop('compliance', fleet.compliance),
            ...prop('coverage', fleet.coverage),
            ...(doc.noData ? prop('no-data', 'true') : []),
          ],
          'local-definitions': {
            components,
            'assessment-assets': {
              components: [
                {
                  uuid: TOOL_UUID,
                  type: 'software',
                  title: 'fleetledger',
                  description:
                    'Audit and compliance reporter for fleets of Kubernetes clusters: reads each cluster through its API server, stores the snapshots in a hash-chained ledger and evaluates them against its rule catalog.',
                  props: prop('version', doc.fleetledgerVersion),
                  status: { state: 'operational' },
                },
              ],
              'assessment-platforms': [
                {
                  uuid: ids.of('assessment-platform'),
                  title: 'fleetledger',
                  'uses-components': [{ 'component-uuid': TOOL_UUID }],
                },
              ],
            },
          },
          'reviewed-controls': reviewedControls(doc),
          ...nonEmpty('observations', observations),
          ...(openFindings.length > 0 ? { findings: new JsonItems(findings) } : {}),
          ...(remarks.length > 0 ? { remarks: remarks.join('\n\n') } : {}),
        },
      ],
      'back-matter': { resources: [planResource, ...evidenceResources] },
    },
  };
  return { document, findings };
}

/**
 * The document as stored: built, validated against NIST's schema (a bug throws), and serialised on
 * one line: it is for tools, and indentation made up a third of its bytes (60,000 findings: 214 MB).
 */
export function renderAssessmentResultsJson(doc: ReportDocument, input: AssessmentResultsInput): string {
  return [...assessmentResultsPieces(doc, input)].join('');
}

// The findings and observations are the fifth level: document, assessment-results, results, result, findings.
const FINDINGS_DEPTH = 5;
const RESULT_FINDINGS = '/assessment-results/results/0/findings';

/**
 * The same text in pieces (see jsonPieces), a finding at a time. The document without its findings
 * is built and validated when this is called (a bug throws before anything is written); each
 * finding is made, validated and serialised as the pieces are read, so each is made once and the
 * findings are never all held. A finding the schema rejects throws from the iteration, before its
 * bytes are written: the store's write of the file is then abandoned (nothing is stored under its
 * key) and so is the report run.
 */
export function assessmentResultsPieces(doc: ReportDocument, input: AssessmentResultsInput): Iterable<string> {
  const { document, findings } = assessmentResultsParts(doc, input);
  assertValidAssessmentResults(withFindings(document, undefined));
  const checked = withFindings(
    document,
    new JsonItems(() => validatedFindings({ at: RESULT_FINDINGS, items: findings() })),
  );
  return jsonPieces(checked, { depth: FINDINGS_DEPTH, newline: true });
}
