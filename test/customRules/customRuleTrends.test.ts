/**
 * Custom findings in the week-over-week trend, as built-in ones: the demo (last week, then this
 * week) with the example organisation rules in use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { createMemoryLogger } from '../../src/core/logger.js';
import { loadRulesFiles } from '../../src/customRules/rulesFile.js';
import type { DemoResult } from '../../src/demo/runDemo.js';
import { clearCustomRules, useCustomRules } from '../../src/evaluate/catalog.js';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));
const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' });

describe('custom findings in the trend', () => {
  let dir: string;
  let result: DemoResult;

  beforeAll(async () => {
    useCustomRules('--rules', loadRulesFiles('--rules', [join(EXAMPLES, 'rules', 'organisation.yaml')]));
    dir = await mkdtemp(join(tmpdir(), 'fleetledger-custom-trend-'));
    const { runDemo } = await import('../../src/demo/runDemo.js');
    result = await runDemo({
      examplesDir: EXAMPLES,
      store: new DirectoryLedgerStore(join(dir, 'ledger')),
      now: NOW,
      out: join(dir, 'out'),
      logger: createMemoryLogger(),
    });
  });
  afterAll(async () => {
    clearCustomRules();
    await rm(dir, { recursive: true, force: true });
  });

  it('follows a custom finding from last week to this week by its id: persisting, or new', () => {
    const ids = (doc: DemoResult['thisWeek']['report']['doc']) =>
      Object.fromEntries(
        doc.findings.filter((f) => f.rule === 'ORG-IPPOOL-PRIVATE-RANGE').map((f) => [f.cluster, f.id] as const),
      );
    const lastWeek = ids(result.lastWeek.report.doc);
    const thisWeek = ids(result.thisWeek.report.doc);
    // Last week only cluster-a had the 192.168.0.0/16 pool (cluster-b's came this week, as CIDR-OVERLAP shows).
    expect(Object.keys(lastWeek)).toEqual(['cluster-a']);
    expect(lastWeek['cluster-a']).toBe(thisWeek['cluster-a']);
    const { trend } = result.thisWeek.report.doc;
    expect(trend.persisting).toContain(thisWeek['cluster-a']);
    expect(trend.new).toContain(thisWeek['cluster-b']);
  });
});
