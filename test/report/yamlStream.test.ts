/**
 * The policy report files are written by a small YAML emitter of its own (src/report/yamlStream.ts):
 * what it writes must read back, with the `yaml` package (YAML 1.2) and as YAML 1.1 readers such
 * as Go's and PyYAML do, as exactly the data it was given, whatever the strings hold.
 */
import { parseAllDocuments } from 'yaml';
import { buildPolicyReports, renderPolicyReportYaml } from '../../src/report/policyReport.js';
import { yamlStream } from '../../src/report/yamlStream.js';
import { makeHostileReportDocument, makeReportDocument } from '../support/reportFixture.js';

const readBack = (text: string, version: '1.1' | '1.2') =>
  parseAllDocuments(text, { version }).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS();
  });

const TRICKY = [
  '',
  'yes',
  'no',
  'null',
  '~',
  'true',
  '1.0',
  '0x1F',
  '2026-11-25',
  '2026-11-25T09:00:00.000Z',
  '- item',
  'key: value',
  '# comment',
  '"quoted" and \\backslash\\',
  "it's",
  'line one\nline two\r\n\ttabbed',
  'control \u0000\u0007\u001b[31m',
  'separators \u0085 \u2028 \u2029',
  'emoji 🔐 and ünïcödé',
  '{{constructor}} <script>alert(1)</script>',
  '  leading and trailing  ',
];

describe('yamlStream', () => {
  it('writes strings, keys, numbers, booleans, nulls and nesting that read back as the same data in YAML 1.2 and 1.1', () => {
    const objects = [
      {
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        metadata: { name: 'cluster-a', labels: { 'app.kubernetes.io/managed-by': 'fleetledger', yes: 'key' } },
        summary: { pass: 0, fail: 3, ratio: 0.5 },
        flags: [true, false, null],
        empty: { list: [], map: {} },
        strings: TRICKY,
        results: TRICKY.map((text, index) => ({ [text || 'blank']: text, index, nested: [[text], { text }] })),
      },
      { kind: 'Second' },
    ];
    const text = yamlStream(objects);
    expect(readBack(text, '1.2')).toEqual(objects);
    expect(readBack(text, '1.1')).toEqual(objects);
  });

  it('double-quotes every string value, lays sequences out under their key and writes each collection in a sequence on its line', () => {
    expect(
      yamlStream([
        {
          kind: 'ClusterPolicyReport',
          results: [{ resultID: 'abc', resources: [{ kind: 'Namespace' }] }, 'x', ['y'], {}],
          count: 2,
        },
      ]),
    ).toBe(
      '---\nkind: "ClusterPolicyReport"\nresults:\n  - {"resultID":"abc","resources":[{"kind":"Namespace"}]}\n  - "x"\n  - ["y"]\n  - {}\ncount: 2\n',
    );
  });

  it('escapes the line separators YAML 1.1 folds inside a result written on one line', () => {
    expect(yamlStream([{ results: [{ message: 'a\u2028b\u0085c\u2029' }] }])).toBe(
      '---\nresults:\n  - {"message":"a\\u2028b\\u0085c\\u2029"}\n',
    );
  });

  it('renders the policy reports of the fixture and of hostile text so that they read back as the reports built', () => {
    for (const doc of [makeReportDocument(), makeHostileReportDocument()]) {
      const text = renderPolicyReportYaml(doc);
      const built = JSON.parse(JSON.stringify(buildPolicyReports(doc)));
      expect(built.length).toBeGreaterThan(0);
      expect(readBack(text, '1.1')).toEqual(built);
      expect(readBack(text, '1.2')).toEqual(built);
    }
  });
});
