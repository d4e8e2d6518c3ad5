/**
 * A report's findings as JUnit XML, the test-report format every CI system shows (GitLab, Jenkins,
 * Azure Pipelines, GitHub actions that read it). One test suite per cluster (and "fleet" for
 * fleet-wide findings), one test case per open finding: a failure when it is at or above the gate,
 * skipped when it is below; with --min-compliance, a "gate" suite whose case fails when compliance
 * is below the minimum. Everything a cluster said is escaped (it is untrusted text).
 */
import { withoutTerminalControls } from '../core/text.js';
import type { ReportDocument, ReportFinding } from '../report/schema.js';
import { compliancePercent, findingPlace, type GateVerdict } from './reportGate.js';

/** Text safe in XML 1.0 content and attributes: markup escaped, characters XML cannot carry removed. */
export function xmlText(text: string): string {
  return (
    withoutTerminalControls(text)
      // Lone surrogates and U+FFFE/U+FFFF are not XML characters either.
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, '')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&apos;')
  );
}

interface TestCase {
  name: string;
  classname: string;
  failure?: { message: string; type: string; text: string };
  skipped?: string;
}

function caseXml(test: TestCase): string {
  const open = `    <testcase name="${xmlText(test.name)}" classname="${xmlText(test.classname)}" time="0"`;
  if (test.failure) {
    return `${open}>\n      <failure message="${xmlText(test.failure.message)}" type="${xmlText(test.failure.type)}">${xmlText(test.failure.text)}</failure>\n    </testcase>`;
  }
  if (test.skipped !== undefined)
    return `${open}>\n      <skipped message="${xmlText(test.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

function suiteXml(name: string, cases: readonly TestCase[], timestamp: string): string {
  const failures = cases.filter((test) => test.failure).length;
  const skipped = cases.filter((test) => test.skipped !== undefined).length;
  const head = `  <testsuite name="${xmlText(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${xmlText(timestamp.replace(/Z$/, ''))}"`;
  if (cases.length === 0) return `${head}/>`;
  return `${head}>\n${cases.map(caseXml).join('\n')}\n  </testsuite>`;
}

function findingCase(finding: ReportFinding, failing: ReadonlySet<ReportFinding>, verdict: GateVerdict): TestCase {
  const place = findingPlace(finding);
  const test: TestCase = { name: `${finding.rule} ${finding.resource}`, classname: `fleetledger.${place}` };
  if (failing.has(finding)) {
    return {
      ...test,
      failure: {
        message: finding.message,
        type: finding.severity,
        text: `${finding.severity} ${finding.rule} on ${place}: ${finding.resource}\n${finding.message}\nfinding ${finding.id}, first seen ${finding.firstSeen}`,
      },
    };
  }
  return { ...test, skipped: `${finding.severity}: below --fail-on ${verdict.gate.failOn}` };
}

/** The JUnit XML document of a report's open findings under a gate verdict. */
export function junitXml(doc: ReportDocument, verdict: GateVerdict): string {
  const failing = new Set(verdict.failing);
  const open = doc.findings.filter((finding) => finding.status === 'open');
  const suites = new Map<string, TestCase[]>(doc.clusters.map((cluster) => [cluster.name, []]));
  for (const finding of open) {
    const place = finding.cluster ?? 'fleet';
    const cases = suites.get(place) ?? [];
    cases.push(findingCase(finding, failing, verdict));
    suites.set(place, cases);
  }
  const blocks = [...suites].map(([name, cases]) => suiteXml(name, cases, doc.generatedAt));
  if (verdict.gate.minCompliance !== null) {
    const minimum = compliancePercent(verdict.gate.minCompliance);
    const name = `fleet compliance at least ${minimum}`;
    const gateCase: TestCase = verdict.complianceBelowMinimum
      ? {
          name,
          classname: 'fleetledger.gate',
          failure: {
            message: verdict.complianceReason ?? '',
            type: 'compliance',
            text: verdict.complianceReason ?? '',
          },
        }
      : { name, classname: 'fleetledger.gate' };
    blocks.push(suiteXml('gate', [gateCase], doc.generatedAt));
  }
  const tests = open.length + (verdict.gate.minCompliance !== null ? 1 : 0);
  const failures = verdict.failing.length + (verdict.complianceBelowMinimum ? 1 : 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fleetledger check ${xmlText(doc.period)}" tests="${tests}" failures="${failures}" errors="0" time="0">`,
    ...blocks,
    '</testsuites>',
    '',
  ].join('\n');
}
