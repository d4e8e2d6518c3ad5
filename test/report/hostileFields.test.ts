/**
 * Every field a cluster, a configuration file or the command line supplies reaches report.html
 * only escaped, in every table: the fixture plants markup naming its field in each of them
 * (test/support/reportFixture.ts makeHostileReportDocument), and a field added to the report
 * without hostile text in the fixture fails the first test here.
 */
import { renderEmail } from '../../src/report/email/renderEmail.js';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { BLOCK, escapedHostile, IMG, makeHostileReportDocument, SCRIPT, TEMPLATE } from '../support/reportFixture.js';

/**
 * Text the program makes (ids, rule ids, enums, timestamps, hashes, periods) or that the HTML never
 * shows (a finding's evidence): paths with `[]` for array items and `{}` for record keys.
 */
const PROGRAM_MADE = [
  /^(period|periodStart|periodEnd|timeZone|generatedAt|fleetledgerVersion|previousPeriod)$/,
  /^clusters\[\]\.(status|collectedAt)$/,
  /^clusters\[\]\.areas\.\{\}(\.state|\.worstSeverity)?$/,
  /^clusters\[\]\.facts\.certificates\[\]\.notAfter$/,
  /^clusters\[\]\.skippedNamespaces\.(rules\[\]|namespaces\[\]\.(reason|source))$/,
  /^clusters\[\]\.secretReads\.notEvaluated\[\]\.rule$/,
  /^clusters\[\]\.problems\[\]\.state$/,
  /^findings\[\]\.(id|rule|severity|status|area|firstSeen|trend)$/,
  /^findings\[\]\.waiver\.(rule|expires)$/,
  /^findings\[\]\.evidence\./,
  /^trend\.(new|resolved|persisting)\[\]$/,
  /^trend\.resolvedFindings\[\]\.(id|rule)$/,
  /^trend\.changes\[\]\.(area|change)$/,
  /^trend\.series\./,
  /^waivers\[\]\.(rule|expires)$/,
  /^evidence\[\]\.(sha256|collectedAt)$/,
  /^connectivity\.groups\[\]\.(kind|comparedBy\[\]|members\[\]\.role|members\[\]\.reasons\[\]\.(kind|source))$/,
  /^configuration\.(fleetFile|waiversFile)\.sha256$/,
  /^configuration\.rules\.severityOverrides\[\]\.(severity|defaultSeverity)$/,
  /^configuration\.excludedNamespaces\[\]\.(reason|source)$/,
  /^supersedes\.(generatedAt|reportJsonSha256)$/,
];

const HOSTILE_TEXT = [SCRIPT, IMG, TEMPLATE, BLOCK, '"><i id='];

/** Every string of the document (record keys included) under its path. */
function stringsByPath(value: unknown, path = '', out = new Map<string, string[]>()): Map<string, string[]> {
  const add = (at: string, text: string) => out.set(at, [...(out.get(at) ?? []), text]);
  if (typeof value === 'string') add(path, value);
  else if (Array.isArray(value)) for (const item of value) stringsByPath(item, `${path}[]`, out);
  else if (value !== null && typeof value === 'object') {
    const isRecord = /(labels|hard|thresholds|areas|clusters)$/.test(path) && !path.endsWith('fleet.clusters');
    for (const [key, entry] of Object.entries(value)) {
      if (isRecord) add(`${path}.{}`, key);
      stringsByPath(entry, isRecord ? `${path}.{}` : path === '' ? key : `${path}.${key}`, out);
    }
  }
  return out;
}

/** The fields the fixture plants hostile(field) in that report.html shows. */
const SHOWN_IN_HTML = [
  'store',
  'label-key',
  'label-value',
  'kubernetesVersion',
  'podCIDR',
  'serviceCIDR',
  'pool-cidr',
  'certificate-source',
  'certificate-namespace',
  'fingerprint',
  'app-namespace',
  'app-name',
  'app-message',
  'sync',
  'health',
  'secret-subject',
  'secret-reason',
  'problem-section',
  'problem-state',
  'problem-summary',
  'problem-detail',
  'skipped-namespace',
  'skipped-pattern',
  'waiver-cluster',
  'waiver-resource',
  'waiver-reason',
  'waiver-owner',
  'evidence-key',
  'gap-key',
  'gap-error',
  'group-name',
  'reason-label',
  'reason-detail-discovered',
  'unconnected',
  'unread-section',
  'fleet-file',
  'waivers-file',
  'disabled-rule',
  'override-rule',
  'threshold',
  'excluded-pattern',
  'platform-pattern',
  'platform-addon',
  'checked-namespace',
  'supersedes-folder',
  'reason',
];

describe('hostile text in every field of a report', () => {
  it('is planted in every string a cluster, a configuration file or the command line supplies', () => {
    const doc = makeHostileReportDocument();

    const plain = [...stringsByPath(doc)]
      .filter(([path]) => !PROGRAM_MADE.some((pattern) => pattern.test(path)))
      .filter(([, texts]) => !texts.some((text) => HOSTILE_TEXT.some((hostile) => text.includes(hostile))))
      .map(([path]) => path);

    expect(plain).toEqual([]);
  });

  it('is shown in report.html only escaped, in every table (the drift table sync and health columns included)', () => {
    const html = renderReportHtml(makeHostileReportDocument());

    expect(html).not.toMatch(/<i id=|<img|<script/);
    expect(SHOWN_IN_HTML.filter((field) => !html.includes(escapedHostile(field)))).toEqual([]);
    const drift = html.slice(html.indexOf('<section id="drift">'), html.indexOf('<section id="findings">'));
    expect(drift).toContain(`<td data-label="Sync"><span class="flag">OutOfSync${escapedHostile('sync')}</span></td>`);
    expect(drift).toContain(
      `<td data-label="Health"><span class="flag">Degraded${escapedHostile('health')}</span></td>`,
    );
  });

  it('is never markup in the e-mail', () => {
    const { html } = renderEmail(makeHostileReportDocument(), {
      report: 'report.html',
      json: 'report.json',
      csv: 'findings.csv',
    });

    expect(html).not.toMatch(/<i id=|<img|<script/);
    expect(html).toContain(escapedHostile('supersedes-folder'));
  });
});
