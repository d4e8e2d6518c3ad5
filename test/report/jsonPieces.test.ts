/**
 * jsonPieces: the text of report.json and assessment-results.json written piece by piece is byte
 * for byte what JSON.stringify gives for the whole document.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { jsonPieces } from '../../src/report/jsonPieces.js';
import { buildAssessmentResults, renderAssessmentResultsJson } from '../../src/report/oscal/assessmentResults.js';
import {
  assessmentResultsProblems,
  InvalidAssessmentResultsError,
  validatedFindings,
} from '../../src/report/oscal/assessmentResultsSchema.js';
import { TrendIndexEntry, trendEntryFromReport, writeTrendEntry } from '../../src/report/trendIndex.js';
import { makeReportDocument } from '../support/reportFixture.js';

type Json = Record<string, unknown>;

const joined = (value: unknown, indent: number, depth: number) => [...jsonPieces(value, { indent, depth })].join('');

describe('jsonPieces', () => {
  const awkward = {
    text: 'line\nbreak "quoted" \u2028 \u0007 🔒',
    empty: { list: [], object: {} },
    left: undefined,
    skipped: () => 1,
    nothing: null,
    nested: [1, [2, [3, { deep: [{}] }]], 'four'],
    holes: [undefined, () => 1, Symbol('s'), 5],
    date: new Date(Date.UTC(2026, 10, 27, 9)),
    toJson: { toJSON: () => ({ replaced: true }) },
    gone: { toJSON: () => undefined },
    'key "with" quotes': -0.5,
  };

  it.each([0, 2, 4])('writes what JSON.stringify writes with indent %i, at every depth', (indent) => {
    for (const depth of [0, 1, 2, 3, 4, 8]) {
      expect(joined(awkward, indent, depth)).toBe(JSON.stringify(awkward, null, indent));
      expect(joined([awkward, [], {}], indent, depth)).toBe(JSON.stringify([awkward, [], {}], null, indent));
    }
  });

  it('with itemsOnOneLine, writes each item of an opened array on a line of its own, the rest indented', () => {
    const value = {
      period: '2026-W48',
      fleet: { open: 2 },
      findings: [{ id: 'a', tags: ['x'] }, 7, { id: 'b' }],
      none: [],
    };

    const text = [...jsonPieces(value, { indent: 2, depth: 2, itemsOnOneLine: true, newline: true })].join('');

    expect(text).toBe(
      '{\n  "period": "2026-W48",\n  "fleet": {\n    "open": 2\n  },\n  "findings": [\n    {"id":"a","tags":["x"]},\n    7,\n    {"id":"b"}\n  ],\n  "none": []\n}\n',
    );
    expect(JSON.parse(text)).toEqual(value);
  });

  it('writes a report document as JSON.stringify does, in pieces of bounded length', () => {
    const doc = makeReportDocument();
    doc.findings = Array.from({ length: 400 }, (_, i) => ({ ...doc.findings[0]!, id: `f${i}` }));

    const pieces = [...jsonPieces(doc, { indent: 2, depth: 2, newline: true })];

    expect(pieces.join('')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(pieces.length).toBeGreaterThan(1);
    // Each piece is about 64 Ki code units: a finding or so beyond that bound, never the whole document.
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(70_000);
  });
});

describe('assessment-results.json written a finding at a time', () => {
  const doc = makeReportDocument();
  doc.findings = Array.from({ length: 300 }, (_, i) => ({ ...doc.findings[0]!, id: `${i}`.padStart(16, '0') }));
  const input = { reportJsonSha256: 'a'.repeat(64) };

  it('is the document built whole, on one line', () => {
    const whole = buildAssessmentResults(doc, input);

    expect(renderAssessmentResultsJson(doc, input)).toBe(`${JSON.stringify(whole)}\n`);
    expect(((whole['assessment-results'] as Json).results as Json[])[0]!.findings).toHaveLength(300);
  });

  it('has each finding checked against the schema as it is taken, named by its place in the document', () => {
    const whole = buildAssessmentResults(doc, input);
    const { findings, ...result } = ((whole['assessment-results'] as Json).results as Json[])[0]!;
    const skeleton = { 'assessment-results': { ...(whole['assessment-results'] as Json), results: [result] } };
    const at = '/assessment-results/results/0/findings';
    const problemsOf = (items: unknown[]) => {
      try {
        return { taken: [...validatedFindings({ at, items })].length, problems: [] as readonly string[] };
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidAssessmentResultsError);
        return { taken: null, problems: (error as InvalidAssessmentResultsError).problems };
      }
    };

    const first = problemsOf([
      { uuid: 'b2bd5c3c-4b36-5e0f-8b5a-9d0e7a1c3f11', title: 'x', description: 'y', target: {} },
      {},
    ]);
    const second = problemsOf([(findings as Json[])[0], {}]);

    expect(first.problems).toContain(
      '/assessment-results/results/0/findings/0/target: must have required property \'type\' {"missingProperty":"type"}',
    );
    expect(second.problems).toContain(
      '/assessment-results/results/0/findings/1: must have required property \'uuid\' {"missingProperty":"uuid"}',
    );
    expect(problemsOf(findings as Json[])).toEqual({ taken: 300, problems: [] });
    expect(assessmentResultsProblems(skeleton)).toEqual([]);
  });
});

describe('the trend index entry written in pieces', () => {
  it('is stored as the entry, a finding per line, with the hash of what was stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trend-pieces-'));
    try {
      const store = new DirectoryLedgerStore(dir);
      const doc = makeReportDocument();
      doc.findings = Array.from({ length: 3000 }, (_, i) => ({
        ...doc.findings[0]!,
        id: `f${i}`,
        resource: `Namespace/ns-${i}`,
      }));
      const entry = trendEntryFromReport(doc, []);

      const written = await writeTrendEntry(store, entry);

      const stored = Buffer.from(await store.get(written.key));
      const text = stored.toString('utf8');
      expect(JSON.parse(text)).toEqual(TrendIndexEntry.parse(entry));
      const findingLines = text.split('\n').filter((line) => line.startsWith('    {"id":"f'));
      expect(findingLines).toHaveLength(3000);
      expect(findingLines.map((line) => JSON.parse(line.replace(/,$/, '')).id)).toEqual(
        entry.findings.map((f) => f.id),
      );
      expect(text.endsWith('}\n')).toBe(true);
      expect(written.sha256).toBe(createHash('sha256').update(stored).digest('hex'));
      expect(written.size).toBe(stored.byteLength);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
